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
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that hold a URL the browser follows or loads.
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "cite", "background", "xlink:href"}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
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


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.result = page, PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.result.ids.add(values[name])
        for name, value in attrs:
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

    handle_startendtag = handle_starttag


def parse_page(html: str, page: str) -> PageLinks:
    parser = _Parser(page)
    parser.feed(html)
    parser.close()
    return parser.result


def scan(site_dir: Path) -> dict[str, PageLinks]:
    """Links and ids of every HTML file of the site, by site-relative path."""
    site_dir = Path(site_dir)
    return {path.relative_to(site_dir).as_posix(): parse_page(path.read_text(encoding="utf-8"), path.relative_to(site_dir).as_posix())
            for path in sorted(site_dir.rglob("*.html"))}


def is_unsafe(url: str) -> bool:
    return _LOOSE.sub("", url).lower().startswith(UNSAFE_SCHEMES)


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


def check(site_dir: Path, site_url: str = "", pages: dict[str, PageLinks] | None = None) -> list[Problem]:
    """Every broken local link, missing anchor and unsafe link of the site."""
    site_dir = Path(site_dir)
    pages = scan(site_dir) if pages is None else pages
    base_path = urlsplit(site_url).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    problems = []
    for page in pages.values():
        for link in page.links:
            if is_unsafe(link.url):
                problems.append(Problem(link.page, link.line, link.url, f"<{link.tag} {link.attr}> runs code or embeds data"))
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
