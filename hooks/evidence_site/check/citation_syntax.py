"""The [@key] citation syntax of hand-written pages (as in Pandoc): ``[@key]``, ``[@key, p. 5]``,
``[@a; @b]``. Read by the content check and by the renderer, so both see the same citations;
code spans, code blocks and HTML comments are masked: the syntax can be documented, and a hidden
comment adds no reference."""
from __future__ import annotations

import re

CITATION = re.compile(r"\[(@[^\[\]\n]+)\]")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# A line that opens a block whose indented lines are its content, not code: a list item, an
# admonition or collapsible block, a footnote or definition.
_CONTAINER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s|^\s*(?:!!!|\?\?\?\+?)|^\s*\[\^[^\]]+\]:|^\s*:\s")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _indented_code(markdown: str) -> str:
    """Blank out indented code blocks: 4-space lines after a blank line, outside lists and admonitions."""
    lines, in_container, code, previous_blank = markdown.split("\n"), False, False, True
    for i, line in enumerate(lines):
        indented = line.startswith(("    ", "\t"))
        if not line.strip():
            previous_blank = True
            continue
        if not indented:
            in_container, code = bool(_CONTAINER.match(line)) or (in_container and not previous_blank), False
        elif code or (previous_blank and not in_container):
            code = True
            lines[i] = " " * len(line)
        previous_blank = False
    return "\n".join(lines)


def mask_code(markdown: str) -> str:
    """The text with code blocks, code spans and HTML comments blanked out (same length, same
    line breaks): a citation there is shown as typed, and a hidden comment cites nothing."""
    return _COMMENT.sub(_blank, _CODE_SPAN.sub(_blank, _indented_code(_FENCE.sub(_blank, markdown))))


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
