"""What a long-lived process (a preview server) keeps between rebuilds.

An editor saves one record and expects to see it within a second, with 10,000 records in
evidence/. Three things make that possible without giving up the "load everything, check
everything" model:

- RecordCache keeps every parsed and validated record with the identity of its file (mtime,
  ctime, size, inode). A rebuild re-reads only files whose identity changed; unchanged records
  are the same objects as before, so work keyed on them (EvidenceBase.references) is reused too.
  A file changed within RACY_NS of being read is read again next time, since two saves within
  one clock tick can leave the same identity behind (git calls this "racy" and does the same).
- PageStore writes generated pages as files in a private folder and rewrites only the files
  whose Markdown changed. A site generator that rebuilds only pages whose source is newer than
  their output (MkDocs' `serve --dirty`) then rebuilds only the pages an edit changed.
- RenderMemo (incremental.py) re-renders only the pages that read a changed record.

Checks still run over the whole base on every rebuild: a changed record can break a reference
in any other record. Nothing here knows MkDocs.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from evidence_site.errors import EvidenceError
from evidence_site.load.loader import Loaded, load_all, load_file, not_a_record, record_files
from evidence_site.load.parse_cache import DiskCache
from evidence_site.records.kinds import FOLDERS
from evidence_site.records.memo import DeferredGC
from evidence_site.render.renderer import Page
from evidence_site.serve.render_memo import RenderMemo

RACY_NS = 2_000_000_000
CATCH_UP_DELAY = 1.0  # seconds between a deferring rebuild and the catch-up it asks for


@dataclass(frozen=True)
class _Entry:
    stamp: tuple[int, int, int, int]
    trusted: bool  # the file had not changed for RACY_NS when it was read
    loaded: Loaded


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


class ChangeLog:
    """The paths a file watcher reported since the last take(). Unknown (None) until a watcher
    is attached, so nothing is trusted that no watcher saw."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] | None = None

    def attach(self) -> None:
        with self._lock:
            self._paths = set()

    def note(self, path: str) -> None:
        with self._lock:
            if self._paths is not None:
                self._paths.add(os.path.normpath(path))

    def take(self) -> set[str] | None:
        with self._lock:
            paths, self._paths = self._paths, (set() if self._paths is not None else None)
            return paths


