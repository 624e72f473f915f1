"""Cross-record checks: every reference resolves, every claim cites, every source has a locator."""
from __future__ import annotations

from typing import Callable

from evidence_site.check.thresholds import threshold_problems
from evidence_site.check.trials import quality_problems, trial_warnings
from evidence_site.errors import EvidenceError, did_you_mean, field_path
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.references import REFERENCES, SINGULAR


def check(base: EvidenceBase) -> list[EvidenceError]:
    """All problems (errors and warnings) of the base: every rule of RULES, in order."""
    return [problem for rule in RULES for problem in rule(base)]


def _targets(base: EvidenceBase) -> dict[str, set[str]]:
    scheme = base.scheme
    return {
        "sources": set(base.sources), "agents": set(base.agents), "outcomes": set(base.outcomes),
        "studies": set(base.studies),
        "designs": {d.id for d in scheme.designs} if scheme else set(),
        "tiers": {t.id for t in scheme.tiers} if scheme else set(),
    }


def _check_references(base: EvidenceBase) -> list[EvidenceError]:
    """Unknown ids, and citations of sources that are not evidence. A record that is the same
    object as in the previous build (under `serve`, a file that did not change keeps its Loaded
    object), checked against the same ids, has the same problems: they come from the memo."""
    targets = _targets(base)
    not_evidence = {k for k, s in base.sources.items() if not s.evidence}
    origins = [origin for (kind, _), origin in base.origins.items() if kind != "glossary"]
    problems = base.memo.each(
        "reference problems", origins, context=(targets, not_evidence),
        fn=lambda origin: _reference_problems(base, origin.kind, origin.record.id, targets, not_evidence))
    return [problem for found in problems for problem in found]


def _reference_problems(base: EvidenceBase, kind: str, key: str, targets: dict, not_evidence: set) -> list[EvidenceError]:
    out = []
    for loc, name, ref in base.references[(kind, key)]:
        target = REFERENCES[name]
        if ref not in targets[target]:
            out.append(EvidenceError(*base.where(kind, key, loc), field_path(loc), f"unknown {SINGULAR[target]} '{ref}'",
                                     did_you_mean(ref, targets[target])))
        elif target == "sources" and ref in not_evidence and name != "claimed_in":
            out.append(EvidenceError(*base.where(kind, key, loc), field_path(loc),
                                     f"source '{ref}' is marked 'evidence: false' and cannot be cited",
                                     "cite the paper, label or guideline instead; it may only be a claim check's claimed_in"))
    return out


def _check_locators(base: EvidenceBase) -> list[EvidenceError]:
    out = []
    for key, src in base.sources.items():
        if src.evidence and not (src.pmid or src.pmcid or src.doi or src.url or src.registry):
            file, line = base.where("sources", key)
            out.append(EvidenceError(file, line, "", "source has no locator",
                                     "add a pmid, pmcid, doi, url or registry id so readers can find it"))
    return out


def _check_scheme(base: EvidenceBase) -> list[EvidenceError]:
    schemes = list(base.of("schemes"))
    if len(schemes) > 1:
        file, line = base.where("schemes", schemes[1])
        return [EvidenceError(file, line, "", "more than one level scheme", f"keep one; {schemes[0]} is already defined")]
    if not schemes and base.studies:
        file, line = base.where("studies", next(iter(base.studies)))
        return [EvidenceError(file, line, "design", "no level scheme defines study designs",
                              "add evidence/schemes/<name>.yaml")]
    return []


def _check_studies(base: EvidenceBase) -> list[EvidenceError]:
    out = []
    for key, study in base.studies.items():
        if study.n_initial is not None and study.n_final is not None and study.n_final > study.n_initial:
            file, line = base.where("studies", key, ("n_final",))
            out.append(EvidenceError(file, line, "n_final", f"final N {study.n_final} is larger than initial N {study.n_initial}",
                                     "N final counts those who completed; check the two numbers"))
    return out


def _check_comparisons(base: EvidenceBase) -> list[EvidenceError]:
    """Each row shows one thing: an agent property, or a computed figure (best-level needs an outcome)."""
    out = []
    for key, comparison in base.comparisons.items():
        for i, row in enumerate(comparison.rows):
            file, line = base.where("comparisons", key, ("rows", i))
            if bool(row.property) == bool(row.computed):
                out.append(EvidenceError(file, line, f"rows[{i}]", "a row needs exactly one of 'property' or 'computed'",
                                         "e.g. property: activation, or computed: trials"))
            elif row.computed == "best-level" and not row.outcome:
                out.append(EvidenceError(file, line, f"rows[{i}].outcome", "a best-level row needs an outcome",
                                         "add outcome: <outcome id>"))
            elif row.property:
                missing = [a for a in comparison.agents if a in base.agents and row.property not in base.agents[a].properties]
                if missing:
                    out.append(EvidenceError(file, line, f"rows[{i}].property",
                                             f"agent(s) {', '.join(missing)} have no property '{row.property}'",
                                             "the cell will say 'Not recorded on this site'", warning=True))
    return out


def _check_unique_conclusions(base: EvidenceBase) -> list[EvidenceError]:
    """Conclusion ids are anchors and keys of the overview: each may appear once in all topics."""
    seen: dict[str, str] = {}
    out = []
    for key, topic in base.topics.items():
        for i, conclusion in enumerate(topic.conclusions):
            if conclusion.id in seen:
                file, line = base.where("topics", key, ("conclusions", i, "id"))
                out.append(EvidenceError(file, line, f"conclusions[{i}].id", f"duplicate conclusion id '{conclusion.id}'",
                                         f"already used in topic '{seen[conclusion.id]}'"))
            else:
                seen[conclusion.id] = key
    return out


# Every rule over the loaded base: rule(base) -> list[EvidenceError]. A new check goes here.
RULES: tuple[Callable[[EvidenceBase], list[EvidenceError]], ...] = (
    _check_scheme, _check_references, _check_locators, _check_studies, _check_unique_conclusions,
    _check_comparisons, threshold_problems, trial_warnings, quality_problems,
)
