"""What a preview server keeps between rebuilds: one object that owns every memo.

An editor saves one record and expects to see it within a second, with 10,000 records in
evidence/. ServeSession is the session (evidence_site/session.py) a front end passes to
pipeline.build() for each rebuild of one `serve` process, and keeps:

- the checked records by file (records.py): a rebuild re-reads only files that changed;
- the per-record work kept by record identity (records/memo.Memo): references, their checks,
  backlinks and the records' JSON dumps;
- the pages of the previous render (render_memo.py): only pages that read a changed record are
  rendered again, and a fast rebuild renders only the edited record's page, leaving overviews
  and exports to a catch-up build it asks for once the pages open in browsers have reloaded
  (browsers.py; at once with none open, after CATCH_UP_DELAY at most);
- with pages on disk (`serve --dirty`), the generated pages as files (page_store.py), and the
  garbage collector held back during rebuilds (gc.py);
- the warnings of the previous build, so a rebuild prints only new ones;
- for the front end: its compiled templates (templates.py) and which pages its navigation
  leaves out (page_store.Matches); the watcher's news of changed files (watch.py).

Nothing here knows MkDocs.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from evidence_site.errors import EvidenceError
from evidence_site.export.extra_files import extra_files
from evidence_site.records.evidence_base import EvidenceBase, Loaded
from evidence_site.records.memo import Memo, gc_paused
from evidence_site.render.renderer import Page, SiteLinks
from evidence_site.serve.browsers import Browsers
from evidence_site.serve.gc import DeferredGC
from evidence_site.serve.page_store import Matches, PageStore
from evidence_site.serve.records import ChangeLog, RecordCache
from evidence_site.serve.render_memo import RenderMemo
from evidence_site.serve.templates import TemplateCache

CATCH_UP_DELAY = 1.0  # at most, seconds between a deferring rebuild and the catch-up it asks for


class ServeSession:
    """Everything kept between rebuilds; pages on disk only when the front end rebuilds dirty.

    A front end calls rebuild_started() and rebuild_done() around each build: dirty rebuilds
    after the first then run without garbage collections (gc.DeferredGC).
    """

    def __init__(self, pages_on_disk: bool = False) -> None:
        self.memo = Memo()
        self.cache_checks = False  # the memo keeps each record's checks; the disk would only add a write per rebuild
        self.records = RecordCache()
        self.changes = ChangeLog()  # fed by the front end's file watcher, if it has one
        self.renders = RenderMemo()
        self.pages = PageStore() if pages_on_disk else None
        self.out_of_nav = Matches()  # which generated pages the front end leaves out of its navigation
        self.templates = TemplateCache()  # the front end's compiled templates
        self.browsers = Browsers()  # the pages open in browsers, as the front end's server reports them
        self.last_ok = False  # the previous build of this process succeeded: its output is complete
        self.deferred = False  # this build left overviews and exports for a catch-up build
        self.catch_up_due = False  # the previous build deferred work
        self._gc = DeferredGC() if pages_on_disk else None
        # A folder the front end watches: writing into it asks for the catch-up build.
        self.trigger_dir = tempfile.mkdtemp(prefix="evidence-site-catch-up-") if pages_on_disk else None
        self._triggers = 0
        self._warned: set[tuple] | None = None

    # --- the session's steps (evidence_site/session.py) ---

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """A rebuild, with the collector paused but nothing frozen: the process lives on."""
        self.deferred = False
        if not self.defer:  # a fast rebuild asks for few kept results: the last full build's stay
            self.memo.next_build()
        with gc_paused():
            yield

    def load_records(self, evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
        """RecordCache.load_all; a fast rebuild trusts the watcher's list of changed files, every
        other build (the catch-up among them) lists and stat()s every file."""
        changed = self.changes.take()  # taken in every build: what a full scan saw is not news
        trusted = self.defer and Path(evidence_dir).is_absolute()  # watchers report absolute paths
        return self.records.load_all(evidence_dir, changed=changed if trusted else None)

    def render(self, base: EvidenceBase, directory_urls: bool, page_uses: dict, links: SiteLinks | None,
               history: dict, site_url: str | None) -> dict[str, Page]:
        """Only the pages an edit can have changed (render_memo.py). A deferring render is always
        followed by a catch-up: besides an edited record, a hand-written page that now cites a
        source changes that source's page, which the deferring render kept."""
        self.deferred = self.defer
        return self.renders.render(base, directory_urls, page_uses, links, history, site_url, defer=self.deferred)

    def extras(self, base: EvidenceBase, directory_urls: bool) -> Iterable[tuple[str, str]]:
        """None after a deferring render: the previous redirects and exports stay until the
        catch-up (a new alias's redirect among them); each record's dump is kept for the next
        rebuild."""
        return () if self.deferred else extra_files(base, directory_urls, self.memo)

    # --- between rebuilds ---

    @property
    def defer(self) -> bool:
        """Whether this build may leave overviews and exports for a catch-up build: only dirty
        rebuilds after a complete build, and never the catch-up itself."""
        return self.pages is not None and self.last_ok and not self.catch_up_due

    def new_warnings(self, warnings: Sequence[EvidenceError]) -> tuple[list[EvidenceError], int]:
        """The warnings the previous build did not have, and how many it had too (thousands of
        "no review date" lines after every save would bury the new one, and take time to print)."""
        keys = [(w.file, w.line, w.field, w.message) for w in warnings]
        seen = self._warned
        self._warned = set(keys)
        if seen is None:
            return list(warnings), 0
        new = [warning for key, warning in zip(keys, warnings, strict=True) if key not in seen]
        return new, len(seen & self._warned)

    def rebuild_started(self) -> None:
        if self._gc and self.last_ok:
            self._gc.pause()

    def rebuild_done(self, ok: bool) -> None:
        self.last_ok = ok
        self.catch_up_due = ok and self.deferred
        if self._gc:
            self._gc.resume_later()
        if self.catch_up_due:
            # Once every open page has reloaded the edited one (its styles and scripts too),
            # not before: the server makes requests wait during the catch-up build. With no
            # page open, at once; a page that does not report back is waited for CATCH_UP_DELAY.
            self.browsers.build_ended()
            threading.Thread(target=self._request_catch_up, daemon=True).start()

    def _request_catch_up(self) -> None:
        self.browsers.wait_reloaded(CATCH_UP_DELAY)
        self._triggers += 1
        try:
            with open(os.path.join(self.trigger_dir, "catch-up"), "w", encoding="utf-8") as f:
                f.write(str(self._triggers))
        except OSError:  # the server is shutting down and removed the folder
            pass

    def close(self) -> None:
        if self.pages:
            self.pages.close()
        if self.trigger_dir:
            shutil.rmtree(self.trigger_dir, ignore_errors=True)
