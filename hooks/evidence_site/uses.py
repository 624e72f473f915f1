"""Which records cite which source (backlinks), so an editor sees what a retraction touches."""
from __future__ import annotations

from dataclasses import dataclass

from .base import EvidenceBase
from .checks import REFERENCES


@dataclass(frozen=True, order=True)
class Use:
    kind: str
    key: str
    fields: tuple[str, ...]


def citing_records(base: EvidenceBase) -> dict[str, list[Use]]:
    """source id → the records (and fields) that cite it, sorted."""
    out: dict[str, dict[tuple[str, str], set[str]]] = {}
    for (kind, key), origin in base.origins.items():
        if kind == "glossary":
            continue
        for loc, name, ref in base.references[(kind, key)]:
            if REFERENCES[name] == "sources":
                field = ".".join(str(p) for p in loc if isinstance(p, str))
                out.setdefault(ref, {}).setdefault((kind, key), set()).add(field)
    return {ref: [Use(kind, key, tuple(sorted(fields))) for (kind, key), fields in sorted(recs.items())]
            for ref, recs in out.items()}
