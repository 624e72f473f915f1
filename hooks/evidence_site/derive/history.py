"""What changed: records by review date, and by their last commit where git history exists."""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase

MAX_ENTRIES = 300
MAX_SUBJECT = 200


@dataclass(frozen=True, order=True)
class Change:
    date: dt.date
    kind: str
    key: str
    what: str


def git_history(evidence_dir: Path) -> dict[str, tuple[dt.date, str]]:
    """file (relative to the project root) → (date, subject) of its latest commit; {} without git."""
    return read_history(evidence_dir)[0]


def read_history(evidence_dir: Path) -> tuple[dict[str, tuple[dt.date, str]], list[EvidenceError]]:
    """The latest commit of each record file, and a warning for each commit that cannot be used.

    Commit metadata comes from pull requests like everything else: a subject may hold control
    characters or the separators a parser would split on, a date may be in the year 10000, a
    commit may declare an encoding nobody knows. So git's output is read as bytes between a
    marker made for this run, decoded leniently, and a commit whose date cannot be read is
    skipped with a warning instead of stopping the build.
    """
    root = evidence_dir.resolve().parent
    marker = secrets.token_hex(16).encode()
    try:
        out = subprocess.run(["git", "-c", "core.quotepath=off", "log", "-z", "--date=short",
                              f"--format={marker.decode()}%H%x00%ad%x00%s%x00", "--name-only", "--", evidence_dir.name],
                             cwd=root, capture_output=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}, []
    latest: dict[str, tuple[dt.date, str]] = {}
    warnings = []
    for commit in out.split(marker)[1:]:
        sha, _, rest = commit.partition(b"\0")
        raw_date, _, rest = rest.partition(b"\0")
        raw_subject, _, names = rest.partition(b"\0")
        files = [os.fsdecode(name.strip(b"\n")) for name in names.split(b"\0") if name.strip(b"\n")]
        date = _date(raw_date.decode("ascii", "replace"))
        if date is None:
            if files:
                warnings.append(EvidenceError(files[0], 1, "history", f"commit {sha.decode('ascii', 'replace')[:12]} has "
                                              f"an unreadable date '{raw_date.decode('ascii', 'replace')[:20]}'",
                                              "it is left out of What changed", warning=True))
            continue
        for name in files:
            latest.setdefault(name, (date, _subject(raw_subject)))
    return latest, warnings


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _subject(raw: bytes) -> str:
    """A commit subject as plain one-line text, whatever bytes or encoding the commit has."""
    text = raw.decode("utf-8", "replace")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_SUBJECT else text[: MAX_SUBJECT - 1] + "\u2026"


def changes(base: EvidenceBase, history: dict[str, tuple[dt.date, str]]) -> list[Change]:
    """Newest first: review dates and last commits of every record."""
    out = set()
    for (kind, key), origin in base.origins.items():
        reviewed = getattr(origin.record, "reviewed", None)
        if reviewed:
            out.add(Change(reviewed, kind, key, "Reviewed against its sources"))
        if origin.file in history:
            date, subject = history[origin.file]
            out.add(Change(date, kind, key, f"Changed: {subject}"))
    return sorted(out, key=lambda c: (-c.date.toordinal(), c.kind, c.key, c.what))[:MAX_ENTRIES]

