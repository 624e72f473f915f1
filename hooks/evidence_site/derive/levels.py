"""Levels of evidence computed from trials, by the rule in the level scheme (data).

Reviews type levels by hand and miscount: four papers on one trial are one trial. Here every
conclusion reads the trials resolved once from all their papers (derive/trials.py), the first
level of the scheme whose rule those trials satisfy is the level, and the direction beside it
comes from the trials AT that level only, so a weaker study cannot colour a stronger result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from evidence_site.derive.trials import (
    DEFINITE,
    Trial,
    group_papers,
    resolve_trials,
    source_label,
    trial_key,
    trial_name,
    trials_of,
)
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.models import Conclusion, Level, Study, Tier

__all__ = ["LevelResult", "compute", "compute_studies", "stale", "level_rank", "best_direction", "trial_name",
           "trial_key", "Trial"]


@dataclass(frozen=True)
class LevelResult:
    level: Level | None
    tier: Tier | None
    trials: tuple[Trial, ...]           # every trial and observational study behind the conclusion
    best: tuple[Trial, ...]             # those that gave the level
    direction: str | None               # from `best`: benefit, no-difference, harm, mixed, conflicting
    outcome: str | None = None
    reasons: tuple[str, ...] = field(default=())
    rank: int = 99
    cited: Mapping[str, tuple[Study, ...]] = field(default_factory=dict)  # trial key → the papers cited

    @property
    def conflicting(self) -> bool:
        return self.direction == "conflicting"

    @property
    def counted_trials(self) -> tuple[Trial, ...]:
        return tuple(t for t in self.trials if t.is_trial)

    @property
    def observational(self) -> tuple[Trial, ...]:
        return tuple(t for t in self.trials if not t.is_trial)

    @property
    def participants(self) -> int:
        """Participants of the trials (randomised where given); observational studies excluded."""
        return sum(t.participants or 0 for t in self.counted_trials)

    @property
    def observed(self) -> int:
        return sum(t.participants or 0 for t in self.observational)

    def papers(self, trial: Trial) -> tuple[Study, ...]:
        return self.cited.get(trial.key, trial.papers)

    def signature(self) -> dict:
        """What a hand-written statement about this result must agree with (see check/stale)."""
        return {"level": self.level.id if self.level else None, "trials": len(self.best), "direction": self.direction}


def stale(conclusion: Conclusion, result: LevelResult) -> bool:
    """True when the evidence changed since an editor last re-read the statement (written_for)."""
    w = conclusion.written_for
    return w is not None and {"level": w.level, "trials": w.trials, "direction": w.direction} != result.signature()


def level_rank(result: LevelResult) -> int:
    """Sort key: the scheme's order of levels (1a first); no level last."""
    return result.rank


def best_direction(trials: tuple[Trial, ...], outcome: str | None) -> str | None:
    """One direction for the trials at a level; 'conflicting' when they point different ways."""
    found = {t.direction(outcome) for t in trials} - {None}
    definite = found & set(DEFINITE)
    if len(definite) > 1:
        return "conflicting"
    if definite:
        return "conflicting" if "mixed" in found else definite.pop()
    return "mixed" if found else None


def compute(base: EvidenceBase, conclusion: Conclusion, trials: Mapping[str, Trial] | None = None) -> LevelResult:
    """The level of a conclusion from its studies, with the reasons in words."""
    return compute_studies(base, [base.studies[k] for k in conclusion.studies], conclusion.outcome, conclusion, trials)


