"""One error type for every problem an editor can cause, printed as one line.

Editors fix records from the message alone, so each error names the file, the line, the
field (as a dotted path such as ``findings[2].sources``), what is wrong, and, where we can
guess it, the fix.
"""
from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(eq=True)
class EvidenceError(Exception):
    """A single problem in one record (or one content page); raised alone or collected."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{visible(self.file)}:{self.line}:"
        field = f" {visible(self.field)}:" if self.field else ""
        hint = f" ({visible(self.hint)})" if self.hint else ""
        return f"{where}{field} {visible(self.message)}{hint}"

    def __hash__(self) -> int:
        return hash(str(self))


class EvidenceCheckFailed(Exception):
    """Raised with every error of a run, so an editor sees them all at once."""

    def __init__(self, errors: Sequence[EvidenceError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.field, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


def visible(text: str) -> str:
    """Text with control and format characters escaped (\\n, \\x1b, \\u202e).

    File names, keys and values in messages come from strangers: a newline would split the one-line
    error, an escape sequence would repaint the editor's terminal, a bidi override would hide text.
    """
    if text.isprintable():  # no character of those categories (C*, Z*) but the space: most messages
        return text
    return "".join(ch if ch == " " or unicodedata.category(ch)[0] not in "CZ" else ch.encode("unicode_escape").decode()
                   for ch in text)


def non_ascii_hint(text: object) -> str:
    """Name the first non-ASCII character of an id: Cyrillic 'а' looks exactly like Latin 'a'."""
    ch = next((c for c in str(text) if not c.isascii()), None)
    if ch is None:
        return ""
    name = unicodedata.name(ch, "unnamed character")
    return f"'{ch}' is {name} (U+{ord(ch):04X}), not an ASCII letter: retype it"


def field_path(loc: Iterable[object]) -> str:
    """Turn a location tuple such as ('findings', 2, 'sources') into 'findings[2].sources'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' hint, or '' when nothing is close. Case is ignored ('RCT' → 'rct')."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(str(candidate).lower(), str(candidate))
    close = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return f"did you mean '{by_lower[close[0]]}'?" if close else ""
