"""Checked records kept between a preview server's rebuilds, and the file watcher's news.

An editor saves one record and expects to see it within a second, with 10,000 records in
evidence/. RecordCache keeps every parsed and validated record with the identity of its file
(mtime, ctime, size, inode). A rebuild re-reads only files whose identity changed; unchanged
records are the same objects as before, so work kept by record identity (records/memo.py) is
reused too. When the watcher reports only saved record files and the last load had no error,
their records are swapped into the last load's list without going through the other files. A
file changed within RACY_NS of being read is read again next time
(load/stamps.py). Checks still run over the whole base on every rebuild: a changed record can
break a reference in any other record.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from evidence_site.errors import EvidenceError
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.load.loader import (Reading, folder_missing, id_problem, load_file, load_files, not_a_record,
                                     record_files)
from evidence_site.load.parse_cache import DiskCache
from evidence_site.load.stamps import Stamp, settled, stamp
from evidence_site.records.evidence_base import Loaded
from evidence_site.records.kinds import FOLDERS


@dataclass(frozen=True)
class _Entry:
    stamp: Stamp
    trusted: bool  # the file had not changed for RACY_NS when it was read (stamps.py)
    loaded: Loaded


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
        self._listed: tuple[list[tuple[str, Path]], frozenset[str]] | None = None  # its paths, made when asked
        # The last error-free load: its listing, its records in the listing's order, and the
        # position of each file in both. A fast rebuild swaps in the records of the files that
        # changed rather than going through 24,000 files again.
        self._last: tuple[list[tuple[str, Path]], list[Loaded], dict[str, int]] | None = None
        self.reads = 0  # files read by the last load_all, for tests and the benchmark
        self.stats = 0  # files stat()ed by the last load_all

    def load_all(self, evidence_dir: Path, changed: set[str] | None = None) -> tuple[list[Loaded], list[EvidenceError]]:
        """Like loader.load_all, parsing only files that changed since the previous call.

        changed, the paths a file watcher reported since the previous call, spares stat() of
        every other file (24,000 of them take 0.2 s); without it, or when it names anything but
        record files, every file is listed and stat()ed as usual."""
        fresh: dict[tuple[str, str], _Entry] = {}
        self.reads = self.stats = 0
        reading = Reading.of(evidence_dir)
        files = self._listing_after(evidence_dir, changed)
        if files is None:
            changed = None
        # The first load of a serve process parses through the disk cache (a restart is quick);
        # later ones parse the few files that changed directly.
        if changed is not None and files is not None:
            swapped = self._swap_changed(files, changed, reading)
            if swapped is not None:
                return swapped, []
        self._last = None
        disk = DiskCache(evidence_dir) if not self._entries else None

        def load(kind: str, path: Path, reading: Reading) -> Loaded:
            key = (kind, str(path))
            entry = self._entries.get(key)
            if changed is not None and entry is not None and entry.trusted and key[1] not in changed:
                fresh[key] = entry  # no event for it since it was read
                return entry.loaded
            entry, loaded = self._read(kind, path, reading, entry, disk)
            if entry is not None:  # a record that fails to load is not kept: it is read again next time
                fresh[key] = entry
            return loaded

        listing_errors: list[EvidenceError] = []
        try:
            if files is None:
                if not evidence_dir.is_dir():
                    return [], [folder_missing(evidence_dir, reading)]
                files, listing_errors = record_files(evidence_dir, reading)
            loaded, errors = load_files(files, reading, load)
            if not listing_errors and not errors:
                self._last = (files, loaded, {str(path): n for n, (_, path) in enumerate(files)})
            return loaded, listing_errors + errors
        finally:
            self._entries = fresh  # files that are gone are forgotten
            ok = files is not None and not listing_errors
            self._listing = (os.path.normpath(str(evidence_dir)), files) if ok else None
            if not ok:
                self._listed = None
            elif changed is None:
                self._paths_of(files)  # now, in a full scan, not in the fast rebuild after the next edit
            if disk:
                disk.save()

    def _read(self, kind: str, path: Path, reading: Reading, entry: _Entry | None, disk: DiskCache | None
              ) -> tuple[_Entry | None, Loaded]:
        """The file's entry and record: the kept ones while its stamp is the same and was settled
        when read, else the file read again (through the disk cache on a process's first load).
        Raises the loader's errors; no entry for a file without a stamp (gone, or a link)."""
        self.stats += 1
        seen = stamp(path)
        if seen is None:
            return None, load_file(kind, path, reading)  # let the loader report a file that vanished or is a link
        if entry is None or entry.stamp != seen or not entry.trusted:
            self.reads += 1
            started = time.time_ns()
            loaded = disk.load_stamped(kind, path, reading, seen) if disk else load_file(kind, path, reading)
            entry = _Entry(seen, settled(seen, started), loaded)
        return entry, entry.loaded

    def _swap_changed(self, files: list[tuple[str, Path]], changed: set[str], reading: Reading) -> list[Loaded] | None:
        """The last error-free load's records with those of the changed files (and of files read
        too recently to be trusted) read again, when the listing is the same and each of them
        loads with the id of its file name; None when anything else may have happened (an error,
        a new or removed file), for load_files to go through every file and word it."""
        last = self._last
        if last is None or last[0] is not files:
            return None
        _, loaded, position = last
        todo = set(changed) | {key[1] for key, entry in self._entries.items() if not entry.trusted}
        entries, out = dict(self._entries), list(loaded)
        for path_text in todo:
            n = position.get(path_text)
            if n is None:
                return None
            kind, path = files[n]
            try:
                entry, item = self._read(kind, path, reading, entries.get((kind, path_text)), None)
            except EvidenceCheckFailed:
                return None
            if entry is None or id_problem(item, path, item.file):
                return None
            entries[(kind, path_text)], out[n] = entry, item
        self._entries, self._last = entries, (files, out, position)
        return out

    def _listing_after(self, evidence_dir: Path, changed: set[str] | None) -> list[tuple[str, Path]] | None:
        """The previous listing with the watcher's changes applied, or None when that cannot be
        known: no previous complete listing, or a change to anything but a record file."""
        if changed is None or self._listing is None or self._listing[0] != os.path.normpath(str(evidence_dir)):
            return None
        root, files = self._listing
        if all(path in self._paths_of(files) and os.path.isfile(path) and not os.path.islink(path) for path in changed):
            return files  # only files it lists were saved (an editor's edit): the same listing, unsorted again
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

    def _paths_of(self, files: list[tuple[str, Path]]) -> frozenset[str]:
        """The paths of a listing as the watcher names them, made once per listing (sorting
        24,000 paths after every edit took a quarter of a second)."""
        if self._listed is None or self._listed[0] is not files:
            self._listed = (files, frozenset(os.path.normpath(str(path)) for _, path in files))
        return self._listed[1]


def _listed_order(root: str, path: Path) -> tuple[str, str]:
    """record_files' order: top-level entries by name, the files of a kind's folder by name."""
    folder = os.path.dirname(os.path.normpath(str(path)))
    return (path.name, "") if folder == root else (os.path.basename(folder), path.name)
