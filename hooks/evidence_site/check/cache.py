"""Check results kept on disk between runs: records that have not changed are not checked again.

The cross-record checks of 10,000 studies take over a second, and a second `mkdocs build` or
`evidence-site check` of the same records finds the same problems. A result is kept under a
fingerprint of everything the checks read: the text of every record file (by the digest its load
took), its kind and the name it is shown by, and the code that checks (every module of the
package, the Python and library versions). Any change to any of them is a new fingerprint, so
a kept result is only ever used for the same input, by the same code. Records that failed to load
are never kept: their errors are found again every time.

The file lives where the record cache does (load/parse_cache.py: outside the repository, read
with an unpickler that builds plain values only, written atomically) and keeps the results of
the last few fingerprints (a few projects or branches). Like that cache it is an optimisation,
never a source of truth: a file that cannot be read or written is ignored.
"""
from __future__ import annotations

import hashlib
import io
import pickle
import sys
from pathlib import Path
from typing import Callable

import pydantic
import yaml

from evidence_site.errors import EvidenceError
from evidence_site.load.parse_cache import Unpickler, cache_dir, write_cache_file
from evidence_site.records.evidence_base import EvidenceBase

_FORMAT = 1
KEPT = 4  # fingerprints whose results the file keeps
_FIELDS = ("file", "line", "field", "message", "hint", "warning")


def _code_version() -> bytes:
    """Changes whenever any code of the package could check differently."""
    digest = hashlib.blake2b(f"{_FORMAT} {sys.version} {pydantic.VERSION} {yaml.__version__}".encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def fingerprint(base: EvidenceBase) -> bytes | None:
    """The fingerprint of the base's records and the checking code, or None when a record was
    loaded without the digest of its text (nothing can then be said to be unchanged)."""
    digest = hashlib.blake2b(_code_version(), digest_size=16)
    for origin in base.origins.values():
        if not origin.digest:
            return None
        digest.update(f"{origin.kind}\0{origin.file}\0".encode() + origin.digest)
    return digest.digest()


def checked(base: EvidenceBase, failed_to_load: bool, check: Callable[[], list[EvidenceError]],
            folder: Path | None = None) -> list[EvidenceError]:
    """check(), or the problems it gave for the same fingerprint in an earlier run."""
    folder = folder if folder is not None else cache_dir()
    key = fingerprint(base) if folder is not None and not failed_to_load else None
    if key is None:
        return check()
    file = folder / "checks.pickle"
    kept = _read(file)
    if key in kept:
        return [EvidenceError(*fields) for fields in kept[key]]
    problems = check()
    kept = dict(list(kept.items())[-(KEPT - 1):])  # the newest others (key is not among them)
    kept[key] = [tuple(getattr(p, name) for name in _FIELDS) for p in problems]
    write_cache_file(file, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return problems


def _read(file: Path) -> dict[bytes, list[tuple]]:
    try:
        with open(file, "rb") as f:
            kept = Unpickler(io.BytesIO(f.read())).load()
    except Exception:  # missing, truncated or not ours: nothing kept
        return {}
    if not isinstance(kept, dict):
        return {}
    return {k: v for k, v in kept.items() if isinstance(k, bytes) and _problems(v)}


def _problems(value: object) -> bool:
    """A list of problems as this module writes them (anything else in the file is ignored)."""
    return isinstance(value, list) and all(_one_problem(p) for p in value)


def _one_problem(p: object) -> bool:
    return (isinstance(p, tuple) and len(p) == len(_FIELDS) and isinstance(p[1], int) and isinstance(p[5], bool)
            and all(isinstance(x, str) for x in (p[0], p[2], p[3], p[4])))
