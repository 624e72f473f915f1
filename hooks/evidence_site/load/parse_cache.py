"""Parsed records kept on disk between runs: a second build does not parse unchanged files again.

Parsing is most of the cost of loading evidence/ (about 5 s for the 24,000 records of 10,000
studies, 0.2 ms a record, even with libyaml). A file whose text was parsed before, by the same
code, gives the same values, so the cache stores them by a hash of the text
and the record kind. Validation still runs on every build: only the parse is skipped, and only
for files that parsed without error (a bad file is parsed, and its error reported, every time).
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
from pathlib import Path
from typing import Any

import yaml

import evidence_site.load.loader as loader
from evidence_site.errors import EvidenceError
from evidence_site.load.loader import Loaded, Reading, load_file, parse_text

_FORMAT = 2  # 2: values only; line maps are made for files with problems (load/lines.py)
Parsed = dict[str, Any]


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
                 "load/lines.py")


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
        self.hits = self.misses = 0
        if folder is None:
            return
        place = hashlib.blake2b(str(Path(evidence_dir).resolve()).encode(), digest_size=8).hexdigest()
        self._prefix = f"records-{place}-"
        self.file = folder / f"{self._prefix}{_code_version()}.pickle"
        try:
            with open(self.file, "rb") as f:
                old = Unpickler(io.BytesIO(f.read())).load()
            if isinstance(old, dict):
                self._old = old
        except Exception:  # missing, truncated, from another version or not ours: start empty
            self._old = {}

    def parse(self, text: str, kind: str, shown: str) -> Parsed:
        """loader.parse_text, from the cache when this text was parsed before."""
        key = hashlib.blake2b(kind.encode() + b"\0" + text.encode(), digest_size=16).digest()
        hit = self._old.get(key) or self._used.get(key)
        if hit is None:
            self.misses += 1
            hit = parse_text(text, shown)  # raises for a bad file: nothing is stored
        else:
            self.hits += 1
        self._used[key] = hit
        return hit

    def load(self, kind: str, path: Path, reading: Reading | None = None) -> Loaded:
        """loader.load_file with the parse taken from the cache where possible."""
        return load_file(kind, path, reading, parse=lambda text, shown: self.parse(text, kind, shown))

    def save(self) -> None:
        """Write what this run used, if it differs from what was read (atomically; errors ignored)."""
        if self.file is None or self._used.keys() == self._old.keys():
            return
        write_cache_file(self.file, pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL), f"{self._prefix}*.pickle")
        self._old = self._used
        self._used = {}


def load_all(evidence_dir: Path) -> tuple[list[Loaded], list[EvidenceError]]:
    """loader.load_all, parsing only files whose text this cache has not seen; then saves it."""
    cache = DiskCache(evidence_dir)
    try:
        return loader.load_all(evidence_dir, load=cache.load)
    finally:
        cache.save()
