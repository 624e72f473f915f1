"""The [@key] citation syntax of hand-written pages (as in Pandoc): ``[@key]``, ``[@key, p. 5]``,
``[@a; @b]``. Read by the content check and by the renderer, so both see the same citations;
code spans and fenced code blocks are masked so the syntax can be documented."""
from __future__ import annotations

import re

CITATION = re.compile(r"\[(@[^\[\]\n]+)\]")
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]+`")


def mask_code(markdown: str) -> str:
    """The text with code blocks and spans blanked out (same length, same line breaks)."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    return _CODE_SPAN.sub(blank, _FENCE.sub(blank, markdown))


def parse_citation(inner: str) -> list[tuple[str, str | None]] | None:
    """'@a; @b, p. 5' → [('a', None), ('b', 'p. 5')]; None if it is not a citation."""
    items = []
    for part in inner.split(";"):
        part = part.strip()
        if not part.startswith("@"):
            return None
        key, _, locator = part[1:].partition(",")
        items.append((key.strip(), locator.strip() or None))
    return items
