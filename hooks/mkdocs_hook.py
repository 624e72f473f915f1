"""The only module that knows MkDocs: it adapts the evidence_site core to MkDocs events.

Registered in mkdocs.yml under `hooks:`. MkDocs loads this module once per process (and
`serve` reuses it across rebuilds), so per-build state is reset in on_config; `_session` holds
only what `serve` keeps between rebuilds (the core's cache).
"""
from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path
from urllib.parse import urljoin

from jinja2 import BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the core package lives beside this file

from evidence_site import pipeline  # noqa: E402
from evidence_site.errors import EvidenceCheckFailed  # noqa: E402
from evidence_site.export import publish  # noqa: E402
from evidence_site.render.renderer import SiteLinks  # noqa: E402
from evidence_site.serve.session import Cache  # noqa: E402

_state: dict = {}
_run: dict = {}  # one `mkdocs build` command: where the site goes, and whether it succeeded
# Kept across the rebuilds of one `serve` process: the core's cache of checked records and, for
# `serve --dirty`, of generated page files (only changed pages get a newer file, so only they
# are rebuilt). Empty for `build`, which builds once.
_session: dict = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load and check evidence/; refuse the build with one line per problem."""
    _state.clear()
    if "cache" in _session:
        _session["cache"].rebuild_started()
    root = _root(config)
    extra = config.extra.get("evidence", {}) if isinstance(config.extra.get("evidence"), dict) else {}
    try:
        built = pipeline.build(root / "evidence", Path(config.docs_dir), directory_urls=config.use_directory_urls,
                           links=_links(config), review_max_age_days=extra.get("review_max_age_days", 730),
                           site_url=config.site_url, cache=_session.get("cache"), one_shot="cache" not in _session)
    except EvidenceCheckFailed as failed:
        raise PluginError(str(failed)) from None
    _print_warnings(built.warnings)
    _state["built"] = built
    config.watch.append(str(root / "evidence"))
    if "cache" in _session and _session["cache"].trigger_dir:
        config.watch.append(_session["cache"].trigger_dir)  # where the cache asks for a catch-up build
    if _run.get("stage") and "site_dir" not in _run:
        # Write the build beside site/ and swap it in at the end (see publish.py).
        _run["site_dir"], _run["config"] = Path(config.site_dir), config
        config.site_dir = str(publish.staging_dir(Path(config.site_dir)))
    return config


def _print_warnings(warnings) -> None:
    """Printed, not logged: a warning must not fail a --strict build. Under `serve`, a rebuild
    prints only warnings the previous build did not have (thousands of "no review date" lines
    after every save would bury the new one, and take time to print)."""
    keys = [(w.file, w.line, w.field, w.message) for w in warnings]
    seen = _session.get("warned")
    for key, warning in zip(keys, warnings, strict=True):
        if seen is None or key not in seen:
            print(f"WARNING -  {warning}", file=sys.stderr)
    now = set(keys)
    same = len(seen & now) if seen is not None else 0
    if same:
        print(f"INFO    -  {same} warnings as in the previous build", file=sys.stderr)
    if "cache" in _session:
        _session["warned"] = now


def on_startup(command: str, dirty: bool) -> None:
    """`build` and `gh-deploy` publish all at once; `serve` keeps its own temporary folder and a
    cache for its rebuilds."""
    _run.clear()
    _run["stage"] = command in ("build", "gh-deploy")
    if command == "serve":
        _session["cache"] = Cache(pages_on_disk=dirty)


def on_build_error(error: Exception) -> None:
    """Any failure, including strict mode's warnings count: drop the staged build."""
    _run["failed"] = True
    if "cache" in _session:
        _session["cache"].rebuild_done(ok=False)


def on_shutdown() -> None:
    """Publish the staged build if it succeeded; otherwise site/ stays as it was."""
    if "site_dir" in _run:
        staging, config = Path(_run["config"].site_dir), _run["config"]
        if _run.get("done") and not _run.get("failed"):
            publish.publish(staging, _run["site_dir"])
            print(f"INFO    -  Published the build to {_run['site_dir']}", file=sys.stderr)
        else:
            publish.discard(staging)
        config.site_dir = str(_run["site_dir"])  # gh-deploy reads it after shutdown
    _run.clear()
    if "cache" in _session:
        _session.pop("cache").close()
    _session.pop("templates", None)
    _session.pop("warned", None)
    _session.pop("not_in_nav", None)


def on_serve(server, config: MkDocsConfig, builder):
    """Hear about a saved file at once: native file events (inotify on Linux) instead of MkDocs'
    polling, which finds an edit up to half a second late and stats every record file twice a
    second. Where native events are not available (or EVIDENCE_SITE_POLLING=1, e.g. for a network
    drive that sends none), MkDocs' polling stays."""
    native = _native_observer()
    watched = dict(getattr(server, "_watched_paths", {}))  # MkDocs 1.6 LiveReloadServer
    if native is None or not watched or server.observer.is_alive():
        return server
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = native
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)
    _report_changes(server, _root(config) / "evidence")
    return server


def _report_changes(server, evidence: Path) -> None:
    """Tell the core's cache which record files changed, so a fast rebuild need not stat() them
    all (the catch-up after it still does)."""
    from watchdog.events import FileSystemEventHandler

    if "cache" not in _session or not evidence.is_dir():
        return
    changes = _session["cache"].changes

    def note(event) -> None:
        if event.is_directory and event.event_type == "modified":
            return  # a folder's entries changed: the events of those entries follow
        changes.note(os.fsdecode(event.src_path))
        if getattr(event, "dest_path", ""):
            changes.note(os.fsdecode(event.dest_path))

    handler = FileSystemEventHandler()
    handler.on_any_event = note  # type: ignore[method-assign]
    server.observer.schedule(handler, str(evidence.resolve()), recursive=True)
    changes.attach()


