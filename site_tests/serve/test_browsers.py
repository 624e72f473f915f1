"""A catch-up build starts once the pages open in browsers have reloaded the edited page."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

import evidence_site.serve.session as session_module
from evidence_site.serve.browsers import Browsers

ROOT = Path(__file__).resolve().parents[2]


def _poll(browsers: Browsers, build: int, release: threading.Event) -> threading.Thread:
    """A page's poll that stays open until release is set, as a server holds it until the next build."""
    def run() -> None:
        browsers.poll_started(build)
        try:
            release.wait(5)
        finally:
            browsers.poll_ended()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _until(condition, seconds: float = 2.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.005)


def test_with_no_page_open_the_catch_up_need_not_wait():
    browsers = Browsers()
    browsers.build_ended()
    assert browsers.wait_reloaded(timeout=0)


def test_it_waits_for_every_open_page_to_poll_from_the_new_build():
    browsers, shown = Browsers(), threading.Event()
    old = [_poll(browsers, 100, shown), _poll(browsers, 100, shown)]
    _until(lambda: browsers._open == 2)
    browsers.build_ended()
    assert not browsers.wait_reloaded(timeout=0.05)
    shown.set()  # the build is shown: both polls return, the pages reload
    for thread in old:
        thread.join(1)
    stay = threading.Event()
    _poll(browsers, 100, stay)  # a page that polls again for the build it already had is not one reloaded
    assert not browsers.wait_reloaded(timeout=0.05)
    _poll(browsers, 200, stay)
    assert not browsers.wait_reloaded(timeout=0.05)
    _poll(browsers, 200, stay)
    assert browsers.wait_reloaded(timeout=1)
    stay.set()


def test_a_page_that_never_reloads_holds_the_catch_up_for_the_delay_only(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "CATCH_UP_DELAY", 0.2)
    session = session_module.ServeSession(pages_on_disk=True)
    try:
        hold = threading.Event()
        _poll(session.browsers, 100, hold)
        _until(lambda: session.browsers._open == 1)
        session.deferred = True
        started = time.monotonic()
        session.rebuild_done(ok=True)
        trigger = Path(session.trigger_dir) / "catch-up"
        _until(trigger.exists)
        assert trigger.exists() and time.monotonic() - started >= 0.2
        hold.set()
    finally:
        session.close()


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_the_adapter_hears_the_polls_of_the_real_server(tmp_path, monkeypatch, engine):
    """The hook reports polls made by the engine's own live-reload script to its own server."""
    livereload = pytest.importorskip(f"{engine}.livereload")
    monkeypatch.syspath_prepend(str(ROOT / "hooks"))
    import mkdocs_hook

    (tmp_path / "index.html").write_text("<html><body>page</body></html>", encoding="utf-8")
    server = livereload.LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.poll_response_timeout = 2
    server.watch(str(tmp_path))  # a server that watches nothing gives its pages no live-reload script
    builder = mkdocs_hook.SiteBuilder()
    builder.reset("serve", dirty=True)
    try:
        builder.note_polls(server)
        builder.note_polls(server)  # a second on_serve does not count each poll twice
        app = server.get_app()
        page = b"".join(app({"PATH_INFO": "/index.html", "REQUEST_METHOD": "GET"}, lambda *a: None)).decode()
        epoch = int(re.search(r"livereload\(([0-9]+), ([0-9]+)\)", page)[1])  # the build the page shows
        browsers = builder.serve.browsers

        def poll(build: int) -> threading.Thread:
            thread = threading.Thread(target=lambda: app({"PATH_INFO": f"/livereload/{build}/7"}, lambda *a: None),
                                      daemon=True)
            thread.start()
            return thread

        poll(epoch)
        _until(lambda: browsers._open == 1)
        assert browsers._open == 1
        browsers.build_ended()
        assert not browsers.wait_reloaded(timeout=0.05)
        poll(epoch + 1)  # the reloaded page, showing the newer build
        assert browsers.wait_reloaded(timeout=1)
    finally:
        server.server_close()
        builder.serve.close()
