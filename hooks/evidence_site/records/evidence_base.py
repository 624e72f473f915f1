"""The evidence base: every checked record, immutable, with where each came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from evidence_site.records.memo import PerRecord, gc_paused
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.load.loader import Loaded, load_all
from evidence_site.records.models import (
    Agent,
    ClaimCheck,
    Comparison,
    Glossary,
    LevelScheme,
    Outcome,
    Record,
    Source,
    Study,
    ThresholdSet,
    Topic,
)
from evidence_site.load.validate import line_for

RefList = tuple[tuple[tuple, str, str], ...]


def _walk(record: Record) -> RefList:
    from evidence_site.check.rules import walk_references  # late import: checks needs EvidenceBase

    return tuple(walk_references(record))


_REFERENCES = PerRecord(_walk)  # see EvidenceBase.references


@dataclass(frozen=True)
class EvidenceBase:
    """All records by kind and id. Built once per build; never mutated."""

    records: Mapping[str, Mapping[str, Record]]
    origins: Mapping[tuple[str, str], Loaded]
    warnings: tuple[EvidenceError, ...] = field(default=())

    def of(self, kind: str) -> Mapping[str, Record]:
        return self.records.get(kind, MappingProxyType({}))

    @property
    def sources(self) -> Mapping[str, Source]: return self.of("sources")  # type: ignore[return-value]
    @property
    def studies(self) -> Mapping[str, Study]: return self.of("studies")  # type: ignore[return-value]
    @property
    def topics(self) -> Mapping[str, Topic]: return self.of("topics")  # type: ignore[return-value]
    @property
    def agents(self) -> Mapping[str, Agent]: return self.of("agents")  # type: ignore[return-value]
    @property
    def comparisons(self) -> Mapping[str, Comparison]: return self.of("comparisons")  # type: ignore[return-value]
    @property
    def thresholds(self) -> Mapping[str, ThresholdSet]: return self.of("thresholds")  # type: ignore[return-value]
    @property
    def claims(self) -> Mapping[str, ClaimCheck]: return self.of("claims")  # type: ignore[return-value]
    @property
    def outcomes(self) -> Mapping[str, Outcome]: return self.of("outcomes")  # type: ignore[return-value]

    @property
    def glossary(self) -> Glossary | None:
        return next(iter(self.of("glossary").values()), None)  # type: ignore[return-value]

    @property
    def scheme(self) -> LevelScheme | None:
        return next(iter(self.of("schemes").values()), None)  # type: ignore[return-value]

    @cached_property
    def references(self) -> Mapping[tuple[str, str], RefList]:
        """(kind, key) → every reference field of that record as (field loc, field name, id).

        Checks and backlinks both need them, so each record is walked once per base; a record
        object the previous base already had (a rebuild under `serve` reuses unchanged records)
        is not walked again.
        """
        walked = _REFERENCES(o.record for o in self.origins.values())
        return MappingProxyType(dict(zip(self.origins, walked, strict=True)))

    @cached_property
    def trials(self) -> Mapping[str, tuple[Study, ...]]:
        """Trial id → the study records that report that trial (several papers of one trial)."""
        groups: dict[str, list[Study]] = {}
        for study in self.studies.values():
            if study.trial:
                groups.setdefault(study.trial, []).append(study)
        return MappingProxyType({trial: tuple(papers) for trial, papers in groups.items()})

    def file_of(self, kind: str, key: str) -> str:
        return self.origins[(kind, key)].file

    def where(self, kind: str, key: str, loc: tuple = ()) -> tuple[str, int]:
        """(file, line) of a field of a record, for error messages."""
        origin = self.origins[(kind, key)]
        return origin.file, line_for(origin.lines, loc)


def assemble(loaded: list[Loaded]) -> EvidenceBase:
    records: dict[str, dict[str, Record]] = {}
    for item in loaded:
        records.setdefault(item.kind, {})[item.record.id] = item.record
    frozen = {kind: MappingProxyType(dict(sorted(recs.items()))) for kind, recs in sorted(records.items())}
    origins = {(item.kind, item.record.id): item for item in loaded}
    return EvidenceBase(MappingProxyType(frozen), MappingProxyType(origins))


def load_base(evidence_dir: Path, load: Callable[[Path], tuple[list[Loaded], list[EvidenceError]]] = load_all) -> EvidenceBase:
    """Load and check evidence/; raises EvidenceCheckFailed with every error found.

    load replaces loader.load_all, e.g. by cache.RecordCache.load_all."""
    from evidence_site.check.rules import check  # late import: checks needs EvidenceBase

    with gc_paused():
        loaded, errors = load(Path(evidence_dir))
        base = assemble(loaded)
        problems = check(base)
    errors += [p for p in problems if not p.warning]
    if errors:
        raise EvidenceCheckFailed(errors)
    return EvidenceBase(base.records, base.origins, tuple(sorted((p for p in problems if p.warning), key=str)))
