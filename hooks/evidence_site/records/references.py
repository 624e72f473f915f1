"""Which records cite which source (backlinks), so an editor sees what a retraction touches."""
from __future__ import annotations

from dataclasses import dataclass

from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.check.rules import REFERENCES


@dataclass(frozen=True, order=True)
class Use:
    kind: str
    key: str
    fields: tuple[str, ...]


# The previous result and the references it was made from: under `serve`, an edit that changes
# no record's references (the usual edit) reuses it instead of regrouping every reference.
_LAST: list = [None, None]


def citing_records(base: EvidenceBase) -> dict[str, list[Use]]:
    """source id → the records (and fields) that cite it, sorted."""
    if _LAST[0] is not None and _LAST[0] == base.references:
        return _LAST[1]
    out: dict[str, dict[tuple[str, str], set[str]]] = {}
    for kind, key in base.origins:
        if kind == "glossary":
            continue
        for loc, name, ref in base.references[(kind, key)]:
            if REFERENCES[name] == "sources":
                field = ".".join(str(p) for p in loc if isinstance(p, str))
                out.setdefault(ref, {}).setdefault((kind, key), set()).add(field)
    uses = {ref: [Use(kind, key, tuple(sorted(fields))) for (kind, key), fields in sorted(recs.items())]
            for ref, recs in out.items()}
    _LAST[:] = [base.references, uses]
    return uses
