"""Native file events for a preview server, and what they tell the serve session.

MkDocs' polling finds an edit up to half a second late and stats every record file twice a
second; native events (inotify on Linux) say at once which file changed. Where they are not
available (or EVIDENCE_SITE_POLLING=1, e.g. for a network drive that sends none), the front end
keeps its polling.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from evidence_site.serve.records import ChangeLog


def native_observer():
    """A watchdog observer that reports changes only, or None where native events do not work.

    A started-and-stopped probe says whether native events work here; then a fresh observer
    that reports changes only: native events also say when a file is opened or read, and a build
    reads the watched files (a rebuild would start another, for ever)."""
    if os.environ.get("EVIDENCE_SITE_POLLING"):
        return None
    from watchdog import events
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if Observer is PollingObserver:
        return None
    changes = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent, events.FileMovedEvent,
               events.FileClosedEvent, events.FileAttribEvent]

    class ChangesObserver(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None):
            return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or changes)

    probe = ChangesObserver()
    try:
        with tempfile.TemporaryDirectory() as folder:
            probe.schedule(events.FileSystemEventHandler(), folder)
            probe.start()
            probe.stop()
            probe.join()
    except Exception:  # e.g. the inotify instance limit is reached
        return None
    return ChangesObserver()


def report_changes(observer, evidence: Path, changes: ChangeLog) -> None:
    """Note in changes every file under evidence the observer reports, so a fast rebuild need not
    stat() them all (the catch-up after it still does)."""
    from watchdog.events import FileSystemEventHandler

    if not evidence.is_dir():
        return

    def note(event) -> None:
        if event.is_directory and event.event_type == "modified":
            return  # a folder's entries changed: the events of those entries follow
        changes.note(os.fsdecode(event.src_path))
        if getattr(event, "dest_path", ""):
            changes.note(os.fsdecode(event.dest_path))

    handler = FileSystemEventHandler()
    handler.on_any_event = note  # type: ignore[method-assign]
    observer.schedule(handler, str(evidence.resolve()), recursive=True)
    changes.attach()
