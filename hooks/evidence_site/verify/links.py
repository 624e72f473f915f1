"""Check a built site's links: every local href/src names a file that exists, every #anchor an
id on the target page, and no link uses a scheme that runs code (javascript:, data:, vbscript:).

Plain Python over the HTML files in site/, so it checks what readers get whatever made it:
MkDocs' own link validation sees only Markdown links, not the HTML the templates write.

    python -m evidence_site.verify.links site/ [--site-url https://example.org/sub/]
"""
from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from evidence_site.verify.html import Element
from evidence_site.verify.html import scan as scan_html

# Attributes that hold a URL the browser follows or loads.
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "xlink:href"}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_REFRESH = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*(.+?)\s*$", re.I)
_LOOSE = re.compile(r"[\x00-\x20]+")  # browsers ignore these inside a scheme: 'java\tscript:'


@dataclass(frozen=True, order=True)
class Link:
    page: str  # site-relative file, e.g. studies/x/index.html
    line: int
    tag: str
    attr: str
    url: str


@dataclass(frozen=True, order=True)
class Problem:
    page: str
    line: int
    url: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.url}: {self.message}"


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    active: list[Problem] = field(default_factory=list)  # handlers and scripts not of the site's own


# Inside a page's content only the site's data blocks and scripts from its own assets may appear;
# the theme's scripts sit outside the content, and load from the site (no scheme, no '//').
_CONTENT = "md-content__inner"
_DATA_TYPES = ("application/json", "application/ld+json")


class LinkScan:
    """Listener: ids, links and active content (handlers, scripts) of one page."""

    def __init__(self, page: str):
        self.page, self.result = page, PageLinks()

    def _active(self, line: int, what: str, message: str) -> None:
        self.result.active.append(Problem(self.page, line, what, message))

    def opened(self, element: Element, stack: list[Element]) -> None:
        tag, line, values = element.tag, element.line, element.attrs
        in_content = any(el.tag == "article" and _CONTENT in el.attrs.get("class", "").split() for el in stack)
        for name in values:
            if name.startswith("on"):
                self._active(line, f"<{tag} {name}>", "an event-handler attribute")
        if tag == "script":
            src, kind = values.get("src", ""), values.get("type", "").lower()
            if src and (_SCHEME.match(src) or src.startswith("//")):
                self._active(line, f"<script src={src}>", "a script from outside the site")
            elif in_content and kind not in _DATA_TYPES and not (src and "assets/" in src):
                self._active(line, "<script>", "a script in the page content, not from the theme or assets/")
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.result.ids.add(values[name])
        for name, value in element.raw:
            if name in URL_ATTRS and value is not None:
                self.result.links.append(Link(self.page, line, tag, name, value))
            elif name == "srcset" and value:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.result.links.append(Link(self.page, line, tag, name, candidate.split()[0]))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH.match(values.get("content", ""))
            if match:
                self.result.links.append(Link(self.page, line, tag, "content", match.group(1).strip("'\"")))

    def text(self, data: str, stack: list[Element]) -> None:
        pass

    def closed(self, element: Element, stack: list[Element]) -> None:
        pass


def parse_page(html: str, page: str) -> PageLinks:
    found = LinkScan(page)
    scan_html(html, found)
    return found.result


def scan(site_dir: Path) -> dict[str, PageLinks]:
    """Links and ids of every HTML file of the site, by site-relative path."""
    site_dir = Path(site_dir)
    return {path.relative_to(site_dir).as_posix(): parse_page(path.read_text(encoding="utf-8"), path.relative_to(site_dir).as_posix())
            for path in sorted(site_dir.rglob("*.html"))}


def is_unsafe(url: str) -> bool:
    """A URL with a scheme other than http(s) or mailto (javascript:, data:, file:, ...)."""
    loose = _LOOSE.sub("", url).lower()
    return bool(_SCHEME.match(loose)) and not loose.startswith(SAFE_SCHEMES)


def resolve(link: Link, site_dir: Path, base_path: str = "/") -> tuple[str | None, str]:
    """(site-relative file the link names or None if it leaves the site, fragment)."""
    parts = urlsplit(link.url)
    if parts.scheme or link.url.startswith("//"):
        return None, ""
    if not parts.path:
        return link.page, unquote(parts.fragment)
    if parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return "", ""  # absolute path outside the site's own prefix
        target = parts.path[len(base_path):]
    else:
        target = posixpath.join(posixpath.dirname(link.page), parts.path)
    target = posixpath.normpath(unquote(target))
    if target == "." or parts.path.endswith("/"):
        target = posixpath.join("" if target == "." else target, "index.html")
    elif (site_dir / target).is_dir():
        target = posixpath.join(target, "index.html")
    if target.startswith("../") or target == "..":
        return "", ""
    return target, unquote(parts.fragment)


def unsafe(pages: dict[str, PageLinks]) -> list[Problem]:
    """Event handlers, scripts not of the theme or assets/, and links that are not http(s),
    mailto or relative, on every page (verify-site reports these too)."""
    problems = [Problem(p.page, p.line, p.url, f"{p.message}: runs code") for page in pages.values() for p in page.active]
    problems += [Problem(link.page, link.line, link.url, f"<{link.tag} {link.attr}> " + (
        "runs code or embeds data" if _LOOSE.sub("", link.url).lower().startswith(UNSAFE_SCHEMES)
        else "is not an http(s), mailto or relative link"))
                 for page in pages.values() for link in page.links if is_unsafe(link.url)]
    return problems


def check(site_dir: Path, site_url: str = "", pages: dict[str, PageLinks] | None = None) -> list[Problem]:
    """Every broken local link, missing anchor and unsafe link of the site."""
    site_dir = Path(site_dir)
    pages = scan(site_dir) if pages is None else pages
    base_path = urlsplit(site_url).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    problems = unsafe(pages)
    for page in pages.values():
        for link in page.links:
            if is_unsafe(link.url):
                continue
            target, fragment = resolve(link, site_dir, base_path)
            if target is None:
                continue
            if target == "":
                problems.append(Problem(link.page, link.line, link.url, "points outside the site"))
            elif not (site_dir / target).is_file():
                problems.append(Problem(link.page, link.line, link.url, f"no such file: {target}"))
            elif fragment and target in pages and fragment not in pages[target].ids:
                problems.append(Problem(link.page, link.line, link.url, f"no id '{fragment}' on {target}"))
    return sorted(set(problems))


def links_to(pages: dict[str, PageLinks], site_dir: Path, site_url: str = "") -> dict[str, set[str]]:
    """Target page → the other pages that link to it (for reachability checks)."""
    base_path = urlsplit(site_url).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    inbound: dict[str, set[str]] = {}
    for page in pages.values():
        for link in page.links:
            target, _ = resolve(link, Path(site_dir), base_path)
            if target and target != link.page and link.attr in ("href", "content"):
                inbound.setdefault(target, set()).add(link.page)
    return inbound


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    site_url = ""
    if "--site-url" in args:
        i = args.index("--site-url")
        site_url = args[i + 1]
        del args[i:i + 2]
    site_dir = Path(args[0] if args else "site")
    problems = check(site_dir, site_url)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} broken or unsafe link(s) in {site_dir}.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
