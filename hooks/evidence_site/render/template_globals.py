"""Small functions the templates use to turn ids into words and links."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from evidence_site.derive.levels import trial_name
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.kinds import PAGED
from evidence_site.records.labels import short_label, study_label

DIRECTIONS = {"benefit": "favours the intervention", "no-difference": "no difference",
              "harm": "favours the comparator (harm)", "mixed": "mixed results"}



def has_pages(kind: str) -> bool:
    return kind in PAGED


def design_label(scheme, design: str) -> str:
    return next((d.label for d in scheme.designs if d.id == design), design) if scheme else design


def tier_label(scheme, tier: str) -> str:
    return next((t.label for t in scheme.tiers if t.id == tier), tier)


def outcome_name(base: EvidenceBase, key: str) -> str:
    outcome = base.outcomes.get(key)
    return outcome.name if outcome else key


def direction_text(direction: str) -> str:
    return DIRECTIONS.get(direction, direction)


def record_name(base: EvidenceBase, kind: str, key: str) -> str:
    record = base.of(kind)[key]
    if kind == "studies":
        return f"{study_label(base, record)} (study)"
    if kind == "sources":
        return short_label(record)
    return getattr(record, "title", None) or getattr(record, "name", None) or getattr(record, "authority", None) or key


def use_link(base: EvidenceBase, href, use) -> Markup:
    name = escape(record_name(base, use.kind, use.key))
    if use.kind in PAGED:
        return Markup(f'<a href="{href(use.kind, use.key)}">{name}</a>')
    return Markup(f"{name} ({escape(use.kind)})")


def level_badge(result) -> Markup:
    """Level and tier as text (never colour alone), with 'conflicting' spelled out."""
    if result.level is None:
        return Markup('<span class="level level-none">No level</span>')
    tier = escape(result.tier.label)
    conflict = ' <span class="conflicting">Conflicting evidence</span>' if result.conflicting else ""
    return Markup(f'<span class="level level-{escape(result.level.id)}">Level {escape(result.level.id)}</span> '
                  f'<span class="tier tier-{escape(result.tier.id)}">{tier} evidence</span>{conflict}')


def trial_papers(base: EvidenceBase, study) -> list:
    """Other study records reporting the same trial."""
    return [s for s in base.trials.get(study.trial, ()) if s.id != study.id] if study.trial else []


VERDICTS = {"supported": "Supported", "partly-supported": "Partly supported", "contradicted": "Contradicted",
            "no-source-found": "No source found"}


def verdict_label(verdict: str) -> str:
    return VERDICTS.get(verdict, verdict)


def property_label(base: EvidenceBase, key: str) -> str:
    """The label comparison tables give a property, else the id in words."""
    for comparison in base.comparisons.values():
        for row in comparison.rows:
            if row.property == key:
                return row.label
    return key.replace("-", " ").capitalize()


def studies_by_year(base: EvidenceBase) -> list:
    return sorted(base.studies.values(), key=lambda s: (-(base.sources[s.source].year or 0), s.id))


GLOBALS = {f.__name__: f for f in (verdict_label, property_label, trial_name, trial_papers, has_pages, level_badge, tier_label, design_label, outcome_name, direction_text, use_link, studies_by_year, record_name)}