def _native_observer():
    """A started-and-stopped probe says whether native events work here; then a fresh observer
    that reports changes only: native events also say when a file is opened or read, and a build
    reads the watched files (a rebuild would start another, for ever)."""
    if os.environ.get("EVIDENCE_SITE_POLLING"):
        return None
    import tempfile

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


def on_env(env, config: MkDocsConfig, files: Files):
    """Under `serve`, keep the theme's compiled templates between rebuilds (MkDocs makes a new
    template environment for each rebuild and would compile every Material template again)."""
    if "cache" in _session:
        env.bytecode_cache = _session.setdefault("templates", _TemplateCache())
    return env


class _TemplateCache(BytecodeCache):
    """Compiled Jinja templates in memory, by template and source checksum (Jinja checks both)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add one generated page per record; edit links point at the record's YAML file."""
    built, cache = _state["built"], _session.get("cache")
    on_disk = cache.pages.sync(built.pages) if cache and cache.pages else {}
    skip = _unchanged_out_of_nav(files, config) if on_disk else set()
    to_root = os.path.relpath(_root(config), config.docs_dir).replace(os.sep, "/")  # once, not per page
    for page in built.pages.values():
        if page.src in skip:
            continue
        if files.get_file_from_path(page.src):
            raise PluginError(f"{config.docs_dir}/{page.src}: a hand-written page has the path of a generated page")
        if page.src in on_disk:
            file = File.generated(config, page.src, abs_src_path=on_disk[page.src])
        else:
            file = File.generated(config, page.src, content=page.markdown)
        if page.record_file:
            file.edit_uri = posixpath.normpath(posixpath.join(to_root, page.record_file))
        files.append(file)
    return files


def _unchanged_out_of_nav(files: Files, config: MkDocsConfig) -> set[str]:
    """Generated pages a dirty rebuild need not hand to MkDocs at all.

    A dirty rebuild skips pages whose source is older than their output, but MkDocs still makes
    a page object, a nav check and a sitemap entry for each (about 1.5 s for 24,000 pages). A
    generated page that did not change, is not in the nav and cannot be the target of a changed
    hand-written page's links (no hand-written page changed) keeps its output from the previous
    build, so it is left out. The first build of a serve process, and any build after a failed
    one, includes every page.
    """
    cache = _session["cache"]
    if not cache.last_ok or any(f.is_modified() for f in files.documentation_pages()):
        return set()
    in_nav = set(_nav_sources(config.nav or []))
    out_of_nav = config.not_in_nav
    if not out_of_nav:
        return set()
    # Whether a path matches not_in_nav, kept while the patterns stay (24,000 matches take 0.1 s).
    patterns = tuple(str(getattr(p, "pattern", p)) for p in getattr(out_of_nav, "patterns", ()))
    if _session.get("not_in_nav", (None,))[0] != patterns:
        _session["not_in_nav"] = (patterns, {})
    matched = _session["not_in_nav"][1]
    for src in cache.pages.unchanged - matched.keys():
        matched[src] = bool(out_of_nav.match_file(src))
    return {src for src in cache.pages.unchanged if src not in in_nav and matched[src]}


def _nav_sources(nav: object) -> list[str]:
    """Every page path named in the nav configuration."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [src for value in nav.values() for src in _nav_sources(value)]
    if isinstance(nav, list):
        return [src for item in nav for src in _nav_sources(item)]
    return []


def on_page_markdown(markdown: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    """Resolve [@key] citations in hand-written pages; generated pages are already done."""
    built = _state["built"]
    if page.file.src_uri in built.pages:
        if "cache" not in _session:
            # A one-shot build: MkDocs has read the page and keeps its own copy until the end,
            # so the generated text is let go (about 130 MB for 10,000 studies).
            built.release(page.file.src_uri)
            page.file.content_string = ""
        return markdown
    try:
        markdown = built.cite_page(markdown, page.file.src_uri, f"{_docs_rel(config)}/{page.file.src_uri}")
        return built.abbreviate_markdown(markdown)
    except EvidenceCheckFailed as failed:
        raise PluginError(str(failed)) from None


def on_page_content(html: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    """Mark each cited paragraph of a hand-written page as a claim (data-claim); glossary
    tooltips on generated pages (hand-written ones get them from the abbr extension)."""
    if page.file.src_uri in _state["built"].pages:
        return _state["built"].abbreviate_html(html)
    return _state["built"].mark_claims(html)


def on_post_build(config: MkDocsConfig) -> None:
    """Write redirects for old URLs and the open-data exports."""
    _state["built"].write_extras(Path(config.site_dir))
    _run["done"] = True
    if "cache" in _session:
        _session["cache"].rebuild_done(ok=True, deferred=_state["built"].deferred)


def _links(config: MkDocsConfig) -> SiteLinks | None:
    """Edit and report links from repo_url and edit_uri ('edit/main/content/' → 'edit/main/')."""
    if not config.repo_url or not config.edit_uri:
        return None
    repo = config.repo_url.rstrip("/") + "/"
    edit_root = urljoin(repo, posixpath.dirname(config.edit_uri.rstrip("/")) + "/")
    return SiteLinks(edit_root, urljoin(repo, "issues/new"))


def _docs_rel(config: MkDocsConfig) -> str:
    return os.path.relpath(config.docs_dir, _root(config)).replace(os.sep, "/")
