"""Garbage collection out of the editor's way, for a preview server's dirty rebuilds."""
from __future__ import annotations

import gc
import threading


class DeferredGC:
    """No collections while rebuilding, one soon after.

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
