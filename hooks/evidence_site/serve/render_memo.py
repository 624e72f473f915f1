"""Re-render only the pages an edit can have changed (for rebuilds under a preview server).

Rendering all 24,000 pages of 10,000 studies takes seconds; an editor who saved one record
wants the page back in under one. RenderMemo renders through a proxy of the evidence base that
records which records each page reads, and keeps each page with those reads and the arguments
it was rendered with. On the next rebuild a page is reused when its arguments are equal and
none of the records it read changed (a changed record is a new object: the record cache keeps
unchanged ones). Any other read of the base (an attribute this proxy does not know, the whole
`records` or `origins` mapping) makes the page depend on everything, so a page the proxy cannot
follow is re-rendered after every change rather than shown stale.

The renderer is used as it is: a subclass (_MemoRenderer) overrides only `page`, which renders
one page, and `make_pages`, which may keep an earlier page. site_tests/serve/test_bench.py checks
that after edits of every kind the reused pages equal a full render.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterator

from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.kinds import KINDS
from evidence_site.render.renderer import Page, Renderer

EVERYTHING = ("*", None)  # a dependency on the whole base
# EvidenceBase attributes that are a kind's records, and those that are a kind's one record.
KIND_PROPERTIES = MappingProxyType({k.attribute: k.name for k in KINDS if not k.one})
SINGLE_PROPERTIES = MappingProxyType({k.attribute: k.name for k in KINDS if k.one})
# Mappings the base derives from records, and how an edited record changes their keys.
DERIVED = {"trials": lambda kind, record: [record.trial] if kind == "studies" and record.trial else []}


class _Reads:
    """What the page being rendered has read: (kind, key), (kind, None) for a whole kind."""

    def __init__(self) -> None:
        self.deps: set | None = None  # None outside a page (e.g. in Renderer.__init__)

    def note(self, dep: tuple) -> None:
        if self.deps is not None:
            self.deps.add(dep)


class _Tracked(Mapping):
    """A read-only mapping that notes each key looked up; listing it notes the whole of it."""

    def __init__(self, inner: Mapping, reads: _Reads, kind: str | None):
        self._inner, self._reads, self._kind = inner, reads, kind

    def _key(self, key: Any) -> tuple:
        return (self._kind, key) if self._kind is not None else key  # references: key is (kind, id)

    def __getitem__(self, key: Any) -> Any:
        self._reads.note(self._key(key))
        return self._inner[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._reads.note(self._key(key))
        return self._inner.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._reads.note(self._key(key))
        return key in self._inner

    def _all(self) -> Mapping:
        self._reads.note((self._kind, None) if self._kind is not None else EVERYTHING)
        return self._inner

    def __iter__(self) -> Iterator:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def keys(self):  # type: ignore[override]
        return self._all().keys()

    def values(self):  # type: ignore[override]
        return self._all().values()

    def items(self):  # type: ignore[override]
        return self._all().items()


class _TrackedBase:
    """Stands in for an EvidenceBase while rendering and notes what a page reads from it."""

    def __init__(self, base: EvidenceBase, reads: _Reads):
        self._base, self._reads = base, reads
        self._kinds: dict[str, _Tracked] = {}
        self.references = _Tracked(base.references, reads, None)

    def of(self, kind: str) -> _Tracked:
        if kind not in self._kinds:
            self._kinds[kind] = _Tracked(self._base.of(kind), self._reads, kind)
        return self._kinds[kind]

    def file_of(self, kind: str, key: str) -> str:
        # Not a read of the record: its file is <kind>/<id>.yaml whatever it holds (the loader
        # refuses an id that differs from the file name), and the key came from a tracked read.
        return self._base.file_of(kind, key)

    @property
    def memo(self) -> Any:
        # Not a read of the records: what the memo keeps is keyed by records read through this
        # proxy (derive/levels.compute_studies reads every record its kept result depends on).
        return self._base.memo

    def where(self, kind: str, key: str, loc: tuple = ()) -> tuple[str, int]:
        self._reads.note((kind, key))
        return self._base.where(kind, key, loc)

    def __getattr__(self, name: str) -> Any:
        if name in KIND_PROPERTIES:
            return self.of(KIND_PROPERTIES[name])
        if name in DERIVED:
            if name not in self._kinds:
                self._kinds[name] = _Tracked(getattr(self._base, name), self._reads, name)
            return self._kinds[name]
        if name in SINGLE_PROPERTIES:
            self._reads.note((SINGLE_PROPERTIES[name], None))
        else:
            self._reads.note(EVERYTHING)  # records, origins, warnings, anything new
        return getattr(self._base, name)


@dataclass(frozen=True)
class _Piece:
    """A part of a page (Renderer.piece) as it was made: kept with its inputs so their ids stay theirs."""
    inputs: tuple
    deps: frozenset
    cited: tuple  # (source id, number) of each citation in it, in order
    text: str


@dataclass(frozen=True)
class _Rendered:
    args: tuple
    deps: frozenset
    page: Page
    pieces: Mapping  # (name, inputs' identities) -> _Piece
    entries: Mapping  # source id -> (source, style, text) of each entry of its reference list


def _identity(value: object) -> object:
    """What a piece's input is compared by: a plain value by value, a record or result by identity."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(map(_identity, value))
    return id(value)


