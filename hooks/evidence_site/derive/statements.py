"""The stale-statement guard: a hand-written statement must have been re-read against the
evidence it describes.

Levels and counts are computed, statements are typed. A statement that says "two randomised
trials" goes stale silently when a third is added, so each conclusion records what it was written
for (`written_for: {level, trials, direction}`, filled by `evidence-site review TOPIC` after an
editor re-reads it). When the computed evidence differs, check says so on the statement's line and
the page shows readers a "being updated" notice until the statement is reviewed again.
"""
from __future__ import annotations

from evidence_site.derive.levels import LevelResult, compute, stale
from evidence_site.derive.trials import resolve_trials
from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase


def describe(result: LevelResult) -> str:
    """'1a, 2 trials, no difference': the computed evidence in the words of the check message."""
    level = result.level.id if result.level else "no level"
    n = len(result.best)
    word = ("trial", "trials") if all(t.is_trial for t in result.best) else ("study", "studies")
    parts = [level, f"{n} {word[0] if n == 1 else word[1]}"]
    if result.direction:
        parts.append(result.direction.replace("-", " "))
    return ", ".join(parts)


def statement_problems(base: EvidenceBase) -> list[EvidenceError]:
    """A warning (the build goes on, readers see the notice) per conclusion whose evidence changed."""
    if base.scheme is None:
        return []
    trials = resolve_trials(base)
    out = []
    for key, topic in base.topics.items():
        for i, conclusion in enumerate(topic.conclusions):
            if any(s not in base.studies for s in conclusion.studies):
                continue  # an unknown study is already an error
            result = compute(base, conclusion, trials)
            if conclusion.written_for is None:
                file, line = base.where("topics", key, ("conclusions", i, "statement"))
                out.append(EvidenceError(file, line, f"conclusions[{i}].written_for",
                                         f"the statement was never reviewed against the computed evidence ({describe(result)})",
                                         f"re-read the statement and run evidence-site review {key}", warning=True))
            elif stale(conclusion, result):
                file, line = base.where("topics", key, ("conclusions", i, "statement"))
                out.append(EvidenceError(file, line, f"conclusions[{i}].statement",
                                         f"the evidence changed (now {describe(result)}); re-read the statement "
                                         f"and run evidence-site review {key}", "", warning=True))
    return out
