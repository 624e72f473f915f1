"""Read every record under evidence/ into validated models, collecting all errors."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

import evidence_site.load.yaml_file as yamlfile
from evidence_site.errors import EvidenceCheckFailed, EvidenceError, did_you_mean, non_ascii_hint
from evidence_site.load.lines import LineMap
from evidence_site.load.todo import todo_errors
from evidence_site.load.validate import translate
from evidence_site.records.evidence_base import Loaded
from evidence_site.records.kinds import FOLDERS, SINGLE_FILES, model_of
from evidence_site.records.models import ID_PATTERN, Record

SCHEMA_DIR = "_schemas"
_ID_RE = re.compile(ID_PATTERN)
# Ids whose page would take the place of another page (a record's page is <kind>/<id>).
RESERVED_IDS = frozenset({"index"})


def not_a_record(name: str) -> bool:
    """Files record_files passes over without a word: hidden files and READMEs."""
    return name.startswith(".") or name.lower().startswith("readme")


@dataclass
class Reading:
    """What the files of one load of evidence/ share: the folder their names are shown relative
    to in error messages (the project root, the folder holding evidence/), and the field-path
    tuples of their line maps (yaml_file.parse)."""

    root: Path
    paths: dict = field(default_factory=dict, repr=False)
    _folders: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, evidence_dir: Path) -> "Reading":
        return cls(Path(evidence_dir).resolve().parent)

    def show(self, path: Path | str) -> str:
        """Path as editors see it: relative to the root."""
        folder, name = os.path.split(os.fspath(path))  # string work: pathlib's parent and name cost more
        shown = self._folders.get(folder)
        if shown is None:  # once per folder: 24,000 files live in a few folders
            shown = self._folders[folder] = _show_dir(folder or ".", self.root)
        return shown + name


def record_files(evidence_dir: Path, reading: Reading | None = None) -> tuple[list[tuple[str, Path]], list[EvidenceError]]:
    """(kind, path) for every record file, plus errors for files in the wrong place."""
    reading = reading or Reading.of(evidence_dir)
    found, errors = [], []
    for entry in sorted(evidence_dir.iterdir()):
        name = entry.name
        if not_a_record(name) or name == SCHEMA_DIR:
            continue
        if entry.is_symlink():  # a link could point anywhere on the machine that builds
            errors.append(EvidenceError(reading.show(entry), 1, "", "symbolic links are not allowed",
                                        "commit the folder or file itself"))
        elif entry.is_dir() and name in FOLDERS:
            for f in sorted(entry.iterdir(), key=lambda p: p.name):  # by name: Path comparisons are slow
                if not_a_record(f.name):
                    continue
                found.append((name, f))
        elif entry.is_file() and entry.suffix == ".yaml" and entry.stem in SINGLE_FILES:
            found.append((entry.stem, entry))
        else:
            hint = did_you_mean(name, list(FOLDERS) + [k + ".yaml" for k in SINGLE_FILES])
            errors.append(EvidenceError(reading.show(entry), 1, "", "not a known record kind", hint or
                                        f"record folders are: {', '.join(FOLDERS)}"))
    return found, errors


def _show_dir(folder: str, root: Path) -> str:
    """A folder as Reading.show shows it, with a trailing '/'."""
    try:
        shown = os.path.relpath(folder, root).replace(os.sep, "/")
    except ValueError:
        return folder.replace(os.sep, "/").rstrip("/") + "/"
    return "" if shown == "." else shown + "/"


def parse_text(text: str, shown: str) -> dict:
    """The values of a record file's text; raises EvidenceError. Lines come from a LineMap."""
    return yamlfile.values(text, shown)


Parse = Callable[[str, str], dict]


def load_file(kind: str, path: Path, reading: Reading | None = None, parse: Parse = parse_text) -> Loaded:
    """Load and validate one record; raises _Many (an EvidenceCheckFailed) with the file's errors.

    reading is the load this file is part of (names shown relative to the current folder
    without one); parse replaces parse_text, e.g. by one that remembers earlier results
    (parse_cache.py)."""
    reading = reading or Reading(Path.cwd())
    shown = reading.show(path)
    _check_name(path, shown)
    try:
        text = yamlfile.read(path, shown)
    except EvidenceError as err:
        raise _Many([err]) from None
    try:
        data = parse(text, shown)
    except EvidenceError as err:
        raise _Many(todo_errors(text, shown) + [err]) from None
    lines = LineMap(lambda: text, shown, reading.paths)  # this file's own errors, if any, need it
    record = _validate(kind, data, lines, shown, todo_errors(text, shown, data, lines))
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return Loaded(kind, record, shown, LineMap.of_file(path, shown, reading.paths), digest)


def load_parsed(kind: str, path: Path, reading: Reading, data: dict, digest: bytes) -> Loaded:
    """load_file for a file known to hold the same text as when it last loaded without error
    (parse_cache.py): data is what that text parsed to and digest its digest. The file is not
    read; its name is checked and its values validated as load_file does (the text had no TODO
    marker, or it would not have loaded)."""
    name = os.fspath(path)  # once: pathlib makes the string again on every call
    shown = reading.show(name)
    _check_name(name, shown)
    lines = LineMap.of_file(path, shown, reading.paths)
    return Loaded(kind, _validate(kind, data, lines, shown, []), shown, lines, digest)


