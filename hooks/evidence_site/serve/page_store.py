"""Generated pages as files, for a site generator that rebuilds only what changed.

A site generator that rebuilds only pages whose source is newer than their output (MkDocs'
`serve --dirty`) then rebuilds only the pages an edit changed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Callable, Iterable, Mapping

from evidence_site.render.renderer import Page


class PageStore:
    """Generated pages as files whose modification time changes only when their text changes."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="evidence-site-pages-")
        self._written: dict[str, str] = {}
        self.changed: set[str] = set()  # pages written by the last sync
        self.unchanged: set[str] = set()  # pages the last sync found as they were

    def sync(self, pages: Mapping[str, Page]) -> dict[str, str]:
        """Write what changed; returns the file path of every page."""
        out: dict[str, str] = {}
        self.changed = set()
        for src, page in pages.items():
            path = out[src] = os.path.join(self.folder, src)
            if self._written.get(src) != page.markdown:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(page.markdown)
                self._written[src] = page.markdown
                self.changed.add(src)
        for src in set(self._written) - set(pages):
            os.remove(os.path.join(self.folder, src))
            del self._written[src]
        self.unchanged = set(pages) - self.changed
        return out

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Matches:
    """Whether each page path matches a set of patterns (e.g. the site generator's list of pages
    left out of the navigation), kept while the patterns stay: 24,000 matches take 0.1 s."""

    def __init__(self) -> None:
        self._patterns: tuple | None = None
        self._matched: dict[str, bool] = {}

    def of(self, patterns: tuple, paths: Iterable[str], match: Callable[[str], bool]) -> dict[str, bool]:
        """{path: whether it matches} for every path (and any others seen while the patterns stayed)."""
        if patterns != self._patterns:
            self._patterns, self._matched = patterns, {}
        for path in paths:
            if path not in self._matched:
                self._matched[path] = bool(match(path))
        return self._matched
