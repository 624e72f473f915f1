"""TODO markers: a scaffold written by `evidence-site new` carries them, and loading refuses a
record until an editor has replaced every one."""
from __future__ import annotations

import re

from evidence_site.errors import EvidenceError

TODO = re.compile(r"\bTODO\b")


def todo_errors(text: str, shown: str) -> list[EvidenceError]:
    """One error per line that still carries a TODO marker (comments do not count)."""
    out: list[EvidenceError] = []
    if not TODO.search(text):  # almost every file: one scan instead of one per line
        return out
    for number, line in enumerate(text.splitlines(), 1):
        value = line.split(" #", 1)[0]
        if TODO.search(value):
            field = value.split(":", 1)[0].strip(" -") if ":" in value else ""
            out.append(EvidenceError(shown, number, field, "still has a TODO marker",
                                     "replace it with the value from the source, or delete the line"))
    return out