def compute_studies(base: EvidenceBase, studies: list[Study], outcome: str | None,
                    conclusion: Conclusion | None = None, trials: Mapping[str, Trial] | None = None) -> LevelResult:
    """The level a set of papers supports for an outcome (used for conclusions, tables and the map).

    `trials` is the base's resolved trials (resolve_trials); pass it when computing many levels.
    The result is kept (records/memo.kept) for the same scheme, conclusion, papers and trials
    (and the source of a stated level): the map, the agent pages, the tables and the checks ask for the
    levels of the same sets of studies, and under `serve` a rebuild after one edit computes
    again only the levels that read the edited study. Every record the computation reads is
    read here, hit or miss, so a page rendered under `serve` depends on the same records (the
    names of the papers come with their trials, which are kept for their sources)."""
    scheme = base.scheme
    resolved = trials if trials is not None else resolve_trials(base)
    units = trials_of(resolved, studies)
    stated = conclusion.stated_level if conclusion else None
    named = base.sources.get(stated.source) if stated else None  # the papers' names are the trials' own
    return base.memo.kept("level", (outcome,), (scheme, conclusion, named, *studies, *units),
                          lambda: _compute(base, scheme, studies, units, outcome, conclusion))


def _compute(base: EvidenceBase, scheme, studies: list[Study], units: tuple[Trial, ...], outcome: str | None,
             conclusion: Conclusion | None) -> LevelResult:
    cited = {k: tuple(sorted(v, key=lambda s: s.id)) for k, v in group_papers(studies).items()}
    for rank, level in enumerate(scheme.levels):
        rule = level.rule
        best = tuple(t for t in units if t.design in rule.designs and (rule.quality == "any" or t.high_quality))
        if len(best) >= rule.min_trials:
            tier = next(t for t in scheme.tiers if t.id == level.tier)
            direction = best_direction(best, outcome)
            reasons = explain(base, scheme, level, units, best, direction, conclusion)
            return LevelResult(level, tier, units, best, direction, outcome, tuple(reasons), rank, cited)
    return LevelResult(None, None, units, (), None, outcome,
                       ("No study design of these studies is ranked by the scheme.",), cited=cited)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def explain(base, scheme, level, trials, best, direction, conclusion) -> list[str]:
    """Why the level is what it is, in sentences a reader can follow."""
    scale = scheme.quality_scale
    reasons = [f"Level {level.id}: {level.description}"]
    reasons.append(f"{_plural(len(best), 'trial' if all(t.is_trial for t in best) else 'study')} at this level: "
                   + "; ".join(f"{t.name} ({t.papers_text()})" for t in best) + ".")
    if direction:
        reasons.append(f"Direction at this level: {direction.replace('-', ' ')}"
                       + (" (the trials at this level disagree)." if direction == "conflicting" else "."))
    for t in trials:
        if len(t.papers) > 1:
            reasons.append(f"{t.papers_text()} report one trial, {t.name}, which counts once.")
        if not t.is_trial:
            reasons.append(f"{t.name} is an observational study: it is counted as a study, not as a trial.")
        if t.scored and t.quality is None:
            reasons.append(f"{t.name} has no {scale.name} score in any of its papers, so it cannot count as a "
                           "higher-quality trial.")
        elif t.scored:
            who = t.papers_text([t.quality_paper]) if len(t.papers) > 1 else ""
            grade = "higher quality" if t.high_quality else f"below {scale.threshold}: lower quality"
            reasons.append(f"{t.name} scores {t.quality.score}/{scale.maximum} on {scale.name}"
                           + (f" (the assessment given for {who}, used for every paper on the trial)" if who else "")
                           + f": {grade}.")
    stated = conclusion.stated_level if conclusion else None
    if stated and stated.scale:
        source = base.sources.get(stated.source)
        who = source_label(source) if source else stated.source
        reasons.append(f"{who} states {stated.level} on its own scale ({stated.scale}); it judges the evidence "
                       "differently, so it is shown beside the computed level, not compared with it.")
    elif stated and stated.level != level.id:
        source = base.sources.get(stated.source)
        who = source_label(source) if source else stated.source
        grouped = [t for t in trials if len(t.papers) > 1]
        why = "; ".join(f"{t.papers_text()} report one trial, {t.name}" for t in grouped)
        reasons.append(f"{who} states level {stated.level}; computed {level.id}" + (f": {why}." if why else "."))
        claimed = next((lv for lv in scheme.levels if lv.id == stated.level), None)
        if claimed is not None:
            reasons.append(f"Level {claimed.id} needs: {claimed.description}")
    return reasons
