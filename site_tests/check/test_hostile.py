"""Hostile input: every bad record is refused with exact one-line errors, by the core, by the
editors' command and by the strict MkDocs build, and a failed build leaves no site behind.

The corpus is site_tests/hostile/<case>/: the bad file(s) under evidence/ (laid over a copy of the
mini fixture) and expected.txt, whose '#' lines say why the case is there and whose other lines
are the exact errors, in the order the tools print them. A few cases cannot live in git as files
(a file over the size limit, symbolic links, a folder named like a record, a newline in a file
name); they are made by GENERATED below.

Text containing HTML or script is not an error: it is valid text that must render inert, which
test_inert_text.py proves in a browser. URLs are different: url fields allow http(s) only, so
javascript: and data: URLs are errors here (cases url-javascript, url-data).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from pydantic import BaseModel

from conftest import BUILD_ENV, CONFIG, FIXTURES, HOSTILE, ROOT
from evidence_site.check.config import read_options
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.load.yaml_file import MAX_BYTES
from evidence_site.pipeline import check_project
from evidence_site.records.kinds import FOLDERS as KINDS
from evidence_site.records.kinds import SINGLE_FILES
from evidence_site.records.models import ID_PATTERN, Design, Tier
from evidence_site.records.references import REFERENCES

ENV = BUILD_ENV


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path], None]  # writes the bad input into a copy of the mini project
    expected: tuple[str, ...]


def _folder_case(folder: Path) -> Case:
    lines = folder.joinpath("expected.txt").read_text(encoding="utf-8").splitlines()
    expected = tuple(line for line in lines if line and not line.startswith("#"))
    assert expected, f"{folder}/expected.txt lists no error"
    return Case(folder.name, lambda project: _lay_over(folder, project), expected)


def _lay_over(folder: Path, project: Path) -> None:
    """The case's evidence/ and content/ files over the project; mkdocs-extra.yml appended to its config."""
    for part in ("evidence", "content"):
        if (folder / part).is_dir():
            shutil.copytree(folder / part, project / part, dirs_exist_ok=True)
    if (folder / "mkdocs-extra.yml").is_file():
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write((folder / "mkdocs-extra.yml").read_text(encoding="utf-8"))


def _write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return setup


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).symlink_to(target)
    return setup


def _folder_symlink(rel: str, target: str) -> Callable[[Path], None]:
    """Replace a kind folder of the fixture by a symlink (nothing refers to comparisons)."""
    def setup(project: Path) -> None:
        shutil.rmtree(project / rel, ignore_errors=True)
        (project / rel).symlink_to(target)
    return setup


def _folder(rel: str) -> Callable[[Path], None]:
    return lambda project: (project / rel).mkdir(parents=True)


def _fifo(rel: str) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)
    return setup


def _outside_folder(rel: str) -> Callable[[Path], None]:
    """Move a folder of the project out of it and leave a symlink in its place."""
    def setup(project: Path) -> None:
        outside = project.parent / f"{project.name}-outside-{Path(rel).name}"
        shutil.move(project / rel, outside)
        (project / rel).symlink_to(outside)
    return setup


