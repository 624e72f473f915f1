"""Levels of evidence computed from study records, by the rule in the level scheme (data).

Reviews type levels by hand and miscount: four papers on one trial are one trial. Here papers
are grouped by their `trial` key, each trial gets one design, quality and direction, and the
first level of the scheme whose rule the trials satisfy is the conclusion's level.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from evidence_site.records.evidence_base import EvidenceBase, group_trials, trial_key  # noqa: F401
from evidence_site.records.labels import short_label
from evidence_site.records.models import Conclusion, Level, LevelScheme, Study, Tier

DEFINITE = ("benefit", "no-difference", "harm")


@dataclass(frozen=True)
class Trial:
    """One trial, however many papers report it."""

    key: str
    name: str
    papers: tuple[Study, ...]
    design: str
    pedro: int | None          # lowest score given by its papers, None if none gives one
    participants: int | None   # largest initial N given by its papers
    direction: str | None      # for the outcome in question; 'mixed' if its papers disagree
    high_quality: bool


@dataclass(frozen=True)
class LevelResult:
    level: Level | None
    tier: Tier | None
    trials: tuple[Trial, ...]           # every trial behind the conclusion
    best: tuple[Trial, ...]             # the trials that gave the level
    conflicting: bool
    reasons: tuple[str, ...] = field(default=())
    rank: int = 99

    @property
    def participants(self) -> int:
        return sum(t.participants or 0 for t in self.trials)


def level_rank(result: LevelResult) -> int:
    """Sort key: the scheme's order of levels (1a first); no level last."""
    return result.rank


def trial_name(base: EvidenceBase, key: str) -> str:
    """A registry id where the trial key is a registry source, else the key."""
    src = base.sources.get(key)
    return src.registry if src is not None and src.registry else key


def study_direction(studies: list[Study], outcome: str | None) -> str | None:
    """The direction the papers' findings give for an outcome ('mixed' if they disagree)."""
    found = {f.direction for s in studies for f in s.findings
             if f.direction and (outcome is None or f.outcome == outcome)}
    if not found:
        return None
    return found.pop() if len(found) == 1 else "mixed"


def make_trial(base: EvidenceBase, scheme: LevelScheme, key: str, papers: list[Study], outcome: str | None) -> Trial:
    scored = {d.id for d in scheme.designs if d.scored}
    scores = [p.pedro.score for p in papers if p.pedro]
    ns = [p.n_initial for p in papers if p.n_initial is not None]
    design = papers[0].design
    pedro = min(scores) if scores else None
    high = design in scored and pedro is not None and pedro >= scheme.pedro_threshold
    return Trial(key, trial_name(base, key), tuple(sorted(papers, key=lambda s: s.id)), design, pedro,
                 max(ns) if ns else None, study_direction(papers, outcome), high)


def compute(base: EvidenceBase, conclusion: Conclusion) -> LevelResult:
    """The level of a conclusion from its studies, with the reasons in words."""
    return compute_studies(base, [base.studies[k] for k in conclusion.studies], conclusion.outcome, conclusion)


def compute_studies(base: EvidenceBase, studies: list[Study], outcome: str | None,
                    conclusion: Conclusion | None = None) -> LevelResult:
    """The level a set of studies supports for an outcome (used for conclusions and tables)."""
    scheme = base.scheme
    trials = tuple(make_trial(base, scheme, k, papers, outcome)
                   for k, papers in sorted(group_trials(studies).items()))
    for rank, level in enumerate(scheme.levels):
        rule = level.rule
        best = tuple(t for t in trials if t.design in rule.designs and (rule.quality == "any" or t.high_quality))
        if len(best) >= rule.min_trials:
            directions = {t.direction for t in best if t.direction in DEFINITE}
            tier = next(t for t in scheme.tiers if t.id == level.tier)
            return LevelResult(level, tier, trials, best, len(directions) > 1,
                               tuple(explain(base, scheme, level, trials, best, conclusion)), rank)
    return LevelResult(None, None, trials, (), False, ("No study design of these studies is ranked by the scheme.",))


def papers_text(base: EvidenceBase, papers) -> str:
    names = [p.label or (short_label(base.sources[p.source]) if p.source in base.sources else p.id) for p in papers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def explain(base, scheme, level, trials, best, conclusion) -> list[str]:
    """Why the level is what it is, in sentences a reader can follow."""
    reasons = [f"Level {level.id}: {level.description}"]
    reasons.append(f"{len(best)} trial{'s' if len(best) != 1 else ''} at this level: "
                   + "; ".join(f"{t.name} ({papers_text(base, t.papers)})" for t in best) + ".")
    for t in trials:
        if len(t.papers) > 1:
            reasons.append(f"{papers_text(base, t.papers)} report one trial, {t.name}, which counts once.")
        scored = any(d.id == t.design and d.scored for d in scheme.designs)
        if scored and t.pedro is None:
            reasons.append(f"{t.name} has no PEDro score, so it cannot count as a higher-quality trial.")
        elif scored and not t.high_quality:
            reasons.append(f"{t.name} scores {t.pedro} on PEDro, below {scheme.pedro_threshold}: lower quality.")
    stated = conclusion.stated_level if conclusion else None
    if stated and stated.level != level.id:
        source = base.sources.get(stated.source)
        who = short_label(source) if source else stated.source
        grouped = [t for t in trials if len(t.papers) > 1]
        why = "; ".join(f"{papers_text(base, t.papers)} report one trial, {t.name}" for t in grouped)
        reasons.append(f"{who} states level {stated.level}; computed {level.id}" + (f": {why}." if why else "."))
        claimed = next((lv for lv in scheme.levels if lv.id == stated.level), None)
        if claimed is not None:
            reasons.append(f"Level {claimed.id} needs: {claimed.description}")
    return reasons

