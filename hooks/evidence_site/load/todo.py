"""TODO markers: a scaffold written by `evidence-site new` carries them, and loading refuses a
record until an editor has replaced every one."""
from __future__ import annotations

import re
from typing import Any

from evidence_site.errors import EvidenceError, field_path
from evidence_site.records.evidence_base import line_for

TODO = re.compile(r"\bTODO\b")
_HINT = "replace it with the value from the source, or delete the line"


def todo_errors(text: str, shown: str, data: Any = None, lines: dict | None = None) -> list[EvidenceError]:
    """One error per value that still carries a TODO marker (comments do not count).

    With the parsed data and its lines, each error names the field's whole path
    (interventions[0].name, not name); without them (the file does not parse) each line that
    carries a marker outside a comment is named."""
    if "TODO" not in text or not TODO.search(text):  # almost every file: a substring scan, 20x cheaper than the pattern
        return []
    if data is not None and lines is not None:
        return [EvidenceError(shown, line_for(lines, loc), field_path(loc), "still has a TODO marker", _HINT)
                for loc in _todo_values(data, ())]
    out: list[EvidenceError] = []
    for number, line in enumerate(text.splitlines(), 1):
        value = line.split(" #", 1)[0]
        if TODO.search(value):
            field = value.split(":", 1)[0].strip(" -") if ":" in value else ""
            out.append(EvidenceError(shown, number, field, "still has a TODO marker", _HINT))
    return out


def _todo_values(value: Any, loc: tuple) -> list[tuple]:
    """The location of every text value (or key) that carries a marker, in file order."""
    if isinstance(value, str):
        return [loc] if TODO.search(value) else []
    if isinstance(value, dict):
        return [found for key, sub in value.items()
                for found in ([loc + (key,)] if isinstance(key, str) and TODO.search(key) else _todo_values(sub, loc + (key,)))]
    if isinstance(value, list):
        return [found for i, sub in enumerate(value) for found in _todo_values(sub, loc + (i,))]
    return []
