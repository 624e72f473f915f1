"""Shared fixtures and helpers for every room of site_tests/ (load/, check/, ..., browser/, real_site/):
the core on sys.path, the build environment, a small site built in a temporary folder, the
editors' command, a free port, and the browser fixtures (loaded as a plugin from browser_support)."""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Builds keep parsed records in a cache (diskcache.py); tests, and the builds they start, use one
# of their own that starts empty, so a run never depends on what an earlier one left behind.
os.environ["EVIDENCE_SITE_CACHE"] = tempfile.mkdtemp(prefix="evidence-site-test-cache-")
atexit.register(shutil.rmtree, os.environ["EVIDENCE_SITE_CACHE"], True)
sys.path.insert(0, str(ROOT / "hooks"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = Path(__file__).resolve().parent / "hostile"
# Every build and command a test starts: no MkDocs 2 notice, reproducible dates.
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
pytest_plugins = ["browser_support"]  # the browser, served sites and axe-core, for browser/ tests


def run_cli(project: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """`python -m evidence_site ARGS` in project, as an editor runs it."""
    env = {**BUILD_ENV, "PYTHONPATH": str(ROOT / "hooks")}
    return subprocess.run([sys.executable, "-m", "evidence_site", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_build_fails_with(site: "FixtureSite", *lines: str) -> subprocess.CompletedProcess:
    """A strict build of site fails, prints each line, shows no traceback and leaves no site/."""
    result = site.build()
    assert result.returncode != 0, result.stderr
    for line in lines:
        assert line in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not (site.root / "site").exists(), "a failed build must not leave a site behind"
    return result

CONFIG = """site_name: Fixture site
site_url: https://example.org/
repo_url: https://github.com/example/fixture
edit_uri: edit/main/content/
docs_dir: content
strict: true
theme:
  name: material
  custom_dir: {root}/hooks/theme
  font: false
  features: [content.action.edit]
hooks:
  - {root}/hooks/mkdocs_hook.py
plugins:
  - search
  - tags
extra_css: [assets/site.css]
extra_javascript: [assets/sortable.js]
markdown_extensions: [abbr, admonition, attr_list, md_in_html, tables, toc]
validation:
  omitted_files: info
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
not_in_nav: |
  /studies/*.md
  /sources/*.md
  /topics/*.md
  /agents/*.md
  /comparisons/*.md
nav:
  - Home: index.md
  - Topics: topics/index.md
  - Compare: comparisons/index.md
  - Checker: checker/index.md
  - Figures: figures/index.md
  - Map: evidence-map/index.md
  - Claims: claims/index.md
  - Agents: agents/index.md
  - Studies: studies/index.md
  - Methods: methods.md
  - Tags: tags.md
"""


class FixtureSite:
    """A copy of a fixture project in a temporary folder that tests may edit and build."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def build(self) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(self.root / "mkdocs.yml")],
                              cwd=self.root, env=BUILD_ENV, capture_output=True, text=True, timeout=300)

    def remove_threshold_sets(self) -> None:
        """The fixture without its threshold sets and the guideline sources only they cite."""
        shutil.rmtree(self.root / "evidence/thresholds")
        for name in ("guideline-a", "guideline-b", "guideline-c"):
            (self.root / f"evidence/sources/{name}.yaml").unlink()

    def html(self, rel: str) -> str:
        return (self.root / "site" / rel).read_text(encoding="utf-8")


@pytest.fixture
def mini_site(tmp_path: Path) -> FixtureSite:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copytree(ROOT / "content" / "assets", root / "content" / "assets")  # the site's own CSS and scripts
    (root / "mkdocs.yml").write_text(CONFIG.format(root=ROOT), encoding="utf-8")
    return FixtureSite(root)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The repository's own site, built once per test session into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "site"
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
                            cwd=ROOT, env=BUILD_ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out
