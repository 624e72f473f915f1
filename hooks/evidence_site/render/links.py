"""Where each generated page lives, and relative links between pages.

Links inside generated HTML blocks are not rewritten by the site generator, so the core
computes final relative URLs itself, the way MkDocs would with use_directory_urls.
"""
from __future__ import annotations

import posixpath
from functools import lru_cache
from types import MappingProxyType

from evidence_site.records.kinds import KINDS

# URL folder of each kind's index (and record pages), then of the site's computed pages.
SECTIONS = MappingProxyType({**{k.name: k.section for k in KINDS if k.section},
                             "map": "evidence-map", "changes": "changes", "data": "data"})


def page_path(kind: str, key: str | None = None) -> str:
    """Source path (src_uri) of the page of a record, or of a kind's index when key is None."""
    return f"{SECTIONS[kind]}/{key}.md" if key else f"{SECTIONS[kind]}/index.md"


def url_of(src: str, directory_urls: bool = True) -> str:
    """Site-relative URL of a page source path, as MkDocs computes it."""
    stem = src[:-3] if src.endswith(".md") else src
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def link(from_src: str, to_src: str, directory_urls: bool = True, anchor: str = "") -> str:
    """Relative URL from one page to another (optionally to an anchor on it)."""
    here, base = _start(from_src, directory_urls)
    there = url_of(to_src, directory_urls)
    if here == there:
        return f"#{anchor}" if anchor else "./"
    rel = _relpath(there or ".", base)
    if directory_urls and there.endswith("/") or there == "":
        rel = rel.rstrip("/") + "/"
    return rel + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1024)
def _start(from_src: str, directory_urls: bool) -> tuple[str, str]:
    """(URL, folder links start from) of the page links are made on: one page makes thousands."""
    here = url_of(from_src, directory_urls)
    base = posixpath.dirname(here) if not directory_urls else here.rstrip("/")
    return here, base or "."


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for site-relative paths, without its two abspath() calls per link
    (a fifth of the time spent rendering 24,000 pages). Paths with '..' go the long way."""
    frm = _parts(start)
    if frm is None or ".." in path or path.startswith("/"):
        return posixpath.relpath(path, start)
    to = [p for p in path.split("/") if p and p != "."]
    common = 0
    for a, b in zip(to, frm, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(frm) - common) + to[common:]) or "."


@lru_cache(maxsize=1024)
def _parts(start: str) -> tuple[str, ...] | None:
    """The folders of a start path, None when it needs posixpath's own relpath."""
    if ".." in start or start.startswith("/"):
        return None
    return tuple(p for p in start.split("/") if p and p != ".")
