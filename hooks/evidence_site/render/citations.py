"""[@key] citations in hand-written Markdown pages, resolved against the source records.

Syntax (as in Pandoc): ``[@key]``, ``[@key, p. 5]``, ``[@a; @b]``. Citations are read in prose only
(see check/citation_syntax.py): code spans, code blocks and HTML comments are left alone.
"""
from __future__ import annotations

from evidence_site.check.citation_syntax import CITATION, mask_code, parse_citation
from evidence_site.errors import EvidenceCheckFailed, EvidenceError, did_you_mean
from evidence_site.render.reference_list import References


def resolve(markdown: str, refs: References, shown_file: str) -> str:
    """Replace every citation with links and append the page's reference list."""
    masked, out, last, errors = mask_code(markdown), [], 0, []
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
