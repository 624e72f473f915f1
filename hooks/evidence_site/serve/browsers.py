"""The browsers showing a preview, as far as their live-reload polls tell.

A preview server's page keeps one request open (a poll naming the build it was served from)
until the next build is done; the browser then reloads the page, and the reloaded page opens a
new poll naming the newer build once it has loaded. So the polls say when every open page has
reloaded after a fast rebuild, which is when the catch-up build (during which the server makes
requests wait) can start without keeping an editor from the page they saved. With no page open
it can start at once.

The front end reports each poll (poll_started / poll_ended); nothing here knows the server.
"""
from __future__ import annotations

import threading


class Browsers:
    """Open pages, counted by their polls."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._open = 0  # polls in progress: one per page that waits for the next build
        self._newest = 0  # the newest build any poll has named
        self._floor = 0  # polls naming a newer build than this come from reloaded pages
        self._expected = 0  # pages open when the last build ended
        self._reloaded = 0  # polls from reloaded pages since then

    def poll_started(self, build: int) -> None:
        with self._cond:
            self._open += 1
            if build > self._floor:
                self._reloaded += 1
                self._cond.notify_all()
            self._newest = max(self._newest, build)

    def poll_ended(self) -> None:
        with self._cond:
            self._open -= 1

    def build_ended(self) -> None:
        """A build is about to be shown: the pages open now will reload."""
        with self._cond:
            self._expected, self._floor, self._reloaded = self._open, self._newest, 0

    def wait_reloaded(self, timeout: float) -> bool:
        """Wait until every page open at build_ended() has reloaded (True), at most timeout seconds."""
        with self._cond:
            return self._cond.wait_for(lambda: self._reloaded >= self._expected, timeout=timeout)
