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


STAGES = ["records", "load", "check", "derive", "render", "export"]


def _core_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every evidence_site import that runs (not those under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("evidence_site"):
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("evidence_site")]
    return out


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else module.removeprefix("evidence_site.")


def test_each_stage_imports_only_earlier_stages_and_nothing_imports_serve():
    """records <- load <- check <- derive <- render <- export; verify, serve and editing come after
    all of them; serve/ is only for `mkdocs serve`, so only the adapter (and serve itself) import it."""
    core = ROOT / "hooks" / "evidence_site"
    wrong = []
    for path in sorted(core.rglob("*.py")):
        mine = _room("evidence_site." + path.relative_to(core).with_suffix("").as_posix().replace("/", "."))
        for line, module in _core_imports(path):
            theirs = _room(module)
            if mine in STAGES and theirs in STAGES and STAGES.index(theirs) > STAGES.index(mine):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: the {mine} stage imports the later {theirs} stage")
            elif mine in STAGES and theirs in ("pipeline", "editing", "verify", "serve"):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: the {mine} stage imports {theirs}")
            elif theirs == "serve" and mine != "serve":
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {mine} imports serve/, which only the adapter may use")
    assert not wrong, "\n".join(wrong)


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
