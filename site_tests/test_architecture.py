"""The core stays independent of MkDocs and of the subject matter; schemas stay in step."""
from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from pathlib import Path

from conftest import ROOT
from evidence_site.pipeline import load_base
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
    importers = {p.relative_to(ROOT).as_posix() for p in HOOKS.rglob("*.py") if {"mkdocs", "properdocs"} & _imports(p)}
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


def test_no_python_file_or_template_names_the_quality_scale():
    """The quality scale (its name, maximum and threshold) is data in the level scheme."""
    for path in list(HOOKS.rglob("*.py")) + list(HOOKS.rglob("*.j2")):
        assert "pedro" not in path.read_text(encoding="utf-8").lower(), f"{path}: the scale's name belongs in evidence/"


# Words of the main site's subject. Comments may use them to explain an example; code,
# docstrings and templates may not, so a second site on another subject says none of them.
DOMAIN_WORDS = re.compile(r"vitamin|25\(OH\)D|nmol|ng/mL|calcidol|calciferol|calcitriol|ms-trials|clinicaltrials|multiple sclerosis",
                          re.I)
DOMAIN_CAPS = re.compile(r"\bMS\b")  # lower-case 'ms' is milliseconds


def _code_text(path: Path) -> str:
    """A Python file without its comments, or a template as it is."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return " ".join(tok.string for tok in tokens if tok.type != tokenize.COMMENT)


def test_no_code_or_template_of_the_core_names_the_subject():
    core = HOOKS / "evidence_site"
    found = []
    for path in sorted(list(core.rglob("*.py")) + list(core.rglob("*.j2")) + list(core.rglob("*.yaml"))):
        text = _code_text(path)
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for regex in (DOMAIN_WORDS, DOMAIN_CAPS)
                  for m in regex.finditer(text)]
    assert not found, "domain words belong in evidence/ or mkdocs.yml:\n" + "\n".join(found)


def test_committed_json_schemas_are_up_to_date():
    committed = ROOT / "evidence/_schemas"
    for name, text in schemas(load_base(ROOT / "evidence")).items():  # with the ids that exist
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


CORE = HOOKS / "evidence_site"
ADAPTER = HOOKS / "mkdocs_hook.py"


def _modules(path: Path) -> set[str]:
    """Full names of the modules a file imports (`from a import b` counts as a and a.b)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_nothing_but_the_adapter_imports_serve():
    """serve/ is what only `mkdocs serve` uses: the stages and the pipeline work without it."""
    serve = CORE / "serve"
    importers = {p.relative_to(ROOT).as_posix() for p in HOOKS.rglob("*.py")
                 if serve not in p.parents and any(m == "evidence_site.serve" or m.startswith("evidence_site.serve.")
                                                   for m in _modules(p))}
    assert importers == {"hooks/mkdocs_hook.py"}


# Module-level objects that hold state on purpose, each with the reason it is not a memo to own.
STATEFUL = {
    "render/renderer.py:_ENV": "the template environment: configured at import; what it caches "
                               "(compiled templates) depends only on the packaged template files",
    "records/references.py:_fields_to_walk": "an lru_cache keyed by model class: a pure function of code "
                                      "fixed at import, bounded by the number of record models",
    "render/renderer.py:_ACTIONS": "a compiled template of _ENV: rendering it changes nothing",
    "render/sanitize.py:_CLEANER": "nh3's sanitiser, configured once at import from constant allowlists; "
                                   "cleaning a page changes nothing in it",
    "mkdocs_hook.py:_builder": "the one object MkDocs events delegate to; on_startup and on_shutdown reset it",
    "render/links.py:_start": "an lru_cache of a pure function of a page path and a flag, bounded to 1,024 pages",
    "render/links.py:_parts": "an lru_cache of a pure function of a path, bounded to 1,024 paths",
}
# Calls whose result cannot change, so a module-level name bound to one is a constant.
IMMUTABLE_CALLS = {"re.compile", "frozenset", "tuple", "bool", "MappingProxyType", "types.MappingProxyType"}
CONTAINER_CALLS = {"dict", "list", "set", "bytearray", "defaultdict", "collections.defaultdict", "OrderedDict",
                   "Counter", "deque"}
MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "clear", "remove",
            "discard", "sort", "reverse", "__setitem__", "__delitem__"}
