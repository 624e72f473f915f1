"""Rows and cells of the overview pages kept between rebuilds under `serve` (Renderer.piece).

A catch-up rebuild after one edit renders the agent pages, the evidence map, the studies
index and the figures page again, each a table of every study; their rows, and the entries of
their reference lists, are taken from the previous render while nothing they read changed. These tests check that such a page still equals a full render after
the edits that move a row's inputs in every way: the study itself, its trial's sibling, the
source it cites (which renumbers every later citation on the page), and the outcome it measured.
"""
from __future__ import annotations

import re
import sys
from dataclasses import replace

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402

import evidence_site.load.stamps as stamps  # noqa: E402
import evidence_site.pipeline as site  # noqa: E402
from evidence_site.records.memo import Memo  # noqa: E402
from evidence_site.render.renderer import render_site  # noqa: E402
from evidence_site.serve.session import ServeSession  # noqa: E402

OVERVIEWS = ["agents/synthetic-agent-a.md", "agents/synthetic-agent-b.md", "evidence-map/index.md", "studies/index.md",
             "figures/index.md"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "RACY_NS", -1)  # trust file stamps at once: the tests edit within 2 s
    return synth.generate(tmp_path / "p", 20)


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, re.M), (path, old)
    path.write_text(re.sub(old, new, text, flags=re.M), encoding="utf-8")


def _stale_after(project, serve: ServeSession) -> list[str]:
    built = site.build(project.evidence, session=serve)
    full = render_site(replace(built.base, memo=Memo()))  # reuses nothing the session kept
    assert built.pages.keys() == full.keys()
    return [src for src in full if built.pages[src].markdown != full[src].markdown]


EDITS = [  # (study number, pattern, replacement)
    (1, r"^title: .*$", "title: Renamed first study"),  # the study's own row
    (1, r"^source: synthetic-paper-0001$", "source: synthetic-paper-0020"),  # renumbers later citations
    (1, r"\bdisability\b", "bone-density"),  # moves to another column of the map
    (3, r"^n_initial: \d+$", "n_initial: 99999"),  # its trial's participants
]


@pytest.mark.parametrize("number, old, new", EDITS)
def test_overview_pages_equal_a_full_render_after_an_edit_with_their_rows_kept(project, number, old, new):
    serve = ServeSession()
    built = site.build(project.evidence, session=serve)
    assert set(OVERVIEWS) <= built.pages.keys()
    path = project.study_file(number)
    before = path.read_text(encoding="utf-8")
    _edit(path, old, new)
    assert _stale_after(project, serve) == []
    assert serve.renders.pieces_reused > 0  # the other rows were taken from the previous render
    path.write_text(before, encoding="utf-8")
    assert _stale_after(project, serve) == []  # and back


SOURCE_EDITS = [  # (pattern, replacement) in the source of the first study
    (r"^year: \d+$", "year: 2031"),  # moves its row of the timeline table
    (r"^title: .*$", "title: A retitled paper"),  # its entry in every reference list that cites it
]


@pytest.mark.parametrize("old, new", SOURCE_EDITS)
def test_pages_equal_a_full_render_after_a_source_changes_with_rows_and_references_kept(project, old, new):
    serve = ServeSession()
    site.build(project.evidence, session=serve)
    path = project.evidence / "sources" / "synthetic-paper-0001.yaml"
    before = path.read_text(encoding="utf-8")
    _edit(path, old, new)
    assert _stale_after(project, serve) == []
    assert serve.renders.pieces_reused > 0
    path.write_text(before, encoding="utf-8")
    assert _stale_after(project, serve) == []


def test_a_row_of_a_trial_changes_when_a_sibling_paper_changes_it(project):
    """An agent page's row shows its trial's participants, resolved from all the trial's papers:
    editing another paper of the trial changes the row, though the row's own study did not change."""
    trials: dict[str, list[int]] = {}
    for n in range(1, 21):
        key = re.search(r"^trial: (\S+)$", project.study_file(n).read_text(encoding="utf-8"), re.M)
        if key:
            trials.setdefault(key.group(1), []).append(n)
    papers = next(p for p in trials.values() if len(p) > 1)
    serve = ServeSession()
    site.build(project.evidence, session=serve)
    _edit(project.study_file(papers[1]), r"^n_initial: \d+$", "n_initial: 99999")
    assert _stale_after(project, serve) == []
    assert serve.renders.pieces_reused > 0
