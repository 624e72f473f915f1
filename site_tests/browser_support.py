"""Browser test support: Debian's chromium through Playwright, sites served on 127.0.0.1, axe-core.

Import the fixtures into a test module (`from browser_support import browser, ...`). Without
chromium, Playwright or axe-core the tests skip locally with the reason, and fail when CI=true:
a CI run must never pass by skipping its browser tests. The browser is module-scoped so other
modules that drive Playwright never overlap with these.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import CONFIG, FIXTURES, ROOT, FixtureSite

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def need(ok: bool, reason: str) -> None:
    """Skip with the reason on a developer's machine; fail in CI, where a skip would hide a gap."""
    if ok:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    need(Path(CHROMIUM).exists(), f"Debian chromium not found at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright is not installed: run python3 tasks.py test")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


class Served:
    """A folder served over HTTP on a free loopback port, until stop()."""

    def __init__(self, directory: Path):
        self.directory = directory
        handler = functools.partial(_Quiet, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def real_server(real_site):
    served = Served(real_site)
    yield served
    served.stop()


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> FixtureSite:
    """The fixture site with the site's own assets, built once for the browser tests."""
    root = tmp_path_factory.mktemp("mini-browser") / "project"
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copytree(ROOT / "content" / "assets", root / "content" / "assets")
    (root / "mkdocs.yml").write_text(CONFIG.format(root=ROOT), encoding="utf-8")
    site = FixtureSite(root)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def mini_server(mini_built):
    served = Served(mini_built.root / "site")
    yield served
    served.stop()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as loaded (every rule axe runs by default)."""
    need(AXE.exists(), f"{AXE} is missing: run `npm ci` (python3 tasks.py test does)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {' '.join(n['target'])}: {n['failureSummary'].splitlines()[-1].strip()}" for n in v["nodes"][:5]]
    return "\n".join(lines)
