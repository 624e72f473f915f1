"""Citations and reference lists: one style for generated and hand-written pages.

A citation is an ``<a class="citation">`` pointing at an entry of the page's own reference
list; each entry shows the work with its PMID, DOI, registry or URL links and links on to the
source's own page, which lists everything on the site that cites it.
"""
from __future__ import annotations

from html import escape
from typing import Iterable, Mapping

from markupsafe import Markup

from evidence_site.records.labels import short_label
from evidence_site.records.models import Source
from evidence_site.render.csl import ReferenceStyle, locator_links
from evidence_site.render.links import link, page_path


def reference_html(src: Source, style: ReferenceStyle) -> Markup:
    """The full reference of a source as HTML (without the surrounding <li>): its CSL record formatted
    in the site's style, then its identifiers as links, then a note when the link finds it by title.
    Made once per source object (an agent page at 10,000 studies lists 5,000 references, and
    under `serve` each catch-up lists them again)."""
    return style.kept("reference", src, lambda: _reference_html(src, style))


def _reference_html(src: Source, style: ReferenceStyle) -> Markup:
    parts = [str(style.entry(src))]
    rel = "noopener" if src.evidence else "nofollow noopener"
    links = " · ".join(f'<a href="{escape(url)}" rel="{rel}">{escape(label)}</a>'
                       for label, url in locator_links(src, style.registries))
    if links:
        parts.append(f'<span class="locators">{links}</span>')
    if src.located == "title-only":
        parts.append('<span class="located-by-title">(Located by title only: the link does not open this '
                     'document itself; search for its title there.)</span>')
    return Markup(" ".join(parts))


def attribute_text(text: str) -> str:
    """Text for an attribute of a citation, with all ASCII punctuation as character references.

    Citations are inline HTML inside hand-written Markdown, and Python-Markdown runs its link
    pattern before it recognises inline HTML: a label such as '[x](javascript:...)' inside
    aria-label="..." became a live link that broke out of the attribute. No '[' or '(' is left.
    """
    return text.translate(_ASCII_PUNCTUATION)


# Every ASCII character but letters, digits and the space, as its character reference.
_ASCII_PUNCTUATION = {i: f"&#{i};" for i in range(128) if not chr(i).isalnum() and chr(i) != " "}


class References:
    """Numbers the sources cited on one page, in order of first citation."""

    def __init__(self, sources: dict, page_src: str, style: ReferenceStyle, directory_urls: bool = True):
        self.sources, self.page_src, self.directory_urls, self.style = sources, page_src, directory_urls, style
        self.order: list[str] = []
        self._numbers: dict[str, int] = {}
        self.trace: list[tuple[str, int]] | None = None  # while a part of the page is made: what it cites
        # Under `serve`: the entries of this page's list in its previous render, and those of this one
        # ({key: (source, style, text)}); an entry is reused for the same source object in the same style.
        self.earlier_entries: Mapping[str, tuple[Source, ReferenceStyle, str]] = {}
        self.entries: dict[str, tuple[Source, ReferenceStyle, str]] | None = None

    def number(self, key: str) -> int:
        if key not in self._numbers:
            self.order.append(key)
            self._numbers[key] = len(self.order)
        if self.trace is not None:
            self.trace.append((key, self._numbers[key]))
        return self._numbers[key]

    def cite(self, keys: Iterable[str], locator: str | None = None) -> Markup:
        """Citation links for keys, e.g. [1][3], each pointing to its reference entry."""
        out = []
        for key in keys:
            n, src = self.number(key), self.sources[key]
            text = f"{n}, {escape(locator)}" if locator else str(n)
            # the accessible name contains the visible text (WCAG 2.5.3), locator included
            label = self.style.kept("citation label", src, lambda: attribute_text(short_label(src)))
            out.append(f'<a class="citation" href="#ref-{key}" aria-label="Reference {text}: {label}">[{text}]</a>')
        return Markup("".join(out))

    def reference(self, src: Source) -> Markup:
        """reference_html in this site's style."""
        return reference_html(src, self.style)

    def html(self) -> Markup:
        """The numbered reference list of everything cited on the page so far."""
        if not self.order:
            return Markup("")
        return Markup('<ol class="references">\n' + "\n".join(map(self._entry, self.order)) + "\n</ol>")

    def _entry(self, key: str) -> str:
        src = self.sources[key]
        hit = self.earlier_entries.get(key)
        if hit is None or hit[0] is not src or hit[1] is not self.style:
            page = link(self.page_src, page_path("sources", key), self.directory_urls)
            hit = (src, self.style, f'<li id="ref-{key}" class="reference">{reference_html(src, self.style)} '
                                    f'<a class="source-page" href="{page}">About this source</a></li>')
        if self.entries is not None:
            self.entries[key] = hit
        return hit[2]