_SOURCE = "id: paper-x\nkind: web-page\ntitle: T\nurl: https://example.org/x\n"
_LINK_HINT = "commit the file itself; a link could publish any file of the machine"
_TOO_BIG = MAX_BYTES + 1
GENERATED = [
    # A multi-megabyte paste is refused by size before it is read or parsed.
    Case("file-too-large", _write("evidence/sources/paper-x.yaml", _SOURCE + "note: " + "x" * (_TOO_BIG - len(_SOURCE) - 7) + "\n"),
         (f"evidence/sources/paper-x.yaml:1: file is {_TOO_BIG:,} bytes, more than the limit of {MAX_BYTES:,} "
          "(split it or remove pasted material)",)),
    # A symlink in a pull request could make the build read (and publish) any file of the machine.
    Case("symlink-file", _symlink("evidence/sources/paper-x.yaml", "/etc/passwd"),
         ("evidence/sources/paper-x.yaml:1: symbolic links are not allowed (commit the record file itself)",)),
    Case("symlink-dangling", _symlink("evidence/sources/paper-x.yaml", "/nonexistent/record.yaml"),
         ("evidence/sources/paper-x.yaml:1: symbolic links are not allowed (commit the record file itself)",)),
    Case("symlink-folder", _folder_symlink("evidence/comparisons", "/etc"),
         ("evidence/comparisons:1: symbolic links are not allowed (commit the folder or file itself)",)),
    # Before: IsADirectoryError traceback.
    Case("folder-named-like-a-record", _folder("evidence/sources/paper-x.yaml"),
         ("evidence/sources/paper-x.yaml:1: not a regular file (a record is one .yaml file)",)),
    # Before: the id pattern's '$' accepted the trailing newline and the error broke over two lines.
    Case("newline-in-file-name", _write("evidence/sources/paper-x\n.yaml", _SOURCE),
         ("evidence/sources/paper-x\\n.yaml:1: file name 'paper-x\\n' is not a valid id "
          "(use lower-case ASCII letters, digits and single hyphens)",)),
    # MkDocs copies (and follows) every file of the docs folder: a link published the build's
    # environment (a deploy job's tokens), the repository config, or any file as a searchable page.
    Case("content-symlink-environ", _symlink("content/assets/env.txt", "/proc/self/environ"),
         (f"content/assets/env.txt:1: symbolic links are not allowed ({_LINK_HINT})",)),
    Case("content-symlink-git-config", _symlink("content/assets/config.txt", "../../.git/config"),
         (f"content/assets/config.txt:1: symbolic links are not allowed ({_LINK_HINT})",)),
    Case("content-symlink-page", _symlink("content/passwd.md", "/etc/passwd"),
         (f"content/passwd.md:1: symbolic links are not allowed ({_LINK_HINT})",)),
    Case("content-symlink-dangling", _symlink("content/gone.md", "/nonexistent/page.md"),
         (f"content/gone.md:1: symbolic links are not allowed ({_LINK_HINT})",)),
    Case("content-symlink-folder", _symlink("content/etc", "/etc"),
         (f"content/etc:1: symbolic links are not allowed ({_LINK_HINT})",)),
    Case("content-folder-itself-a-symlink", _outside_folder("content"),
         ("content:1: symbolic links are not allowed (commit the folder itself)",)),
    Case("evidence-folder-itself-a-symlink", _outside_folder("evidence"),
         ("evidence:1: symbolic links are not allowed (commit the folder itself)",)),
    # Before: reading a FIFO hung build and check for ever.
    Case("content-fifo", _fifo("content/pipe.md"),
         ("content/pipe.md:1: a named pipe (FIFO) is not allowed (commit regular files only)",)),
    Case("content-fifo-asset", _fifo("content/assets/pipe.css"),
         ("content/assets/pipe.css:1: a named pipe (FIFO) is not allowed (commit regular files only)",)),
    # Before: IsADirectoryError traceback.
    Case("content-folder-named-like-a-page", _folder("content/x.md"),
         ("content/x.md:1: a folder named like a page (rename the folder)",)),
]

CASES = [_folder_case(f) for f in sorted(HOSTILE.iterdir()) if f.is_dir()] + GENERATED
IDS = [case.name for case in CASES]


def make_project(root: Path, case: Case | None = None) -> Path:
    """A copy of the mini fixture project with the case's bad input laid over it."""
    shutil.copytree(FIXTURES / "mini", root)
    (root / "mkdocs.yml").write_text(CONFIG.format(root=ROOT), encoding="utf-8")
    if case:
        case.setup(root)
    return root


def run_cli(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evidence_site", "--evidence", "evidence", "check"],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=120)


def run_build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(project / "mkdocs.yml")],
                          cwd=project, env=ENV, capture_output=True, text=True, timeout=300)


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Runs:
    project: Path
    cli: Result
    build: Result


