"""`evidence-site new study|source|claim ID`: a record to fill in, with TODO markers that
`check` refuses until an editor has replaced every one.

Every value an editor must supply is a TODO, numbers and choices too: a placeholder such as
`year: 2000` or `direction: no-difference` would pass check and publish as data. What can be
known without a network is filled in: identifiers given on the command line (in their canonical
form), and for a study the source record of the same id and the trial key of its registry id.
Nothing is looked up and nothing is guessed.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from evidence_site.errors import EvidenceError
from evidence_site.records.json_schema import schema_header
from evidence_site.records.kinds import SCAFFOLDS
from evidence_site.records.models import ID_PATTERN, REGISTRY_ID, Registry

# Identifier → (canonical form of what an editor may paste, pattern it must then match, example).
IDENTIFIERS = {
    "pmid": (lambda v: re.sub(r"^(pmid:?\s*)", "", v.strip(), flags=re.I), r"^[1-9][0-9]{0,8}$", "21400196"),
    "doi": (lambda v: re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", v.strip(), flags=re.I), r"^10\.[0-9]{4,9}/\S+$",
            "10.1007/s00415-011-5980-6"),
    "url": (str.strip, r"^https?://[^\s<>\"]+$", "https://example.org/page"),
    "registry": (lambda v: v.strip().upper(), REGISTRY_ID, "the id as the registry writes it"),
}


def canonical(field: str, value: str, shown: str) -> str:
    """An identifier as the records spell it, or an error naming the expected form."""
    clean, pattern, example = IDENTIFIERS[field]
    text = clean(value)
    if not re.fullmatch(pattern, text):
        raise EvidenceError(shown, 1, field, f"{value!r} is not a valid {field}", f"e.g. {example}")
    return text


def new_record(evidence_dir: Path, kind: str, key: str, today: dt.date | None = None,
               identifiers: dict[str, str] | None = None) -> list[Path]:
    """Write evidence/<kind>/<key>.yaml from its template; refuses bad ids and existing files.

    identifiers (pmid, doi, url, registry) fill a source's fields; for a study they also write
    the source record of the same id when there is none, and a registry id writes the registry's
    source record and the study's trial key. Returns the files written."""
    given = {f: canonical(f, v, f"--{f}") for f, v in (identifiers or {}).items() if v}
    day = (today or dt.date.today()).isoformat()
    if kind == "study":
        return _new_study(evidence_dir, key, day, given)
    return [_write(evidence_dir, kind, key, _source_text(kind, key, day, given) if kind == "source"
                   else _template(kind).format(header=schema_header(SCAFFOLDS[kind]), id=key, today=day))]


def _new_study(evidence_dir: Path, key: str, day: str, given: dict[str, str]) -> list[Path]:
    _target(evidence_dir, "study", key)  # refuse before anything is written
    written = []
    has_source = (evidence_dir / "sources" / f"{key}.yaml").exists()
    paper = {f: v for f, v in given.items() if f != "registry"}
    if paper and not has_source:
        written.append(_write(evidence_dir, "source", key, _source_text("source", key, day, paper)))
        has_source = True
    registry = given.get("registry") or _registry_of(evidence_dir, key)
    if registry and not (evidence_dir / "sources" / f"{registry.lower()}.yaml").exists():
        written.append(_write(evidence_dir, "source", registry.lower(),
                              _registry_text(registry, day, _registry_name(evidence_dir, registry))))
    text = _template("study").format(header=schema_header("studies"), id=key, today=day,
                                     source=key if has_source else "TODO-source-id",
                                     trial=registry.lower() if registry else "TODO-trial-key")
    return [_write(evidence_dir, "study", key, text)] + written


def _source_text(kind: str, key: str, day: str, given: dict[str, str]) -> str:
    text = _template("source").format(header=schema_header("sources"), id=key, today=day)
    for field, value in given.items():
        line = f"{field}: {json.dumps(value)}   # given to `new`: check it against the primary record"
        text, found = re.subn(rf"(?m)^{field}:.*$", line, text, count=1)
        if not found:
            text = re.sub(r"(?m)^(verified:)", line + r"\n\1", text, count=1)
    return text


def _registry_text(registry: str, day: str, name: str) -> str:
    """The registry record as a source: the study's trial key then shows as the registry id."""
    return "\n".join([
        schema_header("sources"), f"id: {registry.lower()}", "kind: registry", f"label: {name} {registry}",
        "title: TODO                         # the trial's title as the registry gives it",
        f"container: {name}", f"registry: {registry}   # given to `new`: check it on the registry",
        "verified: []                        # add registry once you have opened the record",
        f"checked_against: TODO               # e.g. {name} record {registry}",
        f"reviewed: {day}", ""])


def _registry_name(evidence_dir: Path, registry: str) -> str:
    """The name of the registry the site declares for the id (evidence/site.yaml), read without
    validating the file; check reports an id of no declared registry."""
    path = evidence_dir / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    for entry in (data or {}).get("registries") or []:
        try:
            if isinstance(entry, dict) and Registry.model_validate(entry).matches(registry):
                return entry["name"]
        except ValueError:
            continue
    return "TODO registry name"


def _registry_of(evidence_dir: Path, key: str) -> str | None:
    """The registry id of the study's source record, read without validating it."""
    path = evidence_dir / "sources" / f"{key}.yaml"
    found = re.search(r"(?m)^registry:\s*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)", path.read_text(encoding="utf-8")) if path.exists() else None
    return found.group(1) if found else None


def _template(kind: str) -> str:
    return (Path(__file__).parent / "scaffold" / f"{kind}.yaml").read_text(encoding="utf-8")


def _target(evidence_dir: Path, kind: str, key: str) -> Path:
    folder = SCAFFOLDS[kind]
    path = evidence_dir / folder / f"{key}.yaml"
    shown = f"{evidence_dir.name}/{folder}/{key}.yaml"
    if not re.match(ID_PATTERN, key):
        raise EvidenceError(shown, 1, "id", f"'{key}' is not a valid id",
                            "use lower-case ASCII letters, digits and single hyphens, e.g. 'kampman-2012'")
    if path.exists():
        raise EvidenceError(shown, 1, "", "a record with this id already exists", "choose another id or edit that file")
    return path


def _write(evidence_dir: Path, kind: str, key: str, text: str) -> Path:
    path = _target(evidence_dir, kind, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
