"""Rules for the data that describes the site's domain: measures and their units, and the trial
registries source ids belong to.

Units and registries are data (evidence/measures/, evidence/site.yaml), so a typo in one is
found here, against the declared set, with a "did you mean", rather than by a fixed list in a model.
"""
from __future__ import annotations

import re

from evidence_site.errors import EvidenceError, did_you_mean, field_path
from evidence_site.records.evidence_base import EvidenceBase, settings_of
from evidence_site.records.models import Registry


def measure_problems(base: EvidenceBase) -> list[EvidenceError]:
    """The first unit of a measure is its canonical one (factor 1); units are named once."""
    out = []
    for key, measure in base.measures.items():
        if measure.units[0].factor != 1:
            file, line = base.where("measures", key, ("units", 0, "factor"))
            out.append(EvidenceError(file, line, "units[0].factor", f"the first unit '{measure.units[0].unit}' has "
                                     f"factor {measure.units[0].factor:g}", "the first unit is canonical: its factor is 1"))
        seen: set[str] = set()
        for i, unit in enumerate(measure.units):
            if unit.unit in seen:
                file, line = base.where("measures", key, ("units", i, "unit"))
                out.append(EvidenceError(file, line, f"units[{i}].unit", f"unit '{unit.unit}' is listed twice",
                                         "list each unit once"))
            seen.add(unit.unit)
    return out


def unit_problems(base: EvidenceBase) -> list[EvidenceError]:
    """Threshold sets and arm results give their numbers in one of their measure's units."""
    out = []
    for key, tset in base.thresholds.items():
        out += _unit(base, "thresholds", key, (), tset.measure, tset.unit)
    for key, study in base.studies.items():
        for i, arm in enumerate(study.arm_results):
            out += _unit(base, "studies", key, ("arm_results", i), arm.measure, arm.unit)
    return out


def _unit(base: EvidenceBase, kind: str, key: str, loc: tuple, measure_id: str, unit: str) -> list[EvidenceError]:
    measure = base.measures.get(measure_id)
    if measure is None:
        return []  # an unknown measure is reported by the reference check
    units = [u.unit for u in measure.units]
    if unit in units:
        return []
    file, line = base.where(kind, key, loc + ("unit",))
    return [EvidenceError(file, line, field_path(loc + ("unit",)), f"unknown unit '{unit}' of measure '{measure_id}'",
                          did_you_mean(unit, units) or f"its units are: {', '.join(units)}")]


def registry_problems(base: EvidenceBase) -> list[EvidenceError]:
    """Each registry's pattern is a regular expression that its example matches; each source's
    registry id matches one declared registry."""
    out, usable = [], []
    for i, registry in enumerate(settings_of(base).registries):
        problem = _registry_problem(registry)
        if problem:
            file, line = base.where("site", "site", ("registries", i, "pattern"))
            out.append(EvidenceError(file, line, f"registries[{i}].pattern", problem,
                                     "a Python regular expression, e.g. '^AB[0-9]{6}$'"))
        else:
            usable.append(registry)
    if out:
        return out
    for key, src in base.sources.items():
        if src.registry and not any(r.matches(src.registry) for r in usable):
            file, line = base.where("sources", key, ("registry",))
            if usable:
                names = " or ".join(r.name for r in usable)
                upper = src.registry.upper()
                hint = (f"write it as the registry does: '{upper}'" if any(r.matches(upper) for r in usable)
                        else "e.g. " + ", ".join(f"'{r.example}'" for r in usable))
                out.append(EvidenceError(file, line, "registry", f"'{src.registry}' is not a {names} id", hint))
            else:
                out.append(EvidenceError(file, line, "registry", f"'{src.registry}' is of no declared trial registry",
                                         "declare its registry under 'registries' in evidence/site.yaml"))
    return out


def _registry_problem(registry: Registry) -> str | None:
    try:
        pattern = re.compile(registry.pattern)
    except re.error as exc:
        return f"'{registry.pattern}' is not a regular expression ({exc.msg})"
    if not pattern.fullmatch(registry.example):
        return f"the example '{registry.example}' does not match '{registry.pattern}'"
    return None
