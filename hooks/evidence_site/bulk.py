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
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nesting is fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
