"""Cross-record checks: every reference resolves, every claim cites, every source has a locator."""
from __future__ import annotations

import re
from typing import Callable

from evidence_site.check.measures import measure_problems, registry_problems, unit_problems
from evidence_site.check.thresholds import threshold_problems
from evidence_site.check.trials import quality_problems, trial_warnings
from evidence_site.errors import EvidenceError, did_you_mean, field_path
from evidence_site.load.loader import Unvalidated
from evidence_site.records.evidence_base import EvidenceBase, line_for
from evidence_site.records.models import Study
from evidence_site.records.references import REFERENCES, SINGULAR, walk_references


def check(base: EvidenceBase, unvalidated: list[Unvalidated] | tuple = ()) -> list[EvidenceError]:
    """All problems (errors and warnings) of the base: every rule of RULES, in order.

    unvalidated: record files that failed to load. Their references are checked too, and a
    reference to one of them is not reported (the file's own errors say what is wrong)."""
    failed = _failed_ids(unvalidated)
    aware = {_check_scheme: lambda b: _check_scheme(b, failed), _check_references: lambda b: _check_references(b, failed)}
    problems = [problem for rule in RULES for problem in aware.get(rule, rule)(base)]
    return problems + _unvalidated_references(base, unvalidated, failed)


def _unexplained_trial_warnings(base: EvidenceBase) -> list[EvidenceError]:
    """trial_warnings less those the records explain (see _explained)."""
    warnings = trial_warnings(base)
    if not warnings:
        return []
    # Each warning names its study by file: one table, not a scan of every study per warning
    # (900 warnings among 10,000 studies took 2 s).
    by_file = {base.file_of("studies", key): study for key, study in base.studies.items()}
    return [w for w in warnings if not _explained(by_file.get(w.file), w)]


def _explained(study: Study | None, warning: EvidenceError) -> bool:
    """A disagreement between papers of one trial that the record explains to readers: its
    differing value comes from a source, and an editorial note correcting that source states
    both values."""
    values = re.search(r" (\S+) differs from (\S+) in ", warning.message)
    source = getattr(getattr(study, warning.field, None), "source", None)
    if not (values and source):
        return False
    return any(note.corrects == source and all(re.search(rf"\b{re.escape(v)}\b", note.text) for v in values.groups())
               for note in study.notes)




def _targets(base: EvidenceBase) -> dict[str, set[str]]:
    scheme = base.scheme
    return {
        "sources": set(base.sources), "agents": set(base.agents), "outcomes": set(base.outcomes),
        "studies": set(base.studies), "measures": set(base.measures),
        "conclusions": {c.id for topic in base.topics.values() for c in topic.conclusions},
        "designs": {d.id for d in scheme.designs} if scheme else set(),
        "tiers": {t.id for t in scheme.tiers} if scheme else set(),
        "names": _names(base),
    }


# Every id of a kind counts as failed: the level scheme, which defines designs and tiers, did not load.
ANY = frozenset({"*"})


def _failed_ids(unvalidated) -> dict[str, frozenset[str]]:
    """Reference target → ids of records that exist but failed to load."""
    failed: dict[str, set[str]] = {}
    for item in unvalidated:
        failed.setdefault(item.kind, set()).update(item.ids)
    out = {kind: frozenset(ids) for kind, ids in failed.items()}
    if "schemes" in failed:
        out["designs"] = out["tiers"] = ANY
    if "topics" in failed:  # its conclusions are unknown: the topic's own errors say why
        out["conclusions"] = ANY
    return out


def _unvalidated_references(base: EvidenceBase, unvalidated, failed: dict) -> list[EvidenceError]:
    """Unknown ids in the records that failed to load, as far as they parse."""
    targets = _targets(base)
    out = []
    for item in unvalidated:
        for loc, name, ref in walk_references(item.data) if item.data else ():
            problem = _unknown(ref, REFERENCES[name], targets, failed)
            if problem:
                out.append(EvidenceError(item.file, line_for(item.lines, loc), field_path(loc), *problem))
    return out


def _unknown(ref: str, target: str, targets: dict, failed: dict) -> tuple[str, str] | None:
    """(message, hint) when ref names no record of target, unless it names one that failed to load."""
    if ref in targets[target] or failed.get(target) is ANY or ref in failed.get(target, ()):
        return None
    return f"unknown {SINGULAR[target]} '{ref}'", _suggest(ref, target, targets)


