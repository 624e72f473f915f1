"""The level rule on synthetic studies: every level, trials counted once, conflicting, a trial without a quality score."""
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
          direction: str | None = "benefit", n: int = 50, verified: bool = False, **extra) -> Loaded:
    data = {"id": key, "source": key, "details_sources": [key], "design": design, "n_initial": n,
            "findings": [{"text": "A finding.", "sources": [key], "outcome": "bone-density", "direction": direction}],
            **extra}
    if pedro is not None:
        data["quality"] = {"score": pedro, "source": key, "verified": verified}
    if trial:
        data["trial"] = trial
    return Loaded("studies", Study.model_validate(data), f"evidence/studies/{key}.yaml", {("quality",): 7, ("n_initial",): 8})


def source(key: str) -> Loaded:
    return Loaded("sources", Source.model_validate({"id": key, "kind": "journal-article", "title": key,
                                                    "authors": [f"{key.title()} A"], "year": 2020,
                                                    "url": f"https://example.org/{key}"}), f"evidence/sources/{key}.yaml", {})


def level_of(*studies: Loaded, stated: str | None = None, cited: list[str] | None = None):
    keys = [s.record.id for s in studies]
    conclusion = {"id": "c", "statement": "S.", "plain": "P.", "sources": [keys[0]], "intervention": "X",
                  "outcome": "bone-density", "studies": cited or keys}
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


def test_an_rct_without_a_quality_score_cannot_be_higher_quality():
    result, _ = level_of(study("a", pedro=None), study("b", pedro=None))
    assert result.level.id == "2"
    assert any("has no PEDro score in any of its papers, so it cannot count as a higher-quality trial" in r
               for r in result.reasons)


def test_conflicting_when_best_trials_disagree():
    result, _ = level_of(study("a", direction="benefit"), study("b", direction="no-difference"))
    assert result.level.id == "1a" and result.conflicting and result.direction == "conflicting"
    agree, _ = level_of(study("a", direction="benefit"), study("b", direction="benefit"))
    assert not agree.conflicting


def test_lower_level_studies_do_not_make_the_best_level_conflicting():
    result, _ = level_of(study("a", direction="benefit"), study("b", design="cohort", pedro=None, direction="harm"))
    assert result.level.id == "1b" and not result.conflicting
    assert (result.direction, len(result.best), len(result.trials)) == ("benefit", 1, 2)


def test_participants_count_each_trial_once():
    result, _ = level_of(study("a", trial="t1", n=71), study("b", trial="t1", n=71), study("c", n=30))
    assert result.participants == 101


def test_disagreeing_papers_on_one_trial_give_a_warning_naming_both_files():
    _, base = level_of(study("a", trial="t1", pedro=10), study("b", trial="t1", pedro=8))
    warnings = [str(p) for p in check(base) if p.warning and p.field == "quality"]
    assert warnings == ["evidence/studies/b.yaml:7: quality: PEDro score 8 differs from 10 in evidence/studies/a.yaml, "
                        "a paper on the same trial 't1' (papers on one trial should agree; the trial uses one score "
                        "for every paper (a verified one, else the lowest) and the larger N)"]


# --- the trial model: one design, quality and N per trial, whichever paper is cited ----------

def test_a_paper_without_a_score_on_a_scored_trial_takes_the_trial_score():
    """The Tromsø case: a conclusion citing only the unscored paper still reads the trial's score."""
    only_unscored, base = level_of(study("a", trial="t1", pedro=None), study("b", trial="t1", pedro=9), cited=["a"])
    both, _ = level_of(study("a", trial="t1", pedro=None), study("b", trial="t1", pedro=9))
    assert only_unscored.level.id == both.level.id == "1b"
    (trial,) = only_unscored.trials
    assert trial.quality.score == 9 and trial.quality_paper.id == "b" and trial.high_quality
    assert [p.id for p in only_unscored.papers(trial)] == ["a"] and [p.id for p in trial.papers] == ["a", "b"]


def test_two_papers_disagreeing_the_lowest_score_is_the_trial_score_unless_one_is_verified():
    low, _ = level_of(study("a", trial="t1", pedro=10), study("b", trial="t1", pedro=5), cited=["a"])
    assert low.trials[0].quality.score == 5 and low.level.id == "2"
    verified, _ = level_of(study("a", trial="t1", pedro=7, verified=True), study("b", trial="t1", pedro=5), cited=["b"])
    assert verified.trials[0].quality.score == 7 and verified.level.id == "1b"


