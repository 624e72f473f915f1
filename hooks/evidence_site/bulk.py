"""Bulk work (loading thousands of records, rendering thousands of pages) without GC pauses.

CPython's cyclic garbage collector runs after every few hundred allocations and, as the number
of live objects grows, rescans all of them: loading 10,000 studies creates millions of objects
and spends a third of its time in the collector. Records, node trees and pages hold no reference
cycles that need collecting (reference counting frees them), so the collector is paused during
bulk work and runs normally again afterwards.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


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