def _suggest(ref: str, target: str, targets: dict) -> str:
    """The closest id; else the record whose name or other name the id spells ('form-b3' → the
    agent also known as Form B3); else the ids themselves, or where to find them."""
    ids = targets[target]
    by_name = targets["names"].get(target, {})
    hint = did_you_mean(ref, ids)
    if not hint and _slug(ref) in by_name:
        key, name = by_name[_slug(ref)]
        hint = f"did you mean '{key}' ({name})?"
    if not hint and ids:
        hint = f"one of: {', '.join(sorted(ids))}" if len(ids) <= 12 else f"the ids are the file names in evidence/{target}/"
    return hint


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _names(base: EvidenceBase) -> dict[str, dict[str, tuple[str, str]]]:
    """Target → slug of each name an agent or outcome goes by → (id, name)."""
    names: dict[str, dict[str, tuple[str, str]]] = {"agents": {}, "outcomes": {}}
    for key, agent in base.agents.items():
        for name in (agent.name, *agent.also_known_as):
            names["agents"].setdefault(_slug(name), (key, name))
    for key, outcome in base.outcomes.items():
        names["outcomes"].setdefault(_slug(outcome.name), (key, outcome.name))
    return names


def _check_references(base: EvidenceBase, failed: dict | None = None) -> list[EvidenceError]:
    """Unknown ids, and citations of sources that are not evidence. A record that is the same
    object as in the previous build (under `serve`, a file that did not change keeps its Loaded
    object), checked against the same ids, has the same problems: they come from the memo."""
    targets = _targets(base)
    not_evidence = {k for k, s in base.sources.items() if not s.evidence}
    origins = [origin for (kind, _), origin in base.origins.items() if kind != "glossary"]
    failed = failed or {}
    problems = base.memo.each(
        "reference problems", origins, context=(targets, not_evidence, failed),
        fn=lambda origin: _reference_problems(base, origin.kind, origin.record.id, targets, not_evidence, failed))
    return [problem for found in problems for problem in found]


def _reference_problems(base: EvidenceBase, kind: str, key: str, targets: dict, not_evidence: set,
                        failed: dict) -> list[EvidenceError]:
    out = []
    for loc, name, ref in base.references[(kind, key)]:
        target = REFERENCES[name]
        if ref not in targets[target]:
            problem = _unknown(ref, target, targets, failed)
            if problem:
                out.append(EvidenceError(*base.where(kind, key, loc), field_path(loc), *problem))
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


def _check_verified(base: EvidenceBase) -> list[EvidenceError]:
    """`verified:` may name only fields the record has: a tick on an empty field says nothing was checked."""
    out = []
    for key, src in base.sources.items():
        for i, name in enumerate(src.verified):
            if getattr(src, name) in (None, "", []):
                file, line = base.where("sources", key, ("verified", i))
                out.append(EvidenceError(file, line, f"verified[{i}]", f"'{name}' is verified but the source has no {name}",
                                         f"add the {name} you checked, or remove it from verified"))
    return out


def _check_scheme(base: EvidenceBase, failed: dict | None = None) -> list[EvidenceError]:
    if failed and failed.get("designs") is ANY:
        return []  # the scheme failed to load: its own errors say why
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
                has = {a for a in comparison.agents if a in base.agents and row.property in base.agents[a].properties}
                stale = [a for a in row.not_recorded if a in has or a not in comparison.agents]
                if stale:
                    out.append(EvidenceError(file, line, f"rows[{i}].not_recorded",
                                             f"agent(s) {', '.join(stale)} have property '{row.property}' or are not compared",
                                             "remove them from not_recorded"))
                missing = [a for a in comparison.agents if a in base.agents and a not in has and a not in row.not_recorded]
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


def _check_questions(base: EvidenceBase) -> list[EvidenceError]:
    """A question's answer is a claim: it cites its conclusions' sources, or its own."""
    out = []
    for key, question in base.questions.items():
        if not question.conclusions and not question.sources:
            file, line = base.where("questions", key, ("answer",))
            out.append(EvidenceError(file, line, "answer", "the answer cites nothing",
                                     "add conclusions: [<conclusion id>] that answer it, or sources: [<source id>]"))
    return out


# Every rule over the loaded base: rule(base) -> list[EvidenceError]. A new check goes here.
RULES: tuple[Callable[[EvidenceBase], list[EvidenceError]], ...] = (
    _check_scheme, _check_references, _check_locators, _check_verified, _check_studies, _check_unique_conclusions,
    _check_comparisons, _check_questions, threshold_problems, measure_problems, unit_problems, registry_problems,
    _unexplained_trial_warnings,
    quality_problems,
)
