"""Parsed records kept on disk between runs: a second build does not parse unchanged files again.

Parsing is most of the cost of loading evidence/ (about 5 s for the 24,000 records of 10,000
studies, 0.2 ms a record, even with libyaml). A file whose text was parsed before, by the same
code, gives the same values, so the cache stores them by a hash of the text
and the record kind. Validation still runs on every build: only the parse is skipped, and only
for files that parsed without error (a bad file is parsed, and its error reported, every time).
A file that loaded without error is not even read again while its identity on disk (stamps.py:
modification and change time, size, inode) stays what it was when it was read; opening, reading,
decoding and hashing 24,000 files took a second of a cached load.
The cross-record checks keep their results in a file of their own beside this one, by a
fingerprint of every record's text and the code (check/cache.py).

Where: $EVIDENCE_SITE_CACHE if set (`off` turns the cache off), else $XDG_CACHE_HOME or
~/.cache, under evidence-site/. Never inside the repository: a pull request could otherwise
commit a crafted cache file. Read with an unpickler that can construct nothing but plain values
and dates. One file per evidence folder and code version, written atomically, rewritten only
when something changed. The cache is an optimisation, never a source of truth: a cache that
cannot be read or written is ignored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

import evidence_site.load.loader as loader
from evidence_site.errors import EvidenceError
from evidence_site.load.loader import Loaded, Reading, load_file, load_parsed, parse_text
from evidence_site.load.stamps import Stamp, settled, stamp

_FORMAT = 3  # 2: values only; line maps are made for files with problems (load/lines.py); 3: file stamps
Parsed = dict[str, Any]
Known = tuple[str, Stamp, bytes, bytes]  # a file that loaded: (kind, stamp before reading, parse key, digest)


def cache_dir() -> Path | None:
    """The folder for cache files, or None when the cache is turned off."""
    chosen = os.environ.get("EVIDENCE_SITE_CACHE", "")
    if chosen.lower() in ("off", "0", "false", "no"):
        return None
    if chosen:
        return Path(chosen)
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "evidence-site"


def write_cache_file(file: Path, data: bytes, others: str = "") -> bool:
    """Write a cache file atomically (a reader sees the old file or the new one, never a part),
    after removing the files of its folder that match the glob others (what other code versions
    wrote). False when it could not be written: a cache only costs time when it is missing."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        for stale in file.parent.glob(others) if others else ():
            if stale != file:
                stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, file)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        return False
    return True


# The modules whose code decides what a file parses to (loader.parse_text and what it calls).
_PARSING_CODE = ("load/parse_cache.py", "load/loader.py", "load/yaml_file.py", "load/fast_yaml.py", "load/todo.py",
                 "load/lines.py", "load/stamps.py")


def _code_version() -> str:
    """Changes whenever the code that parses could give a different result."""
    digest = hashlib.blake2b(f"{_FORMAT} {sys.version} {yaml.__version__}".encode(), digest_size=8)
    for name in _PARSING_CODE:
        digest.update((Path(__file__).parent.parent / name).read_bytes())
    return digest.hexdigest()


class Unpickler(pickle.Unpickler):
    """Builds dicts, lists, tuples, strings, numbers and dates; refuses every other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the record cache")


class DiskCache:
    """The parse results of one evidence folder, read once, written back when they changed."""

    def __init__(self, evidence_dir: Path, folder: Path | None = None) -> None:
        folder = folder if folder is not None else cache_dir()
        self.file: Path | None = None
        self._old: dict[bytes, Parsed] = {}
        self._used: dict[bytes, Parsed] = {}
        self._known: dict[str, Known] = {}  # by path, from the cache file
        self._seen: dict[str, Known] = {}   # what this run would keep
        self._parsed: bytes | None = None   # the key of the last parse
        self.hits = self.misses = self.unread = 0
        if folder is None:
            return
        place = hashlib.blake2b(str(Path(evidence_dir).resolve()).encode(), digest_size=8).hexdigest()
        self._prefix = f"records-{place}-"
        self.file = folder / f"{self._prefix}{_code_version()}.pickle"
        try:
            with open(self.file, "rb") as f:
                old = Unpickler(io.BytesIO(f.read())).load()
            if _well_formed(old):
                self._old, self._known = old["parsed"], old["files"]
        except Exception:  # missing, truncated, from another version or not ours: start empty
            self._old, self._known = {}, {}

    def parse(self, text: str, kind: str, shown: str) -> Parsed:
        """loader.parse_text, from the cache when this text was parsed before."""
        key = self._parsed = hashlib.blake2b(kind.encode() + b"\0" + text.encode(), digest_size=16).digest()
        hit = self._old.get(key) or self._used.get(key)
        if hit is None:
            self.misses += 1
            hit = parse_text(text, shown)  # raises for a bad file: nothing is stored
        else:
            self.hits += 1
        self._used[key] = hit
        return hit

    def load(self, kind: str, path: Path, reading: Reading | None = None) -> Loaded:
        """loader.load_file with the parse taken from the cache where possible, and without
        reading a file whose stamp is the one it had when it last loaded without error."""
        return self.load_stamped(kind, path, reading, stamp(path))

    def load_stamped(self, kind: str, path: Path, reading: Reading | None, seen: Stamp | None) -> Loaded:
        """load() for a caller that has just taken the file's stamp (stamps.stamp) itself."""
        reading = reading or Reading(Path.cwd())
        name = os.fspath(path)
        known = self._known.get(name)
        values = self._old.get(known[2]) if seen is not None and known is not None and known[:2] == (kind, seen) else None
        if values is not None:
            self.hits += 1
            self.unread += 1
            self._used[known[2]] = values
            self._seen[name] = known
            return load_parsed(kind, path, reading, values, known[3])
        started, self._parsed = time.time_ns(), None
        loaded = load_file(kind, path, reading, parse=lambda text, shown: self.parse(text, kind, shown))
        if seen is not None and self._parsed is not None and settled(seen, started):
            self._seen[name] = (kind, seen, self._parsed, loaded.digest)  # the stamp from before the read
        return loaded

    def save(self) -> None:
        """Write what this run used, if it differs from what was read (atomically; errors ignored)."""
        if self.file is None or (self._used.keys() == self._old.keys() and self._seen == self._known):
            return
        data = pickle.dumps({"parsed": self._used, "files": self._seen}, protocol=pickle.HIGHEST_PROTOCOL)
        write_cache_file(self.file, data, f"{self._prefix}*.pickle")
        self._old, self._known = self._used, self._seen
        self._used, self._seen = {}, {}


def _well_formed(old: Any) -> bool:
    """A cache file's content has the shape this code writes (a file from elsewhere is ignored)."""
    if not (isinstance(old, dict) and isinstance(old.get("parsed"), dict) and isinstance(old.get("files"), dict)):
        return False
    return all(isinstance(v, dict) for v in old["parsed"].values()) and all(
        isinstance(k, str) and isinstance(v, tuple) and len(v) == 4 and isinstance(v[1], tuple) for k, v in old["files"].items())


def load_all(evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
    """loader.load_all, parsing only files whose text this cache has not seen; then saves it."""
    cache = DiskCache(evidence_dir)
    try:
        return loader.load_all(evidence_dir, load=cache.load)
    finally:
        cache.save()
