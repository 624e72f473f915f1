"""Figures computed from study records for agents, comparison tables and the evidence map.

Nothing here is typed by an editor: add a study record and every number below follows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from evidence_site.derive.levels import LevelResult, compute_studies
from evidence_site.derive.trials import Trial, resolve_trials, trials_of
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.models import Study


def measures(study: Study, outcome: str) -> bool:
    return outcome in study.outcomes or any(f.outcome == outcome for f in study.findings)


def by_outcome(studies: Iterable[Study]) -> dict[str, list[Study]]:
    """Outcome id → the studies (in the order given) that measured it: one pass over the studies
    instead of one per outcome (the map and the agent pages ask of every outcome)."""
    groups: dict[str, list[Study]] = {}
    for study in studies:
        for outcome in dict.fromkeys([*study.outcomes, *(f.outcome for f in study.findings if f.outcome)]):
            groups.setdefault(outcome, []).append(study)
    return groups


def agent_studies(base: EvidenceBase, agent: str) -> list[Study]:
    return [s for s in base.studies.values() if any(i.agent == agent for i in s.interventions)]


def intervention_rows(base: EvidenceBase) -> list[tuple[str, str, list[Study]]]:
    """(row id, label, studies) for each agent, then each other intervention by name."""
    rows = [(f"agent-{key}", agent.name, agent_studies(base, key)) for key, agent in base.agents.items()]
    others: dict[str, list[Study]] = {}
    for study in base.studies.values():
        for i in study.interventions:
            if not i.agent:
                others.setdefault(i.name, []).append(study)
    rows += [(f"other-{n}", name, studies) for n, (name, studies) in enumerate(sorted(others.items()))]
    return [row for row in rows if row[2]] + [row for row in rows if not row[2] and row[0].startswith("agent-")]


@dataclass(frozen=True)
class TrialCount:
    """Trials and observational studies of some papers, counted once each from the resolved trials."""

    trials: int
    participants: int          # randomised in the trials (arms that took the agent, for an agent)
    observational: int         # observational studies: counted as studies, never as trials
    observed: int              # people in them (the arms that took the agent, where arms are given)
    studies: tuple[Study, ...]
    units: tuple[Trial, ...] = ()


def trial_count(base: EvidenceBase, studies: list[Study], agent: str | None = None,
                trials: Mapping[str, Trial] | None = None) -> TrialCount:
    """Distinct trials and their participants; for an agent, only the people who took it where a
    study gives arms."""
    units = trials_of(trials if trials is not None else resolve_trials(base), studies)

    def people(t: Trial) -> int:
        return (t.participants_for(agent) if agent else t.participants) or 0

    counted = [t for t in units if t.is_trial]
    other = [t for t in units if not t.is_trial]
    return TrialCount(len(counted), sum(map(people, counted)), len(other), sum(map(people, other)),
                      tuple(sorted(studies, key=lambda s: s.id)), units)


def best_level(base: EvidenceBase, studies: list[Study], outcome: str,
               trials: Mapping[str, Trial] | None = None) -> LevelResult | None:
    """The level the studies that measured an outcome support, or None if none did."""
    relevant = [s for s in studies if measures(s, outcome)]
    return compute_studies(base, relevant, outcome, trials=trials) if relevant else None


def agent_conclusions(base: EvidenceBase, agent: str) -> list[tuple[str, object]]:
    """(topic id, conclusion) for conclusions naming the agent or resting on its studies."""
    ids = {s.id for s in agent_studies(base, agent)}
    return [(tid, c) for tid, topic in base.topics.items() for c in topic.conclusions
            if agent in c.agents or ids & set(c.studies)]


def outcomes_in_order(base: EvidenceBase) -> list:
    return sorted(base.outcomes.values(), key=lambda o: (o.order, o.name))


@dataclass(frozen=True)
class OutcomeFinding:
    """What the studies of an agent found for one outcome: its level and direction, computed."""

    outcome: object            # the Outcome record
    result: LevelResult


@dataclass(frozen=True)
class AgentFindings:
    """'What the trials found' for an agent: every outcome its studies measured, and the outcomes
    readers ask about (patient_important) that no trial of it has measured."""

    found: tuple[OutcomeFinding, ...]
    never_tried: tuple            # Outcome records no trial of the agent measured

    @property
    def tried(self) -> tuple[OutcomeFinding, ...]:
        """The outcomes readers ask about that at least one trial measured."""
        return tuple(f for f in self.found if f.outcome.patient_important and f.result.counted_trials)


def agent_findings(base: EvidenceBase, agent: str, trials: Mapping[str, Trial] | None = None) -> AgentFindings:
    studies = by_outcome(agent_studies(base, agent))
    found = []
    for outcome in outcomes_in_order(base):
        if outcome.id in studies:
            found.append(OutcomeFinding(outcome, compute_studies(base, studies[outcome.id], outcome.id, trials=trials)))
    measured = {f.outcome.id for f in found if f.result.counted_trials}
    never = tuple(o for o in outcomes_in_order(base) if o.patient_important and o.id not in measured)
    return AgentFindings(tuple(found), never)


def question_results(base: EvidenceBase, question, levels: Mapping[str, LevelResult]) -> list[tuple[object, LevelResult]]:
    """(conclusion, its computed level) for each conclusion a question names, in the question's order."""
    by_id = {c.id: c for topic in base.topics.values() for c in topic.conclusions}
    return [(by_id[key], levels[key]) for key in question.conclusions if key in by_id]


def conclusion_topics(base: EvidenceBase) -> dict[str, str]:
    """conclusion id → the id of the topic that holds it (for links to its anchor)."""
    return {c.id: key for key, topic in base.topics.items() for c in topic.conclusions}
