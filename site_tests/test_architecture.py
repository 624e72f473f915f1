"""The core stays independent of MkDocs and of the subject matter; schemas stay in step."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import ROOT
from evidence_site.records.json_schema import schemas

HOOKS = ROOT / "hooks"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_hook_module_imports_mkdocs():
    importers = {p.relative_to(ROOT).as_posix() for p in HOOKS.rglob("*.py") if "mkdocs" in _imports(p)}
    assert importers == {"hooks/mkdocs_hook.py"}


def test_no_python_file_names_an_agent():
    for path in list(HOOKS.rglob("*.py")) + list(HOOKS.rglob("*.j2")):
        text = path.read_text(encoding="utf-8").lower()
        for word in ("alfacalcidol", "calcitriol", "cholecalciferol"):
            assert word not in text, f"{path}: domain words belong in evidence/, not code"


def test_committed_json_schemas_are_up_to_date():
    committed = ROOT / "evidence/_schemas"
    for name, text in schemas().items():
        path = committed / name
        assert path.exists() and path.read_text(encoding="utf-8") == text, \
            f"{path} is stale: run `evidence-site schema` and commit the result"
        json.loads(text)


def test_every_record_names_its_schema():
    for path in (ROOT / "evidence").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema_path = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema_path.exists(), f"{path}: {schema_path} does not exist"
