#!/usr/bin/env python3
"""Project commands that work on a fresh machine with only python3.

    python3 tasks.py build   # install what is needed into .venv, then build the site into site/
    python3 tasks.py test    # install what is needed, then run every test
    python3 tasks.py serve   # live preview at http://127.0.0.1:8000/<site_url path>/ (printed at start)
    python3 tasks.py check   # validate the evidence records only (fast)
    python3 tasks.py lighthouse [PAGE ...]   # Lighthouse scores of built pages (a report, not a test)

Each command first makes .venv from requirements.lock (only when the lock file changed).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
LOCKS = [ROOT / "requirements.lock", ROOT / "pyproject.toml"]
ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600")}


def run(*cmd: object, cwd: Path = ROOT, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=cwd, env=ENV, **kw)
    if code:
        sys.exit(code)


def ensure_venv() -> None:
    """Create or update .venv from the pinned requirements when they changed."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in LOCKS)).hexdigest()
    stamp = VENV / ".installed"
    if stamp.exists() and stamp.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.lock")
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", ".")
    stamp.write_text(digest)


# Programs from outside Python, and the Debian package that provides each: the browser tests
# (and Lighthouse) drive chromium; the HTML checker (vnu.jar) runs on Java.
PROGRAMS = {"chromium": "chromium", "java": "default-jre-headless"}


def ensure_programs(*programs: str) -> None:
    """Install missing programs when we can (root with apt), else their tests say why they skip."""
    missing = [PROGRAMS[program] for program in programs if not shutil.which(program)]
    if not missing or os.environ.get("SKIP_BROWSER_INSTALL"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        quiet = {"stdout": subprocess.DEVNULL}
        os.makedirs("/usr/share/man/man1", exist_ok=True)  # openjdk's postinst fails without it on slim images
        run("apt-get", "update", "-qq", **quiet)
        run("apt-get", "install", "-y", "-qq", *missing, **quiet)


def ensure_chromium() -> None:
    ensure_programs("chromium")


def ensure_node_modules(folder: Path = ROOT) -> None:
    """npm packages from folder's package-lock.json (`npm ci`) when it changed: axe-core for the
    accessibility tests at the root, Lighthouse under tools/lighthouse."""
    lock = folder / "package-lock.json"
    stamp = folder / "node_modules" / ".installed"
    if not lock.exists():
        return
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: the accessibility tests will say why they cannot run", file=sys.stderr)
        return
    run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", cwd=folder)
    stamp.write_text(digest)


def preview_url(address: str = "127.0.0.1:8000") -> str:
    """Where `serve` puts the site: ProperDocs (like MkDocs) serves it under the path of site_url (/vitamin-d-ms/)."""
    import re
    from urllib.parse import urlsplit

    found = re.search(r"(?m)^site_url:\s*['\"]?([^'\"\s#]+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    path = urlsplit(found.group(1)).path if found else "/"
    return f"http://{address}{path if path.endswith('/') else path + '/'}"


def serve(args: list[str]) -> None:
    """properdocs serve in place of this process (exec): stopping `tasks.py serve` (Ctrl-C, kill)
    stops the server itself, and no child is left holding the port."""
    address = next((a.split("=", 1)[1] for a in args if a.startswith(("--dev-addr=", "-a="))), None)
    for flag in ("-a", "--dev-addr"):
        if flag in args[:-1]:
            address = args[args.index(flag) + 1]
    print(f"Preview at {preview_url(address or '127.0.0.1:8000')} (a study: .../studies/<id>/)", flush=True)
    cmd = [str(BIN / "properdocs"), "serve", "-f", "mkdocs.yml", *args]
    print("+", " ".join(cmd), flush=True)
    if os.name == "nt":  # no exec on Windows: wait for the child, which Ctrl-C reaches too
        sys.exit(subprocess.call(cmd, cwd=ROOT, env=ENV))
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, ENV)


def parallel(args: list[str]) -> list[str]:
    """pytest-xdist over every core (`-n auto`) unless the caller chose: `-n 0` runs in one process,
    which is what a debugger or `-x` on one failing test wants."""
    chosen = any(a in ("-n", "--numprocesses", "-p") or a.startswith(("-n", "--numprocesses=")) for a in args)
    return [] if chosen else ["-n", "auto"]


def main(argv: list[str]) -> None:
    command = argv[0] if argv else "help"
    if command not in {"build", "test", "serve", "check", "lighthouse"}:
        print(__doc__)
        sys.exit(0 if command in {"help", "-h", "--help"} else 2)
    ensure_venv()
    if command == "build":
        run(BIN / "properdocs", "build", "--strict", "-f", "mkdocs.yml", *argv[1:])  # ProperDocs reads mkdocs.yml
    elif command == "serve":
        serve(argv[1:])
    elif command == "check":
        run(BIN / "evidence-site", "check", *argv[1:])
    elif command == "lighthouse":
        ensure_chromium()
        ensure_node_modules(ROOT / "tools" / "lighthouse")
        run(PY, ROOT / "tools" / "lighthouse.py", *argv[1:])
    else:
        ensure_programs("chromium", "java")
        ensure_node_modules()
        run(PY, "-m", "pytest", *parallel(argv[1:]), *argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
