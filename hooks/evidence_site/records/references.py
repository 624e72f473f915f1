"""References between records: which fields hold another record's id (walked once per record for
the checks), and which records cite which source (backlinks, so an editor sees what a retraction
touches)."""
from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

if typing.TYPE_CHECKING:
    from evidence_site.records.evidence_base import EvidenceBase

# Field name → what it refers to. Field names mean the same thing in every record kind.
REFERENCES = {
    "sources": "sources", "details_sources": "sources", "source": "sources",
    "claimed_in": "sources", "corrects": "sources",
    "agent": "agents", "agents": "agents", "not_recorded": "agents", "outcome": "outcomes", "outcomes": "outcomes",
    "studies": "studies", "design": "designs", "designs": "designs", "tier": "tiers",
    "measure": "measures", "conclusions": "conclusions",
}
SINGULAR = {"sources": "source", "agents": "agent", "outcomes": "outcome", "studies": "study",
             "designs": "design", "tiers": "tier", "measures": "measure",
            "conclusions": "conclusion"}


def walk_references(value: Any, loc: tuple = (), out: list | None = None) -> list[tuple[tuple, str, str]]:
    """(loc, field name, referenced id) for every reference field in a record (or its dump), in order.

    Runs over every record of every build, so it skips the fields of a model that cannot hold a
    reference (see _fields_to_walk) and appends to one list rather than yielding."""
    if out is None:
        out = []
    if isinstance(value, BaseModel):
        for key in _fields_to_walk(type(value)):
            _walk_field(key, getattr(value, key), loc, out)
    elif isinstance(value, dict):
        for key, sub in value.items():
            if isinstance(key, str):
                _walk_field(key, sub, loc, out)
            elif isinstance(sub, _CONTAINERS):
                walk_references(sub, loc + (key,), out)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            if isinstance(sub, _CONTAINERS):
                walk_references(sub, loc + (i,), out)
    return out


_CONTAINERS = (dict, list, BaseModel)


def _walk_field(key: str, sub: Any, loc: tuple, out: list) -> None:
    target = REFERENCES.get(key)
    if target and isinstance(sub, str):
        out.append((loc + (key,), key, sub))
    elif target and isinstance(sub, list) and all(isinstance(s, str) for s in sub):
        out.extend((loc + (key, i), key, ref) for i, ref in enumerate(sub))
    elif isinstance(sub, _CONTAINERS):
        walk_references(sub, loc + (key,), out)


@functools.lru_cache(maxsize=None)
def _fields_to_walk(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model, in order, that are references or can contain a model or mapping
    (and so references); a field of text, numbers or lists of text that is not a reference is skipped."""
    return tuple(name for name, field in model.model_fields.items()
                 if name in REFERENCES or _may_nest(field.annotation))


def _may_nest(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, (BaseModel, dict))):
        return True
    return any(_may_nest(arg) for arg in typing.get_args(annotation))


@dataclass(frozen=True, order=True)
class Use:
    kind: str
    key: str
    fields: tuple[str, ...]


def citing_records(base: EvidenceBase) -> dict[str, list[Use]]:
    """source id → the records (and fields) that cite it, sorted. Kept in the base's memo with
    the references it was made from: under `serve`, an edit that changes no record's references
    (the usual edit) reuses it instead of regrouping every reference. Callers must not change it."""
    return base.memo.whole("citing records", base.references, lambda: _citing_records(base))


def _citing_records(base: EvidenceBase) -> dict[str, list[Use]]:
    out: dict[str, dict[tuple[str, str], set[str]]] = {}
    for kind, key in base.origins:
        if kind == "glossary":
            continue
        for loc, name, ref in base.references[(kind, key)]:
            if REFERENCES[name] == "sources":
                field = ".".join(str(p) for p in loc if isinstance(p, str))
                out.setdefault(ref, {}).setdefault((kind, key), set()).add(field)
    return {ref: [Use(kind, key, tuple(sorted(fields))) for (kind, key), fields in sorted(recs.items())]
            for ref, recs in out.items()}