CONSTANT_NAME = re.compile(r"_?[A-Z][A-Z0-9_]*|__[a-z]+__")  # UPPER_CASE, or __all__


def _module_level(tree: ast.Module) -> list[ast.stmt]:
    """The statements that run at import: the module's and those of its top-level if/try blocks
    (class bodies declare fields; their defaults are per instance)."""
    out, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            todo += node.body + getattr(node, "orelse", []) + getattr(node, "finalbody", [])
            todo += [s for h in getattr(node, "handlers", []) for s in h.body]
    return out


def _cached_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """Functions and methods whose results functools keeps for the life of the process."""
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and any(re.fullmatch(r"(functools\.)?(lru_cache|cache)(\(.*\))?", ast.unparse(d)) for d in node.decorator_list)]


def _is_container(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    if isinstance(value, ast.Tuple):
        return any(_is_container(e) for e in value.elts)
    return isinstance(value, ast.Call) and ast.unparse(value.func) in CONTAINER_CALLS


def _bindings(path: Path) -> tuple[set[str], list[str]]:
    """(names of module-level containers, problems: global statements and module-level state)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(HOOKS).as_posix().removeprefix("evidence_site/")
    containers, problems = set(), []
    problems += [f"{rel}:{n.lineno}: a global statement" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    problems += [f"{rel}:{node.lineno}: {node.name} keeps a module-level cache"
                 for node in _cached_functions(tree) if f"{rel}:{node.name}" not in STATEFUL]
    for node in _module_level(tree):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if _is_container(node.value):
            containers |= set(names)
            problems += [f"{rel}:{node.lineno}: {name} is a mutable module-level container; name a "
                         "constant in UPPER_CASE, or keep the state in an object"
                         for name in names if not CONSTANT_NAME.fullmatch(name)]
        elif isinstance(node.value, ast.Call) and ast.unparse(node.value.func) not in IMMUTABLE_CALLS:
            problems += [f"{rel}:{node.lineno}: {name} = {ast.unparse(node.value.func)}(...) may hold state"
                         for name in names if f"{rel}:{name}" not in STATEFUL]
    return containers, problems


def _mutations(path: Path, names: set[str]) -> list[str]:
    """Places in a file that change one of names: item assignment or deletion, augmented
    assignment, a mutating method call, whether the name is used bare or as module.name."""
    def named(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return node.id
        return node.attr if isinstance(node, ast.Attribute) else None

    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        changed = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            for target in getattr(node, "targets", None) or [node.target]:  # type: ignore[attr-defined]
                if isinstance(target, ast.Subscript):
                    changed = changed or named(target.value)
                elif isinstance(node, ast.AugAssign):
                    changed = changed or named(target)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            changed = named(node.func.value)
        if changed in names:
            out.append(f"{path.relative_to(HOOKS).as_posix()}:{node.lineno}: changes {changed}")
    return out


def test_the_core_keeps_no_state_in_modules():
    """A module-level container is a constant (UPPER_CASE, never changed anywhere); state lives in
    objects a build or a serve session owns. Exceptions are listed in STATEFUL with the reason."""
    files = [ADAPTER, *sorted(CORE.rglob("*.py"))]
    containers, problems = set(), []
    for path in files:
        found, wrong = _bindings(path)
        containers |= found
        problems += wrong
    for path in files:
        problems += _mutations(path, containers)
    assert not problems, "\n".join(problems)


def test_the_state_checks_find_what_they_look_for(tmp_path):
    """The checks above on code that breaks each rule (so a quietly passing check cannot hide)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import functools\n_LAST = [None]\n_memo = {}\nSEEN = set()\nclient = Client()\n"
                   "@functools.lru_cache\ndef f(x): return x\n"
                   "def g():\n    global _memo\n    _LAST[0] = 1\n    SEEN.add(2)\n", encoding="utf-8")
    moved = HOOKS / "evidence_site" / "_probe_bad.py"
    try:
        moved.write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
        containers, problems = _bindings(moved)
        problems += _mutations(moved, containers)
    finally:
        moved.unlink()
    text = "\n".join(problems)
    for expected in ("a global statement", "_memo is a mutable module-level container", "client = Client(...)",
                     "f keeps a module-level cache", "changes _LAST", "changes SEEN"):
        assert expected in text, (expected, text)
