"""Publish a build all at once, so a failed build never leaves a half-written site.

MkDocs empties site/ early and writes page by page; a strict-mode warning aborts the build only
after every file is written, and an error in a page event stops it half-way. Either way the
folder that a web server or a deploy step reads would hold a site that failed its checks. So the
build writes to a staging folder beside site/ and replaces site/ only when it succeeded: a failed
build leaves the previous site exactly as it was, or no site at all.

Plain Python (no MkDocs): the hook calls staging_dir() before the build, publish() after it
succeeded and discard() after it failed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

_BUILDING = ".building-"
STALE_AFTER = 6 * 3600  # seconds
_OLD = ".old-"


def _prefix(site_dir: Path, kind: str) -> str:
    return f".{site_dir.name}{kind}"


def staging_dir(site_dir: Path) -> Path:
    """A new empty folder beside site_dir (same file system, so publishing is a rename)."""
    site_dir = Path(site_dir).absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in site_dir.parent.glob(_prefix(site_dir, _BUILDING) + "*"):  # left by a killed build
        if time.time() - stale.stat().st_mtime > STALE_AFTER:  # not one a parallel build is writing
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=_prefix(site_dir, _BUILDING), dir=site_dir.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a published site must be readable
    return staging


def publish(staging: Path, site_dir: Path) -> None:
    """Put the finished build in place of site_dir, keeping site_dir's hidden entries (.git, ...)
    as MkDocs does when it cleans the folder."""
    staging, site_dir = Path(staging), Path(site_dir).absolute()
    if site_dir.is_symlink():
        _copy_into(staging, site_dir)
        return
    old = None
    if site_dir.exists():
        for entry in site_dir.iterdir():
            if entry.name.startswith(".") and not (staging / entry.name).exists():
                entry.rename(staging / entry.name)
        old = Path(tempfile.mkdtemp(prefix=_prefix(site_dir, _OLD), dir=site_dir.parent))
        old.rmdir()
        try:
            site_dir.rename(old)
        except OSError:  # a mount point or a folder another process holds: copy instead
            _copy_into(staging, site_dir)
            return
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _copy_into(staging: Path, site_dir: Path) -> None:
    """Fallback when site_dir cannot be renamed (a symlink to a web root, a mount point)."""
    target = site_dir.resolve()
    for entry in target.iterdir() if target.is_dir() else ():
        if not entry.name.startswith("."):
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    shutil.copytree(staging, target, dirs_exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
