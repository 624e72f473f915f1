"""How a build does the steps a long-lived front end may want to do differently.

pipeline.build() loads, renders and exports through a session object. OneShot, the default, is
a build that runs once: nothing is kept for a next build. A preview server passes its own
session with the same methods (serve/session.py), which keeps checked records, rendered pages
and per-record work between rebuilds; the pipeline only calls these methods, so no stage needs
to know that a server exists, and nothing here imports serve/.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Iterable, Protocol

import evidence_site.load.parse_cache as parse_cache
from evidence_site.errors import EvidenceError
from evidence_site.export.extra_files import extra_files
from evidence_site.records.evidence_base import EvidenceBase, Loaded
from evidence_site.records.memo import Memo, gc_paused
from evidence_site.render.renderer import Page, SiteLinks, render_site


class Session(Protocol):
    """What pipeline.build() asks of the front end's session."""

    memo: Memo  # per-record work kept by record identity; the evidence base carries it
    cache_checks: bool  # whether check results of unchanged records may come from disk (check/cache.py)

    def bulk(self) -> AbstractContextManager[None]:
        """The block a whole build runs in (records/memo.gc_paused, with or without freezing)."""

    def load_records(self, evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
        """Every record under evidence_dir and every error, as loader.load_all gives them."""

    def render(self, base: EvidenceBase, directory_urls: bool, page_uses: dict, links: SiteLinks | None,
               history: dict, site_url: str | None) -> dict[str, Page]:
        """Every generated page, as render_site gives them."""

    def extras(self, base: EvidenceBase, directory_urls: bool) -> Iterable[tuple[str, str]]:
        """(path, text) of the files to write beside the pages (export/extra_files.py)."""


class OneShot:
    """A build that runs once. exits_after: the process exits when the build is done (`mkdocs
    build`), so what is built is kept out of the garbage collector's rescans (gc.freeze); a
    test or another caller that builds many times in one process leaves it False."""

    def __init__(self, exits_after: bool = False) -> None:
        self.exits_after = exits_after
        self.memo = Memo()
        self.cache_checks = True

    def bulk(self) -> AbstractContextManager[None]:
        return gc_paused(keep_until_exit=self.exits_after)

    def load_records(self, evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
        return parse_cache.load_all(evidence_dir)  # parses only files no earlier run parsed

    def render(self, base: EvidenceBase, directory_urls: bool, page_uses: dict, links: SiteLinks | None,
               history: dict, site_url: str | None) -> dict[str, Page]:
        return render_site(base, directory_urls, page_uses, links, history, site_url)

    def extras(self, base: EvidenceBase, directory_urls: bool) -> Iterable[tuple[str, str]]:
        return extra_files(base, directory_urls)
