"""Bulk work (loading thousands of records, rendering thousands of pages) without GC pauses.

CPython's cyclic garbage collector runs after every few hundred allocations and, as the number
of live objects grows, rescans all of them: loading 10,000 studies creates millions of objects
and spends a third of its time in the collector. Records, node trees and pages hold no reference
cycles that need collecting (reference counting frees them), so the collector is paused during
bulk work and runs normally again afterwards.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator


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


class DeferredGC:
    """For a preview server's dirty rebuilds: no collections while rebuilding, one soon after.

    A server that holds 10,000 records, their pages and the site generator's structures has
    millions of live objects; a full collection that happens to fall inside a rebuild costs
    seconds, while the editor waits for the page. Pausing the collector for the rebuild and
    collecting DELAY seconds after it (when the page has been served) moves that cost out of
    the editor's way. Only for rebuilds that make little garbage (dirty ones): a full build with
    the collector off would keep all of its cyclic garbage until the end.
    """

    DELAY = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._round = 0

    def pause(self) -> None:
        with self._lock:
            self._round += 1
            gc.disable()

    def resume_later(self) -> None:
        with self._lock:
            self._round += 1
            mine = self._round
        timer = threading.Timer(self.DELAY, self._collect, args=(mine,))
        timer.daemon = True
        timer.start()

    def _collect(self, mine: int) -> None:
        with self._lock:
            if mine != self._round:  # a rebuild started meanwhile; its end schedules another
                return
            gc.enable()
        gc.collect()


class PerRecord:
    """fn(record) for every record of a base, reusing results for record objects the previous
    call also had. Under `serve` an unchanged record is the same object from one rebuild to the
    next (cache.RecordCache), so a rebuild after one edit computes fn for that record only. A
    result is kept with its record (not just its id), so a reused id is never mistaken for it.
    """

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self._fn = fn
        self._last: dict[int, tuple[Any, Any]] = {}

    def __call__(self, records: Iterable[Any]) -> list[Any]:
        last, fresh, out = self._last, {}, []
        for record in records:
            hit = last.get(id(record))
            if hit is None or hit[0] is not record:
                hit = (record, self._fn(record))
            fresh[id(record)] = hit
            out.append(hit[1])
        self._last = fresh
        return out