class RenderMemo:
    """Pages of the previous render, reused while what they were made from is unchanged."""

    def __init__(self) -> None:
        self._pages: dict[str, _Rendered] = {}
        self._records: dict[str, Mapping] = {}
        self._carried: set = set()  # changes deferring renders saw, for the next full one
        self.rendered = 0  # pages rendered (not reused) by the last call
        self.pieces_reused = 0  # parts of the pages it rendered that it took from the previous render

    def render(self, base: EvidenceBase, directory_urls: bool = True, *extra: object, defer: bool = False
               ) -> dict[str, Page]:
        """The same pages as render.render_site(base, directory_urls, *extra).

        With defer, only the pages of changed records (and new pages) are rendered: the page of
        the record an editor saved. Every other page keeps its previous text without its context
        even being computed, however it depends on the edit (an index listing every study, the
        evidence map, the pages of the sources a study cites), and the next render without defer
        brings them up to date. A preview server shows the edited page at once this way and the
        rest a moment later, as Hugo's "fast render" does.
        """
        changed = self._changes(base)
        if defer:
            self._carried |= changed
        else:
            changed, self._carried = changed | self._carried, set()
        renderer = _MemoRenderer(base, directory_urls, extra, self._pages, changed, defer)
        pages = renderer.all()
        self._pages, self.rendered, self.pieces_reused = renderer.fresh, renderer.rendered, renderer.pieces_reused
        return pages

    def _changes(self, base: EvidenceBase) -> set:
        """Every dependency an edit since the previous render invalidates."""
        changed: set = set()
        for kind in set(self._records) | set(base.records):
            old, new = self._records.get(kind, {}), base.of(kind)
            keys = {k for k in new if old.get(k) is not new[k]} | (set(old) - set(new))
            if keys:
                changed |= {(kind, k) for k in keys} | {(kind, None)}
            for name, keys_of in DERIVED.items():  # e.g. a study that joins or leaves a trial
                touched = {d for k in keys for r in (old.get(k), new.get(k)) if r is not None for d in keys_of(kind, r)}
                changed |= {(name, d) for d in touched} | ({(name, None)} if touched else set())
        if changed:
            changed.add(EVERYTHING)
        self._records = {kind: base.of(kind) for kind in base.records}
        return changed


