"""The JSON Schemas help an editor in the IDE: they complete the ids that exist, insert no
`null` for an optional field, and describe every field; yaml-language-server, the server behind
VS Code's YAML extension, is driven here as an editor drives it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from evidence_site.pipeline import load_base
from evidence_site.records.json_schema import schemas
from yaml_lsp import SERVER, YamlLanguageServer, completions_after

BASE = load_base(ROOT / "evidence")
SCHEMAS = {name: json.loads(text) for name, text in schemas(BASE).items()}


def _properties(schema: dict):
    for owner_name, owner in [("", schema), *schema.get("$defs", {}).items()]:
        for name, prop in owner.get("properties", {}).items():
            yield f"{owner_name}.{name}" if owner_name else name, prop


def test_every_field_has_a_description_and_no_null_default():
    for file, schema in SCHEMAS.items():
        for name, prop in _properties(schema):
            assert prop.get("description"), f"{file}: {name} has no description"
            assert "default" not in prop or prop["default"] is not None, f"{file}: {name} would be inserted as null"
            assert {"type": "null"} not in prop.get("anyOf", []), f"{file}: {name} offers null"


def test_id_fields_offer_the_ids_that_exist():
    study = SCHEMAS["study.schema.json"]["properties"]
    assert study["design"]["examples"] == sorted(d.id for d in BASE.scheme.designs)
    assert study["outcomes"]["items"]["examples"] == sorted(BASE.outcomes)
    assert study["source"]["examples"] == sorted(BASE.sources)
    assert study["tags"]["items"]["examples"] == sorted({t for s in BASE.studies.values() for t in s.tags})
    finding = SCHEMAS["study.schema.json"]["$defs"]["Finding"]["properties"]
    assert finding["outcome"]["examples"] == sorted(BASE.outcomes)
    intervention = SCHEMAS["study.schema.json"]["$defs"]["Intervention"]["properties"]
    assert intervention["agent"]["examples"] == sorted(BASE.agents)
    topic = SCHEMAS["topic.schema.json"]["$defs"]["Conclusion"]["properties"]
    assert topic["studies"]["items"]["examples"] == sorted(BASE.studies)


def test_check_refreshes_the_schemas_when_a_record_is_added(mini_site):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks")}
    run = [sys.executable, "-m", "evidence_site", "check"]
    assert subprocess.run(run, cwd=mini_site.root, env=env, capture_output=True, timeout=120).returncode == 0
    outcomes = mini_site.root / "evidence/outcomes"
    (outcomes / "fatigue.yaml").write_text("id: fatigue\nname: Fatigue\n", encoding="utf-8")
    result = subprocess.run(run, cwd=mini_site.root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert "Updated" in result.stderr and "schema file(s)" in result.stderr
    schema = json.loads((mini_site.root / "evidence/_schemas/study.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["outcomes"]["items"]["examples"] == sorted(p.stem for p in outcomes.glob("*.yaml"))


@pytest.fixture(scope="module")
def server():
    if shutil.which("node") is None or not SERVER.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the editor test: node and node_modules/yaml-language-server (npm ci) are missing")
        pytest.skip("node or node_modules/yaml-language-server is missing: install Node.js and run `npm ci`")
    started = YamlLanguageServer()
    yield started
    started.close()


NEW_STUDY = """# yaml-language-server: $schema=../_schemas/study.schema.json
id: newtrial-2099
source: newtrial-2099
details_sources: [newtrial-2099]
design: 
outcomes:
  - 
"""


def test_the_language_server_completes_design_and_outcomes(server):
    # The file is opened where a record lives, so the relative $schema resolves to the committed schema.
    path = ROOT / "evidence/studies/newtrial-2099.yaml"
    assert not path.exists()
    designs = completions_after(server, path, NEW_STUDY, "design: ")
    assert designs == sorted(d.id for d in BASE.scheme.designs) and "rct" in designs
    outcomes = completions_after(server, path, NEW_STUDY, "outcomes:\n  - ")
    assert outcomes == sorted(BASE.outcomes)


def test_accepting_an_optional_field_inserts_no_null(server):
    path = ROOT / "evidence/studies/newtrial-2099.yaml"
    text = "# yaml-language-server: $schema=../_schemas/study.schema.json\nid: newtrial-2099\n\n"
    items = {item["label"]: item for item in server.completion_items(path, text, 2, 0)}
    assert {"population", "country", "comparator", "trial"} <= items.keys()
    for name in ("population", "country", "comparator", "trial"):
        assert "null" not in items[name].get("insertText", ""), items[name]
        assert items[name].get("documentation"), f"{name}: no description shown"