def _check_name(path: Path | str, shown: str) -> None:
    """Raises _Many unless the file is named <id>.yaml."""
    stem, suffix = os.path.splitext(os.path.basename(path))  # pathlib's stem and suffix are the same here, and slower
    if suffix != ".yaml":
        hint = f"rename it to {stem}.yaml" if suffix in (".yml", ".YAML") else "records are .yaml files"
        raise _Many([EvidenceError(shown, 1, "", "not a .yaml record file", hint)])
    if not _ID_RE.fullmatch(stem):  # fullmatch: '$' alone would accept a trailing newline
        raise _Many([EvidenceError(shown, 1, "", f"file name '{stem}' is not a valid id",
                                   non_ascii_hint(stem) or "use lower-case ASCII letters, digits and single hyphens")])


def _validate(kind: str, data: dict, lines: LineMap, shown: str, todos: list[EvidenceError]) -> Record:
    """The record, or every error of the file at once: its TODO markers and its validation errors
    (a value that is still a TODO is named once, as a TODO, not again as a wrong value)."""
    model = model_of(kind)
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        marked = {e.line for e in todos}
        raise _Many(todos + [e for e in translate(exc, model, shown, lines) if e.line not in marked]) from None
    if todos:
        raise _Many(todos)
    return record


class _Many(EvidenceCheckFailed):
    """The errors of one file (an EvidenceCheckFailed, so callers of load_file need catch one type only)."""


Load = Callable[[str, Path, Reading], Loaded]


def load_all(evidence_dir: Path, load: Load = load_file) -> tuple[list[Loaded], list[EvidenceError]]:
    """Every valid record and every error; a bad file never stops the others being read.

    load replaces load_file, e.g. by one that remembers earlier parses (parse_cache.py)."""
    reading = Reading.of(evidence_dir)
    if not evidence_dir.is_dir():
        return [], [folder_missing(evidence_dir, reading)]
    files, errors = record_files(evidence_dir, reading)
    loaded, more = load_files(files, reading, load)
    return loaded, errors + more


def folder_missing(evidence_dir: Path, reading: Reading) -> EvidenceError:
    return EvidenceError(reading.show(evidence_dir), 1, "", "evidence folder not found")


def load_files(files: list[tuple[str, Path]], reading: Reading, load: Load = load_file
               ) -> tuple[list[Loaded], list[EvidenceError]]:
    """The records of listed files (record_files' listing, or one known to be the same), and
    their errors: each file's own, duplicate ids, ids that differ from the file name."""
    errors: list[EvidenceError] = []
    loaded, seen = [], {}
    for kind, path in files:
        try:
            item = load(kind, path, reading)
        except _Many as many:
            errors.extend(many.errors)
            continue
        first = seen.setdefault((kind, item.record.id), item.file)
        problem = id_problem(item, path, first)
        if problem:  # the line map is made only now, for this file
            errors.append(EvidenceError(item.file, item.lines.get(("id",), 1), "id", *problem))
        else:
            loaded.append(item)
    return loaded, errors


def id_problem(item: Loaded, path: Path, first: str) -> tuple[str, str] | None:
    """(message, hint) when a record's id is taken, differs from its file name or is reserved."""
    key, stem = item.record.id, os.path.splitext(os.path.basename(path))[0]  # load_file checked it ends .yaml
    if first != item.file:
        return f"duplicate id '{key}'", f"already used by {first}"
    if key != stem:
        return (f"id '{key}' does not match the file name",
                f"rename the file to {key}.yaml or set id: {stem}")
    if key in RESERVED_IDS:
        return (f"id '{key}' is reserved",
                f"{item.kind}/{key} is the page that lists every record; choose another id")
    return None


@dataclass(frozen=True)
class Unvalidated:
    """A record file that failed to load, as far as it parses. Its references are still checked,
    so an editor sees every mistake of the file in one run, and a record that refers to it is
    not blamed with 'unknown study' for an id that exists."""

    kind: str
    file: str
    ids: frozenset[str]  # its file name and the id it gives itself
    data: dict | None    # None: the file does not parse
    lines: dict


def unvalidated(evidence_dir: Path, errors: list[EvidenceError]) -> list[Unvalidated]:
    """The record files that errors name, parsed again without validation (a few files: a
    build with errors stops anyway)."""
    evidence_dir = Path(evidence_dir).resolve()
    out = []
    for shown in sorted({e.file for e in errors}):
        parts = Path(os.path.relpath(evidence_dir.parent / shown, evidence_dir)).parts
        if len(parts) != 2 or parts[0] not in FOLDERS:
            continue
        path = evidence_dir / parts[0] / parts[1]
        try:
            data, lines = yamlfile.parse(yamlfile.read(path, shown), shown)
        except EvidenceError:
            data, lines = None, {}
        given = data.get("id") if isinstance(data, dict) else None
        ids = {Path(parts[1]).stem} | ({given} if isinstance(given, str) else set())
        out.append(Unvalidated(parts[0], shown, frozenset(ids), data if isinstance(data, dict) else None, lines))
    return out
