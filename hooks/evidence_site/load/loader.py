"""Read every record under evidence/ into validated models, collecting all errors."""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

import evidence_site.load.yaml_file as yamlfile
from evidence_site.errors import EvidenceCheckFailed, EvidenceError, did_you_mean, non_ascii_hint
from evidence_site.load.todo import todo_errors
from evidence_site.load.validate import translate
from evidence_site.records.evidence_base import Loaded
from evidence_site.records.kinds import FOLDERS, SINGLE_FILES, model_of
from evidence_site.records.models import ID_PATTERN

SCHEMA_DIR = "_schemas"
_ID_RE = re.compile(ID_PATTERN)
# Ids whose page would take the place of another page (a record's page is <kind>/<id>).
RESERVED_IDS = {"index"}


def not_a_record(name: str) -> bool:
    """Files record_files passes over without a word: hidden files and READMEs."""
    return name.startswith(".") or name.lower().startswith("readme")


def record_files(evidence_dir: Path) -> tuple[list[tuple[str, Path]], list[EvidenceError]]:
    """(kind, path) for every record file, plus errors for files in the wrong place."""
    found, errors = [], []
    for entry in sorted(evidence_dir.iterdir()):
        name = entry.name
        if not_a_record(name) or name == SCHEMA_DIR:
            continue
        if entry.is_symlink():  # a link could point anywhere on the machine that builds
            errors.append(EvidenceError(_show(entry), 1, "", "symbolic links are not allowed",
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
            errors.append(EvidenceError(_show(entry), 1, "", "not a known record kind", hint or
                                        f"record folders are: {', '.join(FOLDERS)}"))
    return found, errors


DISPLAY_ROOT: list[Path] = [Path.cwd()]


def _show(path: Path) -> str:
    """Path as editors see it: relative to the project root (the folder holding evidence/)."""
    return _show_dir(str(path.parent), DISPLAY_ROOT[0]) + path.name


@functools.lru_cache(maxsize=64)
def _show_dir(folder: str, root: Path) -> str:
    """A folder as _show shows it, with a trailing '/' (cached: 24,000 files live in a few folders)."""
    try:
        shown = os.path.relpath(folder, root).replace(os.sep, "/")
    except ValueError:
        return folder.replace(os.sep, "/").rstrip("/") + "/"
    return "" if shown == "." else shown + "/"


def parse_text(text: str, shown: str) -> tuple[dict, dict]:
    """The values of a record file's text and the line of each field; raises _Many or EvidenceError."""
    todos = todo_errors(text, shown)
    if todos:
        raise _Many(todos)
    return yamlfile.parse(text, shown)


def load_file(kind: str, path: Path, parse: Callable[[str, str], tuple[dict, dict]] = parse_text) -> Loaded:
    """Load and validate one record; raises _Many (an EvidenceCheckFailed) with the file's errors.

    parse replaces parse_text, e.g. by one that remembers earlier results (diskcache.py)."""
    shown = _show(path)
    if path.suffix != ".yaml":
        hint = f"rename it to {path.stem}.yaml" if path.suffix in (".yml", ".YAML") else "records are .yaml files"
        raise _Many([EvidenceError(shown, 1, "", "not a .yaml record file", hint)])
    if not _ID_RE.fullmatch(path.stem):  # fullmatch: '$' alone would accept a trailing newline
        raise _Many([EvidenceError(shown, 1, "", f"file name '{path.stem}' is not a valid id",
                                   non_ascii_hint(path.stem) or "use lower-case ASCII letters, digits and single hyphens")])
    try:
        data, lines = parse(yamlfile.read(path, shown), shown)
    except EvidenceError as err:
        raise _Many([err]) from None
    model = model_of(kind)
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        raise _Many(translate(exc, model, shown, lines)) from None
    return Loaded(kind, record, shown, lines)


class _Many(EvidenceCheckFailed):
    """The errors of one file (an EvidenceCheckFailed, so callers of load_file need catch one type only)."""


def load_all(evidence_dir: Path, load: Callable[[str, Path], Loaded] = load_file,
             files: list[tuple[str, Path]] | None = None) -> tuple[list[Loaded], list[EvidenceError]]:
    """Every valid record and every error; a bad file never stops the others being read.

    load replaces load_file, e.g. by one that reuses records of unchanged files (cache.py);
    files replaces record_files' listing, by one known to be the same and complete."""
    DISPLAY_ROOT[0] = evidence_dir.resolve().parent
    if not evidence_dir.is_dir():
        return [], [EvidenceError(_show(evidence_dir), 1, "", "evidence folder not found")]
    files, errors = (files, []) if files is not None else record_files(evidence_dir)
    loaded, seen = [], {}
    for kind, path in files:
        try:
            item = load(kind, path)
        except _Many as many:
            errors.extend(many.errors)
            continue
        line = item.lines.get(("id",), 1)
        first = seen.setdefault((kind, item.record.id), item.file)
        if first != item.file:
            errors.append(EvidenceError(item.file, line, "id", f"duplicate id '{item.record.id}'",
                                        f"already used by {first}"))
        elif item.record.id != path.stem:
            errors.append(EvidenceError(item.file, line, "id", f"id '{item.record.id}' does not match the file name",
                                        f"rename the file to {item.record.id}.yaml or set id: {path.stem}"))
        elif item.record.id in RESERVED_IDS:
            errors.append(EvidenceError(item.file, line, "id", f"id '{item.record.id}' is reserved",
                                        f"{item.kind}/{item.record.id} is the page that lists every record; choose another id"))
        else:
            loaded.append(item)
    return loaded, errors
