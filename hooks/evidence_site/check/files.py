"""The docs folder as the build will publish it: only regular files and folders of the repository.

MkDocs copies every file under docs_dir into the site and follows symbolic links while it does,
so a pull request adding `content/assets/env.txt -> /proc/self/environ` would publish the
build's environment (in a deploy job, its tokens), and `-> ../../.git/config` the repository's
configuration. A FIFO would hang the build, a folder named `x.md` or a page that is not UTF-8
would crash it. The whole tree is walked without following links before MkDocs reads anything,
and each such entry is refused with one line naming it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.load.yaml_file import utf8_text

MAX_PAGE_BYTES = 1_000_000


def folder_itself(folder: Path, shown: str) -> list[EvidenceError]:
    """The evidence or docs folder must be a real folder, not a link to somewhere else."""
    if folder.is_symlink():
        return [EvidenceError(shown, 1, "", "symbolic links are not allowed", "commit the folder itself")]
    return []


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a regular file"


def tree_problems(docs_dir: Path, shown: str) -> list[EvidenceError]:
    """Every entry under docs_dir the build must not read or publish, one error each."""
    errors = folder_itself(docs_dir, shown)
    if errors or not docs_dir.is_dir():
        return errors
    for folder, dirs, files in os.walk(docs_dir, followlinks=False):
        rel = Path(folder).relative_to(docs_dir)
        for name in sorted(dirs + files):
            path = Path(folder, name)
            show = f"{shown}/{(rel / name).as_posix()}"
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                errors.append(EvidenceError(show, 1, "", "symbolic links are not allowed",
                                            "commit the file itself; a link could publish any file of the machine"))
            elif stat.S_ISDIR(info.st_mode) and name.endswith(".md"):
                errors.append(EvidenceError(show, 1, "", "a folder named like a page", "rename the folder"))
            elif not stat.S_ISDIR(info.st_mode) and not stat.S_ISREG(info.st_mode):
                errors.append(EvidenceError(show, 1, "", f"{_kind(info.st_mode)} is not allowed",
                                            "commit regular files only"))
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
    return errors


def read_page(path: Path, show: str) -> str:
    """A hand-written page's text: UTF-8, without a byte-order mark, no larger than the limit."""
    raw = path.read_bytes()[: MAX_PAGE_BYTES + 1]
    if len(raw) > MAX_PAGE_BYTES:
        raise EvidenceError(show, 1, "", f"page is more than {MAX_PAGE_BYTES:,} bytes", "split it")
    return utf8_text(raw, show, "page").removeprefix("\ufeff")


def docs_pages(docs_dir: Path | None, shown: str) -> dict[str, str]:
    """page path → Markdown of every hand-written page; EvidenceCheckFailed naming each unsafe
    or unreadable entry of the docs folder."""
    if docs_dir is None or not (docs_dir.is_dir() or docs_dir.is_symlink()):
        return {}
    errors = tree_problems(docs_dir, shown)
    if errors:
        raise EvidenceCheckFailed(errors)
    pages = {}
    for folder, dirs, files in os.walk(docs_dir, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                path = Path(folder, name)
                rel = path.relative_to(docs_dir).as_posix()
                try:
                    pages[rel] = read_page(path, f"{shown}/{rel}")
                except EvidenceError as err:
                    errors.append(err)
    if errors:
        raise EvidenceCheckFailed(errors)
    return dict(sorted(pages.items()))