def test_a_chart_review_is_a_study_not_a_trial():
    arms = [{"name": "took A", "agents": ["form-a"], "n": 28, "sources": ["c"]},
            {"name": "took neither", "n": 9, "sources": ["c"]}]
    result, _ = level_of(study("a", n=71), study("c", design="cohort", pedro=None, n=199, arms=arms))
    assert [t.key for t in result.counted_trials] == ["a"] and [t.key for t in result.observational] == ["c"]
    assert (result.participants, result.observed) == (71, 199)
    assert any("C 2020 is an observational study: it is counted as a study, not as a trial" in r for r in result.reasons)


def test_per_arm_n_counts_only_those_who_took_the_agent_in_an_observational_study():
    arms = [{"name": "took A", "agents": ["form-a"], "n": 28, "sources": ["c"]},
            {"name": "switched from A to B", "agents": ["form-a", "form-b"], "n": 10, "sources": ["c"]},
            {"name": "took B", "agents": ["form-b"], "n": 12, "sources": ["c"]}]
    result, _ = level_of(study("c", design="cohort", pedro=None, n=199, arms=arms),
                         study("r", n=60, arms=[{"name": "A", "agents": ["form-a"], "n": 30, "sources": ["r"]},
                                                {"name": "placebo", "n": 30, "sources": ["r"]}]))
    chart, rct = result.observational[0], result.counted_trials[0]
    assert (chart.participants_for("form-a"), chart.participants_for("form-b")) == (38, 22)
    assert rct.participants_for("form-a") == 60  # a trial's comparison arm is part of the trial
    assert [a.n for a in rct.arms] == [30, 30]


def test_direction_at_the_best_level_counts_the_trials_at_that_level():
    result, _ = level_of(study("a", direction="no-difference"), study("b", direction="no-difference"),
                         study("c", design="pre-post", pedro=None, direction="benefit"))
    assert (result.level.id, result.direction, len(result.best)) == ("1a", "no-difference", 2)
    weak_only, _ = level_of(study("a", pedro=4, direction="benefit"), study("c", design="pre-post", pedro=None,
                                                                                direction="harm"))
    assert (weak_only.level.id, weak_only.direction, len(weak_only.best)) == ("2", "benefit", 1)


def test_levels_and_trials_are_kept_for_the_same_records_and_made_again_for_an_edited_one():
    from dataclasses import replace

    from evidence_site.derive.trials import resolve_trials

    first, base = level_of(study("a", trial="t1"), study("b", trial="t1"), study("c"))
    conclusion = base.topics["t"].conclusions[0]
    assert compute(base, conclusion) is first  # asked again: kept in the base's memo
    trials = resolve_trials(base)
    # b becomes lower quality: its trial is resolved again, c's trial and every level that does
    # not read b are kept; what is made again equals what a fresh memo computes.
    edited = base.studies["b"].model_copy(update={"quality": base.studies["b"].quality.model_copy(update={"score": 2})})
    changed = replace(base, records={**base.records, "studies": {**base.studies, "b": edited}})
    again = resolve_trials(changed)
    assert again["c"] is trials["c"] and again["t1"] is not trials["t1"]
    result = compute(changed, conclusion)
    fresh = replace(changed, memo=type(base.memo)())
    assert result is not first and result == compute(fresh, conclusion)
    assert result.level.id == "1b" and first.level.id == "1a"
    # A source's authors name its paper in the reasons: its trial and level are made again.
    renamed = changed.sources["a"].model_copy(update={"authors": ["Zed A"]})
    changed = replace(changed, records={**changed.records, "sources": {**changed.sources, "a": renamed}})
    assert any("Zed 2020" in reason for reason in compute(changed, conclusion).reasons)
    assert not any("Zed 2020" in reason for reason in result.reasons)


def test_the_memo_forgets_what_two_builds_did_not_ask_for():
    from evidence_site.records.memo import Memo

    memo, record, calls = Memo(), object(), []

    def make():
        calls.append(1)
        return len(calls)
    assert memo.kept("x", ("v",), (record,), make) == memo.kept("x", ("v",), (record,), make) == 1
    assert memo.kept("x", ("w",), (record,), make) == 2 and memo.kept("x", ("v",), (object(),), make) == 3
    memo.next_build()
    assert memo.kept("x", ("v",), (record,), make) == 1  # kept from the previous build
    memo.next_build()
    memo.next_build()
    assert memo.kept("x", ("v",), (record,), make) == 4  # two builds without it: made again
