"""Work done per record, kept by record identity; and bulk work without GC pauses.

Memo: under `serve`, a record whose file did not change is the same object from one rebuild to
the next (serve/records.py), so work keyed on the object (its references, their checks, its
JSON dump) is done again only for the records an edit touched. The serve session owns one Memo
for the whole process; a one-shot build gets a fresh one, which still spares work between the
evidence bases one build makes (each `dataclasses.replace` of a base starts without its cached
properties).

gc_paused: CPython's cyclic garbage collector runs after every few hundred allocations and, as
the number of live objects grows, rescans all of them: loading 10,000 studies creates millions
of objects and spends a third of its time in the collector. Records, node trees and pages hold
no reference cycles that need collecting (reference counting frees them), so the collector is
paused during bulk work and runs normally again afterwards.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator


class Memo:
    """Results kept from the previous build, each reused only while its inputs are the same."""

    def __init__(self) -> None:
        self._each: dict[str, tuple[Any, dict[int, tuple[Any, Any]]]] = {}
        self._whole: dict[str, tuple[Any, Any]] = {}
        self._kept: dict[tuple, tuple[tuple, Any]] = {}  # this build's results of kept()
        self._kept_before: dict[tuple, tuple[tuple, Any]] = {}  # the previous build's

    def each(self, name: str, items: Iterable[Any], fn: Callable[[Any], Any], context: Any = None) -> list[Any]:
        """[fn(item) for item in items], reusing the result for an item object the previous call
        of this name also had, if that call had an equal context (e.g. the ids a reference may
        point to). A result is kept with its object, not just its id(), so the id of a freed
        record reused by a new one is never mistaken for it. Items the call did not have are
        forgotten."""
        old_context, last = self._each.get(name, (context, {}))
        if old_context != context:
            last = {}
        fresh: dict[int, tuple[Any, Any]] = {}
        out = []
        for item in items:
            hit = last.get(id(item))
            if hit is None or hit[0] is not item:
                hit = (item, fn(item))
            fresh[id(item)] = hit
            out.append(hit[1])
        self._each[name] = (context, fresh)
        return out

    def whole(self, name: str, key: object, fn: Callable[[], Any]) -> Any:
        """fn(), or the previous call's result while key equals the previous call's key."""
        last = self._whole.get(name)
        if last is not None and last[0] == key:
            return last[1]
        value = fn()
        self._whole[name] = (key, value)
        return value

    def kept(self, name: str, values: tuple, objects: tuple, fn: Callable[[], Any]) -> Any:
        """fn(), or the result of an earlier call of this name in this build or the previous one
        with equal values and the same objects (compared by identity: records, trials). The
        entry holds the objects, so their ids cannot be taken by new objects while it lives.
        For work asked for many times with different inputs: the level of each set of studies."""
        ident = (name, values, tuple(map(id, objects)))
        hit = self._kept.get(ident) or self._kept_before.get(ident)
        if hit is None:
            hit = (objects, fn())
        self._kept[ident] = hit
        return hit[1]

    def next_build(self) -> None:
        """A new build begins: what kept() made two builds ago and not since is forgotten."""
        self._kept_before, self._kept = self._kept, {}


@contextmanager
def gc_paused(keep_until_exit: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nesting is fine).

    keep_until_exit also exempts everything alive at the end of the block from future
    collections (gc.freeze): for a one-shot build, whose evidence base and pages live until the
    process exits and would otherwise be rescanned by every full collection while the site
    generator renders HTML. Not for a long-lived process (serve): frozen garbage that has
    reference cycles is never freed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep_until_exit:
            gc.freeze()
        if enabled:
            gc.enable()
