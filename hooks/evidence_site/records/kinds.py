"""The record kinds: one table, from which everything that depends on the list of kinds is derived.

A kind was once written out in eight places (models, the evidence base, the preview server's
read tracking, schema names, URL sections, which kinds have pages, scaffolds, reserved paths),
and a check that read only one of them let an alias replace a page. Adding a kind is now one row
here plus its model: the loader's folders, the JSON Schema names, the URL sections, the
`evidence-site new` choices and the evidence base's attributes all follow.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from evidence_site.records.models import (
    Agent,
    ClaimCheck,
    Comparison,
    Glossary,
    LevelScheme,
    Measure,
    Outcome,
    Question,
    Record,
    SiteSettings,
    Source,
    Study,
    ThresholdSet,
    Topic,
)


@dataclass(frozen=True)
class Kind:
    """One kind of record and everything the code needs to know about it."""

    name: str                 # folder under evidence/ ('studies'); a single-file kind's file stem ('glossary')
    model: type[Record]
    singular: str             # 'study': messages, `evidence-site new study`
    schema: str               # its JSON Schema is evidence/_schemas/<schema>.schema.json
    attribute: str            # EvidenceBase attribute: a mapping of id → record, or the record when `one`
    section: str | None = None  # URL folder of its index page (and record pages), None: no index
    has_pages: bool = False   # one page per record, at <section>/<id>/
    single_file: bool = False  # evidence/<name>.yaml rather than a folder of records
    one: bool = False         # the site has at most one such record (the attribute is the record)
    scaffold: bool = False    # `evidence-site new <singular>` writes a record to fill in


KINDS: tuple[Kind, ...] = (
    Kind("sources", Source, "source", "source", "sources", section="sources", has_pages=True, scaffold=True),
    Kind("studies", Study, "study", "study", "studies", section="studies", has_pages=True, scaffold=True),
    Kind("topics", Topic, "topic", "topic", "topics", section="topics", has_pages=True),
    Kind("agents", Agent, "agent", "agent", "agents", section="agents", has_pages=True),
    Kind("comparisons", Comparison, "comparison", "comparison", "comparisons", section="comparisons", has_pages=True),
    Kind("thresholds", ThresholdSet, "threshold set", "threshold-set", "thresholds"),
    Kind("claims", ClaimCheck, "claim", "claim-check", "claims", section="claims", scaffold=True),
    Kind("questions", Question, "question", "question", "questions", section="questions", scaffold=True),
    Kind("outcomes", Outcome, "outcome", "outcome", "outcomes"),
    Kind("schemes", LevelScheme, "level scheme", "level-scheme", "scheme", one=True),
    Kind("glossary", Glossary, "glossary", "glossary", "glossary", single_file=True, one=True),
    Kind("measures", Measure, "measure", "measure", "measures"),
    Kind("site", SiteSettings, "site settings", "site", "settings", single_file=True, one=True),
)

BY_NAME = MappingProxyType({kind.name: kind for kind in KINDS})
# Folder under evidence/ → model, and single-file stem → model (what the loader reads).
FOLDERS = MappingProxyType({k.name: k.model for k in KINDS if not k.single_file})
SINGLE_FILES = MappingProxyType({k.name: k.model for k in KINDS if k.single_file})
PAGED = frozenset(k.name for k in KINDS if k.has_pages)
SCAFFOLDS = MappingProxyType({k.singular: k.name for k in KINDS if k.scaffold})
# EvidenceBase attribute → kind name (e.g. 'scheme' → 'schemes').
ATTRIBUTES = MappingProxyType({k.attribute: k.name for k in KINDS})


def model_of(name: str) -> type[Record]:
    return BY_NAME[name].model
