"""Small functions the templates use to turn ids into words and links."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from .base import EvidenceBase
from .cite import short_label

DIRECTIONS = {"benefit": "favours the intervention", "no-difference": "no difference",
              "harm": "favours the comparator (harm)", "mixed": "mixed results"}

# Record kinds that have a page of their own; other kinds are named in plain text.
PAGED_KINDS = {"studies", "sources"}


def has_pages(kind: str) -> bool:
    return kind in PAGED_KINDS


def design_label(scheme, design: str) -> str:
    return next((d.label for d in scheme.designs if d.id == design), design) if scheme else design


def outcome_name(base: EvidenceBase, key: str) -> str:
    outcome = base.outcomes.get(key)
    return outcome.name if outcome else key


def direction_text(direction: str) -> str:
    return DIRECTIONS.get(direction, direction)


def record_name(base: EvidenceBase, kind: str, key: str) -> str:
    record = base.of(kind)[key]
    if kind == "studies":
        return f"{short_label(base.sources[record.source])} (study)"
    if kind == "sources":
        return short_label(record)
    return getattr(record, "title", None) or getattr(record, "name", None) or getattr(record, "authority", None) or key


def use_link(base: EvidenceBase, href, use) -> Markup:
    name = escape(record_name(base, use.kind, use.key))
    if use.kind in PAGED_KINDS:
        return Markup(f'<a href="{href(use.kind, use.key)}">{name}</a>')
    return Markup(f"{name} ({escape(use.kind)})")


def studies_by_year(base: EvidenceBase) -> list:
    return sorted(base.studies.values(), key=lambda s: (-(base.sources[s.source].year or 0), s.id))


GLOBALS = {f.__name__: f for f in (has_pages, design_label, outcome_name, direction_text, use_link, studies_by_year, record_name)}
