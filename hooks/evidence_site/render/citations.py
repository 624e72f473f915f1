"""[@key] citations in hand-written Markdown pages, resolved against the source records.

Syntax (as in Pandoc): ``[@key]``, ``[@key, p. 5]``, ``[@a; @b]``. Code spans and fenced code
blocks are left alone so the syntax can be documented.
"""
from __future__ import annotations

import re

from evidence_site.render.reference_list import References
from evidence_site.errors import EvidenceCheckFailed, EvidenceError, did_you_mean

CITATION = re.compile(r"\[(@[^\[\]\n]+)\]")
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]+`")


def _masked(markdown: str) -> str:
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


def resolve(markdown: str, refs: References, shown_file: str) -> str:
    """Replace every citation with links and append the page's reference list."""
    masked, out, last, errors = _masked(markdown), [], 0, []
    for match in CITATION.finditer(masked):
        items = parse_citation(match.group(1))
        if items is None:
            continue
        line = masked.count("\n", 0, match.start()) + 1
        unknown = [key for key, _ in items if key not in refs.sources]
        for key in unknown:
            errors.append(EvidenceError(shown_file, line, "", f"unknown source '{key}'",
                                        did_you_mean(key, refs.sources)))
        if unknown:
            continue
        html = "".join(str(refs.cite([key], locator)) for key, locator in items)
        out.append(markdown[last:match.start()] + html)
        last = match.end()
    if errors:
        raise EvidenceCheckFailed(errors)
    out.append(markdown[last:])
    text = "".join(out)
    if refs.order:
        text = text.rstrip() + "\n\n## References\n\n" + str(refs.html()) + "\n"
    return text