class RecordCache:
    """Checked records by file, reused while the file is unchanged."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._listing: tuple[str, list[tuple[str, Path]]] | None = None  # the last complete, error-free listing
        self.reads = 0  # files read by the last load_all, for tests and the benchmark
        self.stats = 0  # files stat()ed by the last load_all

    def load_all(self, evidence_dir: Path, changed: set[str] | None = None) -> tuple[list[Loaded], list[EvidenceError]]:
        """Like loader.load_all, parsing only files that changed since the previous call.

        changed, the paths a file watcher reported since the previous call, spares stat() of
        every other file (24,000 of them take 0.2 s); without it, or when it names anything but
        record files, every file is listed and stat()ed as usual."""
        fresh: dict[tuple[str, str], _Entry] = {}
        self.reads = self.stats = 0
        files = self._listing_after(evidence_dir, changed)
        if files is None:
            changed = None
        # The first load of a serve process parses through the disk cache (a restart is quick);
        # later ones parse the few files that changed directly.
        disk = DiskCache(evidence_dir) if not self._entries else None
        load_one = disk.load if disk else load_file

        def load(kind: str, path: Path) -> Loaded:
            key = (kind, str(path))
            entry = self._entries.get(key)
            if changed is not None and entry is not None and entry.trusted and key[1] not in changed:
                fresh[key] = entry  # no event for it since it was read
                return entry.loaded
            self.stats += 1
            try:
                stamp = _stamp(path)
            except OSError:
                return load_file(kind, path)  # let the loader report a file that vanished
            if entry is None or entry.stamp != stamp or not entry.trusted:
                self.reads += 1
                started = time.time_ns()
                entry = _Entry(stamp, started - max(stamp[0], stamp[1]) > RACY_NS, load_one(kind, path))
            fresh[key] = entry  # a record that fails to load is not kept: it is read again next time
            return entry.loaded

        listing_errors: list[EvidenceError] = []
        if files is None and evidence_dir.is_dir():
            files, listing_errors = record_files(evidence_dir)
        try:
            loaded, errors = load_all(evidence_dir, load=load, files=files)
            return loaded, listing_errors + errors
        finally:
            self._entries = fresh  # files that are gone are forgotten
            ok = files is not None and not listing_errors
            self._listing = (os.path.normpath(str(evidence_dir)), files) if ok else None
            if disk:
                disk.save()

    def _listing_after(self, evidence_dir: Path, changed: set[str] | None) -> list[tuple[str, Path]] | None:
        """The previous listing with the watcher's changes applied, or None when that cannot be
        known: no previous complete listing, or a change to anything but a record file."""
        if changed is None or self._listing is None or self._listing[0] != os.path.normpath(str(evidence_dir)):
            return None
        root, files = self._listing
        by_path = {os.path.normpath(str(path)): (kind, path) for kind, path in files}
        for path in changed:
            folder, name = os.path.split(path)
            kind = os.path.basename(folder)
            if os.path.dirname(folder) != root or kind not in FOLDERS or not_a_record(name):
                return None  # a top-level file, a new folder, something record_files words an error for
            if os.path.isfile(path) and not os.path.islink(path):
                by_path.setdefault(path, (kind, Path(folder) / name))
            elif os.path.lexists(path):
                return None  # a folder or link where a record file was: let record_files say so
            else:
                by_path.pop(path, None)
        return sorted(by_path.values(), key=lambda item: _listed_order(root, item[1]))


def _listed_order(root: str, path: Path) -> tuple[str, str]:
    """record_files' order: top-level entries by name, the files of a kind's folder by name."""
    folder = os.path.dirname(os.path.normpath(str(path)))
    return (path.name, "") if folder == root else (os.path.basename(folder), path.name)


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
        self.changed: set[str] = set()
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


class Cache:
    """Everything kept between rebuilds; pages on disk only when the front end rebuilds dirty.

    A front end calls rebuild_started() and rebuild_done() around each build: dirty rebuilds
    after the first then run without garbage collections (bulk.DeferredGC).
    """

    def __init__(self, pages_on_disk: bool = False) -> None:
        self.records = RecordCache()
        self.changes = ChangeLog()  # fed by the front end's file watcher, if it has one
        self.renders = RenderMemo()
        self.pages = PageStore() if pages_on_disk else None
        self.last_ok = False  # the previous build of this process succeeded: its output is complete
        self.catch_up_due = False  # the previous build deferred work (site.Built.deferred)
        self._gc = DeferredGC() if pages_on_disk else None
        # A folder the front end watches: writing into it asks for the catch-up build.
        self.trigger_dir = tempfile.mkdtemp(prefix="evidence-site-catch-up-") if pages_on_disk else None
        self._triggers = 0

    def load_records(self, evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
        """RecordCache.load_all; a fast rebuild trusts the watcher's list of changed files, every
        other build (the catch-up among them) lists and stat()s every file."""
        changed = self.changes.take()  # taken in every build: what a full scan saw is not news
        trusted = self.defer and Path(evidence_dir).is_absolute()  # watchers report absolute paths
        return self.records.load_all(evidence_dir, changed=changed if trusted else None)

    @property
    def defer(self) -> bool:
        """Whether this build may leave overviews and exports for a catch-up build: only dirty
        rebuilds after a complete build, and never the catch-up itself."""
        return self.pages is not None and self.last_ok and not self.catch_up_due

    def rebuild_started(self) -> None:
        if self._gc and self.last_ok:
            self._gc.pause()

    def rebuild_done(self, ok: bool, deferred: bool = False) -> None:
        self.last_ok = ok
        self.catch_up_due = ok and deferred
        if self._gc:
            self._gc.resume_later()
        if self.catch_up_due:
            # Later, not at once: the browser reloads the edited page (and its styles and
            # scripts) before the catch-up build, during which the server makes requests wait.
            timer = threading.Timer(CATCH_UP_DELAY, self._request_catch_up)
            timer.daemon = True
            timer.start()

    def _request_catch_up(self) -> None:
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
