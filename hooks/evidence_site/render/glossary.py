"""Glossary tooltips: abbreviations from evidence/glossary.yaml become <abbr title="...">.

Hand-written pages get Markdown abbreviation definitions (`*[RCT]: Randomised controlled trial`) that the
`abbr` extension applies. Generated pages are raw HTML blocks the extension never sees, so
their finished HTML is rewritten here: whole-word occurrences in text nodes are wrapped, never
inside a tag's attributes, a link, code, a script, an existing <abbr> or an SVG figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from evidence_site.records.models import Glossary

# Elements whose text must not be wrapped; the raw-text ones are copied up to their end tag.
SKIP = {"a", "abbr", "code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "title",
        "button", "select", "option", "label"}
RAW_TEXT = {"script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TOKEN = re.compile(r"""(<!--.*?-->|<![^>]*>|</?[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>)""", re.S)
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
# A reference is the cited work's own wording: "BMC Neurol" is a journal, not Bone Mineral Content.
_UNGLOSSED = re.compile(r"""\sclass=["'](?:[^"']*\s)?reference(?:\s[^"']*)?["']""")
_ENTITY = re.compile(r"&#?[a-zA-Z0-9]+;")


def tooltip(expansion: str, explanation: str | None) -> str:
    """What a term's tooltip says: its expansion, then its plain-language explanation if it has one."""
    stop = "" if expansion.rstrip()[-1:] in ".!?" else "."
    text = f"{expansion}{stop} {explanation}" if explanation else expansion
    return " ".join(text.split())


def usable_terms(glossary: Glossary | None) -> dict[str, str]:
    """Terms with one-line tooltips; a term with ']' or a line break cannot be defined in Markdown."""
    if glossary is None:
        return {}
    return {term: tooltip(entry.expansion, entry.explanation) for term, entry in glossary.entries().items()
            if term.strip() and not set(term) & set("]\n[") and entry.expansion.strip()}


@dataclass(frozen=True)
class GlossaryItem:
    """One entry of the glossary page."""

    term: str
    anchor: str
    expansion: str
    explanation: str | None


def glossary_items(glossary: Glossary | None) -> list[GlossaryItem]:
    """The glossary page's entries, alphabetical regardless of case, each with a stable anchor."""
    if glossary is None:
        return []
    items, anchors = [], set()
    for term, entry in sorted(glossary.entries().items(), key=lambda kv: (kv[0].casefold(), kv[0])):
        slug = re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-") or "term"
        anchor, n = f"term-{slug}", 2
        while anchor in anchors:  # 'N-TX' and 'N-Tx' both fold to 'n-tx'
            anchor, n = f"term-{slug}-{n}", n + 1
        anchors.add(anchor)
        items.append(GlossaryItem(term, anchor, entry.expansion, entry.explanation))
    return items


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
        elif (name in SKIP or _UNGLOSSED.search(token)) and name not in VOID and not token.endswith("/>"):
            skipping.append(name)
    return "".join(out)
