"""Glossary tooltips: abbreviations from evidence/glossary.yaml become <abbr title="...">.

Hand-written pages get Markdown abbreviation definitions (`*[RCT]: Randomised controlled trial`) that the
`abbr` extension applies. Generated pages are raw HTML blocks the extension never sees, so
their finished HTML is rewritten here: whole-word occurrences in text nodes are wrapped, never
inside a tag's attributes, a link, code, a script, an existing <abbr> or an SVG figure.
"""
from __future__ import annotations

import re
from html import escape

from evidence_site.records.models import Glossary

# Elements whose text must not be wrapped; the raw-text ones are copied up to their end tag.
SKIP = {"a", "abbr", "code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "title",
        "button", "select", "option", "label"}
RAW_TEXT = {"script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TOKEN = re.compile(r"""(<!--.*?-->|<![^>]*>|</?[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>)""", re.S)
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
_ENTITY = re.compile(r"&#?[a-zA-Z0-9]+;")


def usable_terms(glossary: Glossary | None) -> dict[str, str]:
    """Terms with one-line expansions; a term with ']' or a line break cannot be defined in Markdown."""
    if glossary is None:
        return {}
    return {term: " ".join(text.split()) for term, text in glossary.terms.items()
            if term.strip() and not set(term) & set("]\n[") and text.strip()}


def markdown_definitions(glossary: Glossary | None) -> str:
    """Abbreviation definitions to append to a hand-written page's Markdown."""
    terms = usable_terms(glossary)
    if not terms:
        return ""
    return "\n\n" + "\n".join(f"*[{term}]: {text}" for term, text in sorted(terms.items())) + "\n"


def _pattern(terms: dict[str, str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longest first, so '25(OH)D3' wins over '25(OH)D'; matched on escaped text.
    alternation = "|".join(re.escape(escape(t, quote=False)) for t in sorted(terms, key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![\w])({alternation})(?![\w])")


def _wrap_text(text: str, pattern: re.Pattern, titles: dict[str, str]) -> str:
    entities = [m.span() for m in _ENTITY.finditer(text)]

    def wrap(match: re.Match) -> str:
        start, end = match.span()
        if any(a < start < b or a < end < b for a, b in entities):  # never split '&amp;' and the like
            return match.group(0)
        return f'<abbr title="{titles[match.group(1)]}">{match.group(1)}</abbr>'
    return pattern.sub(wrap, text)


def abbreviate_html(html: str, glossary: Glossary | None) -> str:
    """The HTML with every glossary term in a text node wrapped in <abbr title>."""
    terms = usable_terms(glossary)
    pattern = _pattern(terms)
    if pattern is None:
        return html
    titles = {escape(t, quote=False): escape(text) for t, text in terms.items()}
    out, skipping, pos = [], [], 0
    while pos < len(html):
        match = _TOKEN.search(html, pos)
        end = match.start() if match else len(html)
        text = html[pos:end]
        out.append(text if skipping else _wrap_text(text, pattern, titles))
        if not match:
            break
        token, pos = match.group(0), match.end()
        out.append(token)
        name_match = _TAG_NAME.match(token)
        if not name_match:
            continue
        name = name_match.group(1).lower()
        if token.startswith("</"):
            if name in skipping:
                del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
        elif name in RAW_TEXT:
            close = re.compile(rf"</{name}\s*>", re.I).search(html, pos)
            stop = close.end() if close else len(html)
            out.append(html[pos:stop])
            pos = stop
        elif name in SKIP and name not in VOID and not token.endswith("/>"):
            skipping.append(name)
    return "".join(out)