class _MemoRenderer(Renderer):
    """A Renderer over a tracked base that reuses the pages of the previous render."""

    def __init__(self, base: EvidenceBase, directory_urls: bool, extra: tuple, previous: dict[str, _Rendered],
                 changed: set, defer: bool) -> None:
        self._reads = _Reads()
        super().__init__(_TrackedBase(base, self._reads), directory_urls, *extra)  # type: ignore[arg-type]
        self._extra, self._previous, self._changed, self._defer = extra, previous, changed, defer
        self._direct = {dep for dep in changed if dep[1] is not None and dep != EVERYTHING}  # (kind, id) of each
        self.fresh: dict[str, _Rendered] = {}  # every page of this render, for the next one
        self.rendered = 0  # pages rendered, not reused
        self.pieces_reused = 0
        self._old_pieces: Mapping = {}  # of the page being rendered, from the previous render
        self._new_pieces: dict | None = None  # None outside a page and inside a piece
        self._old_entries: Mapping = {}  # of the reference list of the page being rendered (References.entries)
        self._new_entries: dict = {}

    def make_pages(self, specs: list[tuple[str, Callable[[], Page]]]) -> dict[str, Page]:
        return super().make_pages([(src, self._kept_or(src, make)) for src, make in specs])

    def _kept_or(self, src: str, make: Callable[[], Page]) -> Callable[[], Page]:
        """make, or the page's previous text when a deferring render keeps it (not its own record's page)."""
        old = self._previous.get(src)
        if not self._defer or old is None or old.args[2] in self._direct:  # args[2]: the record the page is of
            return make

        def kept() -> Page:
            self.fresh[src] = old  # with the arguments and reads it was made from, for the next full render
            return old.page
        return kept

    def page(self, template: str, src: str, title: str, record: tuple[str, str] | None = None,
             meta: dict | None = None, **context: object) -> Page:
        args = (template, title, record, meta, context, self.directory_urls, self._extra)
        old = self._previous.get(src)
        if old is not None and old.deps.isdisjoint(self._changed) and old.args == args:
            self.fresh[src] = old
            return old.page
        # Its pieces are reused only for the same template, title, record and site settings.
        same_page = old is not None and (old.args[:3], old.args[5:]) == (args[:3], args[5:])
        self._old_pieces, self._new_pieces = old.pieces if same_page else {}, {}
        self._old_entries, self._new_entries = old.entries if same_page else {}, {}
        self._reads.deps = set()
        try:
            made = super().page(template, src, title, record, meta, **context)
        finally:
            deps, self._reads.deps = frozenset(self._reads.deps), None
            pieces, self._old_pieces, self._new_pieces = self._new_pieces, {}, None
            entries, self._old_entries, self._new_entries = self._new_entries, {}, {}
        self.fresh[src] = _Rendered(args, deps, made, MappingProxyType(pieces), MappingProxyType(entries))
        self.rendered += 1
        return made

    def _references(self, src: str, style: Any) -> Any:
        refs = super()._references(src, style)
        refs.earlier_entries, refs.entries = self._old_entries, self._new_entries
        return refs

    def piece(self, refs: Any, name: str, *inputs: object, caller: Callable[[], str]) -> str:
        """The previous render's text of this part of the page while its inputs are the same
        objects, none of the records it read changed and its citations get the same numbers
        again; else caller(), noting what it reads and cites. The page depends on what its
        pieces read, reused or not."""
        new = self._new_pieces
        if new is None:
            return caller()
        key = (name, _identity(inputs))
        old = self._old_pieces.get(key)
        # the numbering check stops at the first difference: caller() then cites the same sources
        # in the same order, so the numbers it gives are those of a full render
        if old is not None and old.deps.isdisjoint(self._changed) and all(refs.number(k) == n for k, n in old.cited):
            self._reads.deps |= old.deps  # type: ignore[operator]
            new[key] = old
            self.pieces_reused += 1
            return old.text
        outer, self._reads.deps, self._new_pieces, refs.trace = self._reads.deps, set(), None, []
        try:
            text = caller()
        finally:
            deps, cited = frozenset(self._reads.deps), tuple(refs.trace)
            outer.update(deps)  # type: ignore[union-attr]  # in place: a copy per row grew with the page
            self._reads.deps, self._new_pieces, refs.trace = outer, new, None
        new[key] = _Piece(inputs, deps, cited, text)
        return text
