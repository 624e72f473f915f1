"""Threshold sets: bands are ranges (lower below upper) that do not overlap, and their categories
rise with the level (below, within, above, toxic), as the checker's summary line assumes."""
from __future__ import annotations

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.labels import number
from evidence_site.records.models import BAND_CATEGORIES


def threshold_problems(base: EvidenceBase) -> list[EvidenceError]:
    """Bands must be ranges (lower below upper) that do not overlap; a no-thresholds set has none."""
    out = []
    for key, tset in base.thresholds.items():
        if tset.status == "no-thresholds" and tset.bands:
            file, line = base.where("thresholds", key, ("bands",))
            out.append(EvidenceError(file, line, "bands", "a set with status 'no-thresholds' cannot have bands",
                                     "remove the bands, or set status: current or superseded"))
            continue
        for i, band in enumerate(tset.bands):
            if band.lower is not None and band.upper is not None and band.lower >= band.upper:
                file, line = base.where("thresholds", key, ("bands", i))
                out.append(EvidenceError(file, line, f"bands[{i}]", f"lower {number(band.lower)} is not below upper "
                                         f"{number(band.upper)}", "lower is inclusive, upper exclusive"))
        ordered = sorted(enumerate(tset.bands), key=lambda ib: ib[1].lower if ib[1].lower is not None else -1.0)
        for (_, a), (j, b) in zip(ordered, ordered[1:], strict=False):
            a_upper = a.upper if a.upper is not None else float("inf")
            b_lower = b.lower if b.lower is not None else -1.0
            if b_lower < a_upper:
                file, line = base.where("thresholds", key, ("bands", j))
                out.append(EvidenceError(file, line, f"bands[{j}]", f"band '{b.label}' overlaps band '{a.label}'",
                                         "a result must fall in at most one band of a set"))
            elif BAND_CATEGORIES.index(b.category) < BAND_CATEGORIES.index(a.category):
                file, line = base.where("thresholds", key, ("bands", j, "category"))
                out.append(EvidenceError(file, line, f"bands[{j}].category", f"'{b.category}' is lower than "
                                         f"'{a.category}' of the band below it, '{a.label}'",
                                         "categories rise with the level: below, within, above, toxic"))
    return out
