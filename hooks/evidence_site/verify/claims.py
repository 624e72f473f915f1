"""Check a built site keeps the claim contract: every data-claim element contains at least one
a.citation whose target (on the page or another page) shows a PMID, DOI or URL link."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import evidence_site.verify.links as links

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class _Element:
    tag: str
    line: int
    id: str | None
    claim: bool
    citations: list[str] = field(default_factory=list)
    has_locator: bool = False
    text: list[str] = field(default_factory=list)


class _PageScan(HTMLParser):
    """Claims (with their citation targets) and ids that hold an external locator link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.claims: list[_Element] = []
        self.located_ids: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        href = a.get("href") or ""
        if tag == "a" and "citation" in (a.get("class") or "").split():
            for el in self.stack:
                if el.claim:
                    el.citations.append(href)
        if tag == "a" and href.startswith(("https://", "http://")):
            for el in self.stack:
                el.has_locator = True
        if tag not in VOID:
            self.stack.append(_Element(tag, self.getpos()[0], a.get("id"), "data-claim" in a))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data):
        for el in self.stack:
            if el.claim:
                el.text.append(data)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                for el in self.stack[i:]:
                    self._close(el)
                del self.stack[i:]
                return

    def _close(self, el: _Element):
        if el.claim:
            self.claims.append(el)
        if el.id and el.has_locator:
            self.located_ids.add(el.id)


@dataclass(frozen=True)
class Report:
    pages: int
    claims: int
    citations: int
    problems: tuple[str, ...]


def scan(path: Path) -> _PageScan:
    page = _PageScan()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _target(site: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    if not parts.path:
        return page, unquote(parts.fragment)
    rel = posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), unquote(parts.path)))
    target = site / rel
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)


def verify_site(site: Path) -> Report:
    """Every claim on every page cites a reference entry that shows a locator."""
    scans = {p: scan(p) for p in sorted(site.rglob("*.html"))}
    problems, claims, citations = [], 0, 0
    for path, page in scans.items():
        shown = path.relative_to(site.parent).as_posix() if site.parent in path.parents else str(path)
        for claim in page.claims:
            claims += 1
            citations += len(claim.citations)
            text = " ".join("".join(claim.text).split())[:60]
            if not claim.citations:
                problems.append(f"{shown}:{claim.line}: claim without a citation: \"{text}\"")
            for href in claim.citations:
                target, anchor = _target(site, path, href)
                other = scans.get(target)
                if other is None or not anchor or anchor not in other.located_ids:
                    problems.append(f"{shown}:{claim.line}: citation '{href}' does not lead to a reference "
                                    f"with a PMID, DOI or URL (claim \"{text}\")")
    # The claim contract means nothing on a page where something runs: report what linkcheck would.
    problems += [f"{site.name}/{p}" for p in links.unsafe(links.scan(site))]
    return Report(len(scans), claims, citations, tuple(problems))
