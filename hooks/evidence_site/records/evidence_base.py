"""The evidence base: every checked record, immutable, with where each came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

from evidence_site.errors import EvidenceError
from evidence_site.records.kinds import KINDS, Kind
from evidence_site.records.memo import Memo
from evidence_site.records.models import Record, SiteSettings, Study
from evidence_site.records.references import walk_references


@dataclass(frozen=True)
class Loaded:
    """A validated record and where it came from."""

    kind: str
    record: Record
    file: str  # path as shown to editors, relative to the project root
    lines: dict
    digest: bytes = b""  # of the file's text, as loaded (check/cache.py); empty when not read from a file


def line_for(lines: dict[tuple, int], loc: tuple) -> int:
    """Line of loc, or of its nearest ancestor that has one."""
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc, 1)


def trial_key(study: Study) -> str:
    """The trial a study reports: its shared trial key, else the study itself."""
    return study.trial or study.id


def group_trials(studies: list[Study]) -> dict[str, list[Study]]:
    """Papers grouped by the trial they report (four papers on one trial are one trial)."""
    groups: dict[str, list[Study]] = {}
    for study in studies:
        groups.setdefault(trial_key(study), []).append(study)
    return groups


RefList = tuple[tuple[tuple, str, str], ...]


def _walk(record: Record) -> RefList:
    return tuple(walk_references(record))


@dataclass(frozen=True)
class EvidenceBase:
    """All records by kind and id. Built once per build; never mutated."""

    records: Mapping[str, Mapping[str, Record]]
    origins: Mapping[tuple[str, str], Loaded]
    warnings: tuple[EvidenceError, ...] = field(default=())
    # Work kept by record identity (records/memo.py): the serve session's, across rebuilds, or a
    # fresh one for a build that runs once. Not part of what the base is.
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    def of(self, kind: str) -> Mapping[str, Record]:
        return self.records.get(kind, MappingProxyType({}))

    @cached_property
    def references(self) -> Mapping[tuple[str, str], RefList]:
        """(kind, key) → every reference field of that record as (field loc, field name, id).

        Checks and backlinks both need them, so each record is walked once per base; a record
        object the previous base already had (a rebuild under `serve` reuses unchanged records)
        is not walked again.
        """
        walked = self.memo.each("references", (o.record for o in self.origins.values()), _walk)
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


def _attribute(kind: Kind) -> property:
    if kind.one:
        return property(lambda self: next(iter(self.of(kind.name).values()), None),
                        doc=f"The {kind.singular} record, or None")
    return property(lambda self: self.of(kind.name), doc=f"{kind.singular} id → record")


for _kind in KINDS:  # base.studies, base.sources, ..., base.scheme, base.glossary
    setattr(EvidenceBase, _kind.attribute, _attribute(_kind))


def settings_of(base: EvidenceBase) -> SiteSettings:
    """evidence/site.yaml, or the defaults (default section titles, no registries) when the site has none."""
    return base.settings or SiteSettings(id="site")  # type: ignore[attr-defined]


def assemble(loaded: list[Loaded], memo: Memo | None = None) -> EvidenceBase:
    records: dict[str, dict[str, Record]] = {}
    for item in loaded:
        records.setdefault(item.kind, {})[item.record.id] = item.record
    frozen = {kind: MappingProxyType(dict(sorted(recs.items()))) for kind, recs in sorted(records.items())}
    origins = {(item.kind, item.record.id): item for item in loaded}
    return EvidenceBase(MappingProxyType(frozen), MappingProxyType(origins), memo=Memo() if memo is None else memo)

