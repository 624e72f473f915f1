"""Records whose review date is missing or older than the site allows: warnings, never errors."""
from __future__ import annotations

import datetime as dt

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase


def review_warnings(base: EvidenceBase, max_age_days: int, today: dt.date) -> list[EvidenceError]:
    """Records never reviewed, or not reviewed for longer than max_age_days."""
    out = []
    for _, origin in sorted(base.origins.items()):
        if "reviewed" not in type(origin.record).model_fields:
            continue
        reviewed = origin.record.reviewed
        if reviewed is None:
            out.append(EvidenceError(origin.file, 1, "reviewed", "record has no review date",
                                     "check it against its sources and add reviewed: YYYY-MM-DD", warning=True))
        elif reviewed > today:
            out.append(EvidenceError(origin.file, origin.lines.get(("reviewed",), 1), "reviewed",
                                     f"review date {reviewed.isoformat()} is in the future",
                                     "write the date you checked the record", warning=True))
        elif (today - reviewed).days > max_age_days:
            line = origin.lines.get(("reviewed",), 1)
            out.append(EvidenceError(origin.file, line, "reviewed", f"last reviewed {reviewed.isoformat()}, "
                                     f"more than {max_age_days} days ago", "check it against its sources again",
                                     warning=True))
    return out
