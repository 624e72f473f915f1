"""How a record is named in lists, labels and messages ('Steffensen 2011'): plain text, no HTML,
so every stage (levels' reasons, checks, pages) names a record the same way."""
from __future__ import annotations

from evidence_site.records.models import Source


def short_label(src: Source) -> str:
    """'Steffensen 2011' style label for lists and aria labels."""
    if src.label:
        return src.label
    first = src.authors[0].split(" ")[0] if src.authors else (src.container or src.title[:40])
    return f"{first} {src.year}" if src.year else first


def study_label(base, study) -> str:
    return study.label or short_label(base.sources[study.source])


def number(value: float, decimals: int = 1) -> str:
    """12 → '12', 12.04 → '12', 49.92 → '49.9' (for ranges shown to readers)."""
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
