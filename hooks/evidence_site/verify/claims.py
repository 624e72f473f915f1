"""Check a built site keeps the claim contract: every data-claim element contains at least one
a.citation whose target (on the page or another page) shows a PMID, DOI or URL link."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import evidence_site.verify.links as links
from evidence_site.verify.html import Element, scan


class ClaimScan:
    """Listener: claims (with their citation targets and text) and ids that hold an external locator link."""

    def __init__(self) -> None:
        self.claims: list[Element] = []
        self.located_ids: set[str] = set()

    def opened(self, element: Element, stack: list[Element]) -> None:
        a = element.attrs
        element.data.update(claim="data-claim" in a, citations=[], located=False, words=[])
        href = a.get("href", "")
        if element.tag == "a" and "citation" in a.get("class", "").split():
            for el in stack:
                if el.data["claim"]:
                    el.data["citations"].append(href)
        if element.tag == "a" and href.startswith(("https://", "http://")):
            for el in stack:
                el.data["located"] = True

    def text(self, data: str, stack: list[Element]) -> None:
        for el in stack:
            if el.data["claim"]:
                el.data["words"].append(data)

    def closed(self, element: Element, stack: list[Element]) -> None:
        if element.data["claim"]:
            self.claims.append(element)
        if element.attrs.get("id") and element.data["located"]:
            self.located_ids.add(element.attrs["id"])


@dataclass(frozen=True)
class Report:
    pages: int
    claims: int
    citations: int
    problems: tuple[str, ...]


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
    """Every claim on every page cites a reference entry that shows a locator, and nothing on any
    page runs code (what the link check calls unsafe). Each page is read once for both."""
    scans: dict[Path, ClaimScan] = {}
    pages: dict[str, links.PageLinks] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        claims, found = ClaimScan(), links.LinkScan(rel)
        scan(path.read_text(encoding="utf-8"), claims, found)
        scans[path], pages[rel] = claims, found.result
    problems, claims_n, citations = [], 0, 0
    for path, page in scans.items():
        shown = path.relative_to(site.parent).as_posix() if site.parent in path.parents else str(path)
        for claim in page.claims:
            claims_n += 1
            cited = claim.data["citations"]
            citations += len(cited)
            text = " ".join("".join(claim.data["words"]).split())[:60]
            if not cited:
                problems.append(f"{shown}:{claim.line}: claim without a citation: \"{text}\"")
            for href in cited:
                target, anchor = _target(site, path, href)
                other = scans.get(target)
                if other is None or not anchor or anchor not in other.located_ids:
                    problems.append(f"{shown}:{claim.line}: citation '{href}' does not lead to a reference "
                                    f"with a PMID, DOI or URL (claim \"{text}\")")
    # The claim contract means nothing on a page where something runs: report what linkcheck would.
    problems += [f"{site.name}/{p}" for p in links.unsafe(pages)]
    return Report(len(scans), claims_n, citations, tuple(problems))
