"""What changed: records by review date, and by their last commit where git history exists."""
from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from evidence_site.records.evidence_base import EvidenceBase

MAX_ENTRIES = 300


@dataclass(frozen=True, order=True)
class Change:
    date: dt.date
    kind: str
    key: str
    what: str


def git_history(evidence_dir: Path) -> dict[str, tuple[dt.date, str]]:
    """file (relative to the project root) → (date, subject) of its latest commit; {} without git."""
    root = evidence_dir.resolve().parent
    try:
        out = subprocess.run(["git", "log", "--date=short", "--format=\x1e%ad\x1f%s", "--name-only", "--", evidence_dir.name],
                             cwd=root, capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    latest: dict[str, tuple[dt.date, str]] = {}
    for commit in out.split("\x1e")[1:]:
        head, _, files = commit.partition("\n")
        date, _, subject = head.partition("\x1f")
        for name in files.split():
            latest.setdefault(name, (dt.date.fromisoformat(date), subject.strip()))
    return latest


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