CLI_ARGS = ("evidence_site", ["--evidence", "evidence", "check"])
BUILD_ARGS = ("properdocs", ["build", "--strict", "-f", "mkdocs.yml"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Runs]:
    """Every case through both real commands, each run a process of its own (see forkrun.py)."""
    base = tmp_path_factory.mktemp("hostile")
    projects = [make_project(base / case.name, case) for case in CASES]
    jobs = [{"module": module, "args": args, "cwd": str(project),
             "stdout": str(base / f"{project.name}.{module}.out"), "stderr": str(base / f"{project.name}.{module}.err")}
            for project in projects for module, args in (CLI_ARGS, BUILD_ARGS)]
    done = subprocess.run([sys.executable, str(ROOT / "site_tests" / "forkrun.py")], input=json.dumps(jobs),
                          env=ENV, capture_output=True, text=True, timeout=600, check=True)
    statuses = iter(zip(json.loads(done.stdout), jobs, strict=True))

    def result() -> Result:
        status, job = next(statuses)
        return Result(status, Path(job["stdout"]).read_text(encoding="utf-8"), Path(job["stderr"]).read_text(encoding="utf-8"))

    return {case.name: Runs(project, result(), result()) for case, project in zip(CASES, projects, strict=True)}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40, len(CASES)
    print(f"\nhostile corpus: {len(CASES)} cases ({len(CASES) - len(GENERATED)} folders, {len(GENERATED)} generated)")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_core_refuses_with_the_exact_lines(case, tmp_path):
    project = make_project(tmp_path / "project", case)
    with pytest.raises(EvidenceCheckFailed) as failed:
        core_check(project)
    assert [str(e) for e in failed.value.errors] == list(case.expected)


def core_check(project: Path) -> None:
    """What the build checks before MkDocs reads anything: options, records, hand-written pages."""
    read_options(project / "mkdocs.yml")
    check_project(project / "evidence", project / "content")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_editor_command_prints_the_lines_and_fails(case, runs):
    cli = runs[case.name].cli
    assert cli.returncode == 1, cli
    assert cli.stdout.splitlines() == list(case.expected)
    assert cli.stderr.strip() == f"{len(case.expected)} problem(s) found.", cli.stderr


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_strict_build_fails_with_the_lines_and_leaves_no_site(case, runs):
    run = runs[case.name]
    assert run.build.returncode != 0
    assert "Traceback" not in run.build.stderr, run.build.stderr
    # MkDocs prefixes the first line of a message with its level; later lines come bare.
    printed = [re.sub(r"^ERROR\s+-\s+", "", line) for line in run.build.stderr.splitlines()]
    missing = [line for line in case.expected if line not in printed]
    assert not missing, run.build.stderr
    assert not (run.project / "site").exists(), "a failed build must not leave a site behind"
    assert not list(run.project.glob(".site*")), "a failed build must not leave a staging folder behind"


# --- a failed build never leaves a half-updated site ---------------------------------------------

def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _break_a_record(project: Path) -> None:
    """Fails in on_config, before MkDocs writes anything."""
    path = project / "evidence/studies/paper-a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("n_initial: 40", "n_initial: -40"), encoding="utf-8")


def _add_a_broken_link(project: Path) -> None:
    """A strict-mode warning: MkDocs aborts only after it has written every file."""
    with (project / "content/index.md").open("a", encoding="utf-8") as page:
        page.write("\nA new sentence with a [broken link](nowhere.md).\n")


FAILURES = {"bad-record": _break_a_record, "strict-warning": _add_a_broken_link}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_build_of_a_fresh_project_leaves_no_site(tmp_path, failure):
    project = make_project(tmp_path / "project")
    FAILURES[failure](project)
    result = run_build(project)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert not (project / "site").exists()
    assert sorted(p.name for p in project.iterdir()) == ["content", "evidence", "mkdocs.yml"], "no staging folder left"


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_build_leaves_the_previous_site_exactly_as_it_was(tmp_path, failure):
    project = make_project(tmp_path / "project")
    assert run_build(project).returncode == 0
    before = _files(project / "site")
    assert "index.html" in before
    FAILURES[failure](project)
    result = run_build(project)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert _files(project / "site") == before, "a failed build changed the published site"
    assert sorted(p.name for p in project.iterdir()) == ["content", "evidence", "mkdocs.yml", "site"]


def test_a_good_build_replaces_the_site_and_keeps_its_hidden_entries(tmp_path):
    """MkDocs never deletes hidden entries of site/ (a deploy checkout's .git); neither do we."""
    project = make_project(tmp_path / "project")
    assert run_build(project).returncode == 0
    (project / "site/.git").mkdir()
    (project / "site/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (project / "site/stale.html").write_text("from an older build")
    with (project / "content/index.md").open("a", encoding="utf-8") as page:
        page.write("\nA sentence added later.\n")
    assert run_build(project).returncode == 0
    assert "A sentence added later." in (project / "site/index.html").read_text(encoding="utf-8")
    assert (project / "site/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert not (project / "site/stale.html").exists()
    assert oct((project / "site").stat().st_mode & 0o777) != oct(0o700), "the published site must stay readable"


# --- reference cycles ------------------------------------------------------------------------------

def _annotation_models(annotation) -> list[type[BaseModel]]:
    """Every pydantic model inside an annotation such as Optional[list[Finding]]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _annotation_models(arg)]


def _is_key(annotation, metadata=()) -> bool:
    """Does the annotation hold ids (the Key pattern), e.g. Key, Optional[Key] or list[Key]?"""
    for meta in [*metadata, *getattr(annotation, "__metadata__", ())]:
        if getattr(meta, "pattern", None) == ID_PATTERN or _is_key(None, getattr(meta, "metadata", ())):
            return True
    return any(_is_key(arg) for arg in typing.get_args(annotation))


def _reference_edges() -> dict[str, set[str]]:
    """Record kind (or level-scheme part) → the kinds its fields refer to, read from the models."""
    parts = {"designs": Design, "tiers": Tier}
    edges: dict[str, set[str]] = {}
    for kind, model in {**KINDS, **SINGLE_FILES, **parts}.items():
        todo, seen, targets = [model], set(), set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for name, field in current.model_fields.items():
                nested = _annotation_models(field.annotation)
                todo += nested
                if name in REFERENCES and not nested:
                    targets.add(REFERENCES[name])
                elif _is_key(field.annotation, field.metadata) and not nested:
                    assert name in NOT_REFERENCES, (
                        f"{current.__name__}.{name} holds ids but checks.REFERENCES does not list it: "
                        "an unchecked reference")
        edges[kind] = targets
    return edges


# Fields that hold ids but name no record, so they cannot take part in a cycle.
NOT_REFERENCES = {
    "id": "the record's (or a conclusion's, tier's, design's) own id",
    "trial": "a shared key several studies carry; it names no record",
    "property": "a comparison row names a property inside agent records, not a record",
}


def test_no_reference_can_form_a_cycle():
    """Checked: can records refer to each other in a cycle (a → b → a)? No, by construction.

    The reference fields (checks.REFERENCES) go one way only:
    topics → studies, agents, outcomes, sources; studies → sources, agents, outcomes, designs;
    claims, thresholds, agents, schemes → sources; comparisons → agents, outcomes;
    sources, outcomes, designs and tiers refer to nothing. No kind refers to its own kind. So no
    cycle is possible and checks.py needs no cycle detection. If a new field ever lets records
    refer back (say a study that 'replicates' another study), this test fails: then add cycle
    detection to checks.py with a one-line error for each cycle, and a corpus case.
    """
    edges = _reference_edges()
    order: list[str] = []
    remaining = {kind: set(targets) & set(edges) for kind, targets in edges.items()}
    while remaining:
        leaves = sorted(kind for kind, targets in remaining.items() if not targets - set(order))
        assert leaves, f"reference cycle possible among {sorted(remaining)}: {remaining}"
        order += leaves
        for kind in leaves:
            del remaining[kind]
    assert all(kind not in targets for kind, targets in edges.items()), "a kind refers to its own kind"
    assert edges["sources"] == set() and edges["studies"] >= {"sources", "designs", "outcomes", "agents"}
    print("\nreference order (each kind refers only to kinds before it):", " < ".join(order))
