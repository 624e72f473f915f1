"""Trials: the unit every level, count, table row and figure reads.

A study record is one paper. Several papers can report one trial (a main result, a secondary
analysis, a follow-up), and a trial's design, quality and participants must not depend on which
of its papers a conclusion happens to cite. So the papers are grouped by their `trial` key and each
trial is resolved ONCE, from all its papers, before anything is counted. Designs the scheme does
not mark as trials (cohort, case-control, cross-sectional, ...) are observational: they are
grouped the same way but counted as studies, never as trials.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from evidence_site.records.evidence_base import EvidenceBase, group_trials, trial_key
from evidence_site.records.labels import short_label as source_label
from evidence_site.records.models import LevelScheme, Quality, Study

DEFINITE = ("benefit", "no-difference", "harm")


@dataclass(frozen=True)
class TrialArm:
    name: str
    agents: tuple[str, ...]
    n: int | None


@dataclass(frozen=True)
class Trial:
    """One trial (or one observational study), however many papers report it."""

    key: str
    name: str
    papers: tuple[Study, ...]
    design: str
    is_trial: bool                 # False: an observational study, never counted as a trial
    scored: bool                   # the design is judged by the quality scale
    quality: Quality | None        # the assessment used (see _assessment)
    quality_paper: Study | None    # the paper whose record gives that assessment
    high_quality: bool
    randomised: int | None         # largest initial N any paper gives
    analysed: int | None           # largest final N any paper gives
    arms: tuple[TrialArm, ...]
    labels: tuple[str, ...] = ()   # each paper's short name, as readers see it: its label, else its source's

    def papers_text(self, papers: Iterable[Study] | None = None) -> str:
        """'A 2020, B 2021 and C 2022': the names of some of its papers (all by default)."""
        names = [self.labels[self.papers.index(p)] for p in papers] if papers is not None else list(self.labels)
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def participants(self) -> int | None:
        return self.randomised if self.randomised is not None else self.analysed

    def direction(self, outcome: str | None) -> str | None:
        """The direction all its papers' findings give for an outcome ('mixed' if they disagree)."""
        found = {f.direction for s in self.papers for f in s.findings
                 if f.direction and (outcome is None or f.outcome == outcome)}
        if not found:
            return None
        return found.pop() if len(found) == 1 else "mixed"

    def participants_for(self, agent: str) -> int | None:
        """People who took an agent: the arms that received it where an observational study gives
        arms with N (its other arms are not a comparison group the agent was assigned against),
        else everyone the trial randomised."""
        counted = [a.n for a in self.arms if agent in a.agents and a.n is not None]
        if not self.is_trial and counted:
            return sum(counted)
        return self.participants


def trial_name(base: EvidenceBase, key: str) -> str:
    """A registry id where the trial key is a registry source, else the study's label or key."""
    src = base.sources.get(key)
    if src is not None and src.registry:
        return src.registry
    study = base.studies.get(key)
    if study is not None:
        source = base.sources.get(study.source)
        return study.label or (source_label(source) if source else key)
    return key.upper() if key[:3] == "nct" and key[3:].isdigit() else key


def group_papers(studies: Iterable[Study]) -> dict[str, list[Study]]:
    """Papers grouped by trial key (records.evidence_base.group_trials, for any iterable)."""
    return group_trials(list(studies))


def _assessment(papers: list[Study]) -> tuple[Quality | None, Study | None]:
    """One quality for the trial from any paper's assessment: a score seen in the scale's own
    database wins over one a review gives; among equals the lowest, so a disagreement never makes
    a trial look better than its most cautious assessment."""
    assessed = [(p.quality, p) for p in papers if p.quality is not None]
    if not assessed:
        return None, None
    pool = [a for a in assessed if a[0].verified] or assessed
    return min(pool, key=lambda a: (a[0].score, a[1].id))


def _arms(papers: list[Study]) -> tuple[TrialArm, ...]:
    """The arms of the first paper that gives them (papers on one trial describe the same arms)."""
    for paper in papers:
        if paper.arms:
            return tuple(TrialArm(a.name, tuple(a.agents), a.n) for a in paper.arms)
    return ()


def make_trial(base: EvidenceBase, scheme: LevelScheme, key: str, papers: list[Study]) -> Trial:
    papers = sorted(papers, key=lambda s: s.id)
    design = papers[0].design
    spec = next((d for d in scheme.designs if d.id == design), None)
    scored, is_trial = bool(spec and spec.scored), bool(spec and spec.trial)
    quality, by = _assessment(papers)
    high = scored and quality is not None and quality.score >= scheme.quality_scale.threshold
    initial = [p.n_initial for p in papers if p.n_initial is not None]
    final = [p.n_final for p in papers if p.n_final is not None]
    labels = tuple(p.label or (source_label(base.sources[p.source]) if p.source in base.sources else p.id) for p in papers)
    return Trial(key, trial_name(base, key), tuple(papers), design, is_trial, scored, quality, by, high,
                 max(initial) if initial else None, max(final) if final else None, _arms(papers), labels)


def resolve_trials(base: EvidenceBase) -> Mapping[str, Trial]:
    """Trial key → the trial resolved from ALL its papers in the base.

    Resolved once for the records it reads (the scheme, the studies and the sources that name
    trials) and kept in the base's memo: the checks, the pages and the exports of one build ask
    for it, and so does every rebuild under `serve` (0.25 s at 10,000 studies). The key holds
    the record objects themselves, so an unchanged base compares by identity and a freed
    record's id is never taken for a new one."""
    scheme = base.scheme
    if scheme is None:
        return MappingProxyType({})
    key = (scheme, tuple(base.studies.values()), tuple(base.sources.values()))
    return base.memo.whole("trials", key, lambda: _resolve(base, scheme))


def _resolve(base: EvidenceBase, scheme: LevelScheme) -> Mapping[str, Trial]:
    groups = group_papers(base.studies.values())
    return MappingProxyType({key: _trial(base, scheme, key, papers) for key, papers in sorted(groups.items())})


def _trial(base: EvidenceBase, scheme: LevelScheme, key: str, papers: list[Study]) -> Trial:
    """make_trial, kept (records/memo.kept) while the scheme, the papers, their sources and the
    records that name the trial (trial_name) are the same objects: under `serve` an edit of one study
    resolves its own trial again, not all 10,000, and the levels kept for the other trials'
    papers still hold."""
    study = base.studies.get(key)
    named = (base.sources.get(key), study, base.sources.get(study.source) if study is not None else None)
    sources = [base.sources.get(p.source) for p in papers]  # the papers' labels
    return base.memo.kept("trial", (key,), (scheme, *named, *papers, *sources),
                          lambda: make_trial(base, scheme, key, papers))


def trials_of(trials: Mapping[str, Trial], studies: Iterable[Study]) -> tuple[Trial, ...]:
    """The distinct trials some papers report, each once, in key order."""
    return tuple(trials[k] for k in sorted({trial_key(s) for s in studies}))
