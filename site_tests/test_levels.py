"""The level rule on synthetic studies: every level, trials counted once, conflicting, missing PEDro."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from evidence_site.check.rules import check
from evidence_site.derive.levels import compute
from evidence_site.load.loader import load_all
from evidence_site.records.evidence_base import Loaded, assemble
from evidence_site.records.models import Source, Study, Topic

SCHEME_AND_OUTCOMES, _ = load_all(FIXTURES / "mini/evidence")
BASE_RECORDS = [item for item in SCHEME_AND_OUTCOMES if item.kind in ("schemes", "outcomes")]


def study(key: str, design: str = "rct", pedro: int | None = 8, trial: str | None = None,
          direction: str | None = "benefit", n: int = 50) -> Loaded:
    data = {"id": key, "source": key, "details_sources": [key], "design": design, "n_initial": n,
            "findings": [{"text": "A finding.", "sources": [key], "outcome": "bone-density", "direction": direction}]}
    if pedro is not None:
        data["pedro"] = {"score": pedro, "source": key}
    if trial:
        data["trial"] = trial
    return Loaded("studies", Study.model_validate(data), f"evidence/studies/{key}.yaml", {("pedro",): 7, ("n_initial",): 8})


def source(key: str) -> Loaded:
    return Loaded("sources", Source.model_validate({"id": key, "kind": "journal-article", "title": key,
                                                    "authors": [f"{key.title()} A"], "year": 2020,
                                                    "url": f"https://example.org/{key}"}), f"evidence/sources/{key}.yaml", {})


def level_of(*studies: Loaded, stated: str | None = None):
    keys = [s.record.id for s in studies]
    conclusion = {"id": "c", "statement": "S.", "plain": "P.", "sources": [keys[0]], "intervention": "X",
                  "outcome": "bone-density", "studies": keys}
    if stated:
        conclusion["stated_level"] = {"level": stated, "source": keys[0]}
    topic = Loaded("topics", Topic.model_validate({"id": "t", "title": "T", "conclusions": [conclusion]}),
                   "evidence/topics/t.yaml", {})
    base = assemble(BASE_RECORDS + list(studies) + [source(k) for k in keys] + [topic])
    return compute(base, base.topics["t"].conclusions[0]), base


@pytest.mark.parametrize("studies, expected", [
    ([study("a"), study("b")], "1a"),
    ([study("a")], "1b"),
    ([study("a", pedro=5)], "2"),
    ([study("a", design="cohort", pedro=None)], "2"),
    ([study("a", design="prospective-controlled", pedro=None)], "2"),
    ([study("a", design="case-control", pedro=None)], "3"),
    ([study("a", design="pre-post", pedro=None)], "4"),
    ([study("a", design="case-series", pedro=None)], "4"),
    ([study("a", design="cross-sectional", pedro=None)], "5"),
    ([study("a", design="case-report", pedro=None), study("b", design="cohort", pedro=None)], "2"),
])
def test_every_level(studies, expected):
    result, _ = level_of(*studies)
    assert result.level.id == expected


def test_papers_on_one_trial_count_once():
    result, _ = level_of(study("a", trial="t1"), study("b", trial="t1"), study("c", trial="t1"), stated="1a")
    assert result.level.id == "1b" and len(result.trials) == 1
    assert any("report one trial, t1, which counts once" in r for r in result.reasons)
    assert any(r.startswith("A 2020 states level 1a; computed 1b: A 2020, B 2020 and C 2020 report one trial, t1")
               for r in result.reasons), result.reasons


def test_a_second_independent_trial_makes_1a():
    one, _ = level_of(study("a", trial="t1"), study("b", trial="t1"))
    two, _ = level_of(study("a", trial="t1"), study("b", trial="t1"), study("c", trial="t2"))
    assert (one.level.id, two.level.id) == ("1b", "1a")


def test_an_rct_without_pedro_cannot_be_higher_quality():
    result, _ = level_of(study("a", pedro=None), study("b", pedro=None))
    assert result.level.id == "2"
    assert any("has no PEDro score, so it cannot count as a higher-quality trial" in r for r in result.reasons)


def test_conflicting_when_best_trials_disagree():
    result, _ = level_of(study("a", direction="benefit"), study("b", direction="no-difference"))
    assert result.level.id == "1a" and result.conflicting
    agree, _ = level_of(study("a", direction="benefit"), study("b", direction="benefit"))
    assert not agree.conflicting


def test_lower_level_studies_do_not_make_the_best_level_conflicting():
    result, _ = level_of(study("a", direction="benefit"), study("b", design="cohort", pedro=None, direction="harm"))
    assert result.level.id == "1b" and not result.conflicting


def test_participants_count_each_trial_once():
    result, _ = level_of(study("a", trial="t1", n=71), study("b", trial="t1", n=71), study("c", n=30))
    assert result.participants == 101


def test_disagreeing_papers_on_one_trial_give_a_warning_naming_both_files():
    _, base = level_of(study("a", trial="t1", pedro=10), study("b", trial="t1", pedro=8))
    warnings = [str(p) for p in check(base) if p.warning]
    assert warnings == ["evidence/studies/b.yaml:7: pedro: PEDro score 8 differs from 10 in evidence/studies/a.yaml, "
                        "a paper on the same trial 't1' (papers on one trial should agree; the lower PEDro and larger N are used)"]
