"""Under `serve --dirty` the search index follows every edit, as a fresh build would write it.

The rebuilds are MkDocs' own (load the config, build dirty), run in this process as `mkdocs serve
--dirty` runs them, so the search plugin keeps its state from one rebuild to the next.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402

import evidence_site.load.stamps as stamps  # noqa: E402
import evidence_site.serve.session as session_module  # noqa: E402
from evidence_site.export.search_index import merge_entries  # noqa: E402

INDEX = "search/search_index.json"


def test_merged_entries_drop_every_rebuilt_pages_old_sections():
    previous = [{"location": "a/", "text": "old a"}, {"location": "a/#s", "text": "old a section"},
                {"location": "b/", "text": "b"}, {"location": "c/#t", "text": "old c section"}]
    rebuilt = [{"location": "a/", "text": "new a"}, {"location": "c/", "text": "new c"}]
    assert merge_entries(previous, rebuilt) == [{"location": "b/", "text": "b"}, *rebuilt]
    assert merge_entries(previous, []) == previous


def _entries(site: Path) -> Counter:
    docs = json.loads((site / INDEX).read_text(encoding="utf-8"))["docs"]
    return Counter(json.dumps(doc, sort_keys=True) for doc in docs)


@pytest.fixture
def dirty_serve(tmp_path, monkeypatch):
    """(project, site folder, rebuild) of a `serve --dirty` process on a small synthetic project;
    rebuild() is one of its rebuilds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setattr(stamps, "RACY_NS", -1)  # the test edits files within the 2 s a real cache waits
    monkeypatch.setattr(session_module, "CATCH_UP_DELAY", 3600)  # the test asks for the catch-up itself
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", str(tmp_path / "cache"))
    project = synth.generate(tmp_path / "p", 12)
    site = tmp_path / "served"

    def rebuild():
        build(load_config(config_file=str(project.config), site_dir=str(site), strict=False), dirty=True)

    config = load_config(config_file=str(project.config), site_dir=str(site), strict=False)
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        yield project, site, rebuild
    finally:
        config.plugins.on_shutdown()


def test_a_fast_rebuild_leaves_the_index_to_the_catch_up_which_writes_what_a_fresh_build_does(dirty_serve, tmp_path):
    project, site, rebuild = dirty_serve
    rebuild()
    first = (site / INDEX).read_text(encoding="utf-8")
    study = project.study_file(3)
    text = study.read_text(encoding="utf-8")  # the title: overviews and the study's agent and topic pages show it
    study.write_text(text.replace("title: Synthetic study 0003", "title: Synthetic study 0003 Findable", 1), encoding="utf-8")
    rebuild()  # fast: the edited page only
    assert "Findable" in (site / project.study_url(3).strip("/") / "index.html").read_text(encoding="utf-8")
    assert (site / INDEX).read_text(encoding="utf-8") == first  # not written again
    rebuild()  # the catch-up: overviews, exports and the index
    served = _entries(site)
    assert any("Findable" in entry for entry in served)

    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project.config), "-d", str(fresh)],
                   check=True, cwd=project.root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert served == _entries(fresh)  # every page's entries once, none stale
