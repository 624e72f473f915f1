"""The only module that knows MkDocs: it adapts the evidence_site core to the events of MkDocs 1.x
and of ProperDocs, its maintained fork (the same events and classes).

Registered in mkdocs.yml under `hooks:`. Each event function below hands the event to one
SiteBuilder, which holds the state of one MkDocs command: the built evidence site and, for
`mkdocs build`, where the staged site is published; under `mkdocs serve`, the serve session
(evidence_site/serve/) that keeps work between rebuilds. MkDocs loads this module once per
process and `serve` reuses it across rebuilds, so the builder is reset in on_startup (a new
command) and its per-build state in on_config (a new build).
"""
from __future__ import annotations

import os
import posixpath
import re
import sys
from pathlib import Path

# The engine that loaded this hook: ProperDocs (the maintained fork of MkDocs 1.x that the README's
# commands run) or MkDocs 1.6 itself. ProperDocs answers `import mkdocs` too, but MkDocs never
# imports properdocs, so its presence says which classes the running engine uses.
if "properdocs" in sys.modules:
    from properdocs.config.defaults import MkDocsConfig
    from properdocs.exceptions import PluginError
    from properdocs.plugins import event_priority
    from properdocs.structure.files import File, Files
    from properdocs.structure.pages import Page as MkPage
else:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import event_priority
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page as MkPage

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the core package lives beside this file

from evidence_site import pipeline  # noqa: E402
from evidence_site.check.config import evidence_options  # noqa: E402
from evidence_site.errors import EvidenceCheckFailed, EvidenceError  # noqa: E402
from evidence_site.export import publish, search_index  # noqa: E402
from evidence_site.render import problems  # noqa: E402
from evidence_site.render.passthrough import SetAside  # noqa: E402
from evidence_site.render.renderer import SiteLinks  # noqa: E402  (the type of _links)
from evidence_site.render.sanitize import inert_text  # noqa: E402
from evidence_site.serve import watch  # noqa: E402
from evidence_site.serve.session import ServeSession  # noqa: E402
from evidence_site.session import OneShot  # noqa: E402


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


class SiteBuilder:
    """The state of one MkDocs command, and what each event does with it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, command: str = "", dirty: bool = False) -> None:
        """The state of a new command (none: the state of no command, as before on_startup)."""
        self.stage = command in ("build", "gh-deploy")  # publish all at once (see publish.py)
        # Kept across the rebuilds of one `serve` process: the core's serve session and, for
        # `serve --dirty`, its generated page files (only changed pages get a newer file, so
        # only they are rebuilt). None for `build`, which builds once.
        self.serve = ServeSession(pages_on_disk=dirty) if command == "serve" else None
        self.built: pipeline.Built | None = None
        self.site_dir: Path | None = None  # where a staged build is published
        self.config: MkDocsConfig | None = None
        self.done = self.failed = False
        self.problems: list[EvidenceError] = []  # this build's record errors, shown under `serve`
        self.last_good: pipeline.Built | None = None  # under `serve`: what a build with errors shows
        self.aside: dict[str, SetAside] = {}  # a generated page's HTML blocks, from its Markdown to its HTML

    def config_loaded(self, config: MkDocsConfig) -> MkDocsConfig:
        self.built, self.problems = None, []
        if self.serve:
            self.serve.rebuild_started()
        root = _root(config)
        try:
            options = evidence_options(config.extra.get("evidence"), Path(config.config_file_path))
            self.built = pipeline.build(
                root / "evidence", Path(config.docs_dir), directory_urls=config.use_directory_urls,
                links=_links(config), review_max_age_days=options.review_max_age_days,
                site_url=config.site_url, session=self.serve or OneShot(exits_after=True))
        except EvidenceCheckFailed as failed:
            self.built = self.preview_despite(failed, config)
        if self.serve and not self.problems:
            self.last_good = self.built
        self.print_warnings(self.built.warnings)
        config.watch.append(str(root / "evidence"))
        if self.serve and self.serve.trigger_dir:
            config.watch.append(self.serve.trigger_dir)  # where the session asks for a catch-up build
        if self.stage and self.site_dir is None:
            # Write the build beside site/ and swap it in at the end (see publish.py).
            self.site_dir, self.config = Path(config.site_dir), config
            config.site_dir = str(publish.staging_dir(Path(config.site_dir)))
        return config

    def preview_despite(self, failed: EvidenceCheckFailed, config: MkDocsConfig) -> pipeline.Built:
        """Under `serve`, a record error does not stop the preview: the last good build (before
        one, the hand-written pages alone) is served with a banner naming every file:line, until
        the records check again. A one-shot build refuses, as before."""
        if not self.serve:
            raise PluginError(str(failed)) from None
        print("ERROR   -  The records have problems; the preview shows them until they are fixed:\n"
              + str(failed), file=sys.stderr)
        self.problems = failed.errors
        if self.last_good is not None:
            return self.last_good
        import tempfile

        # Before any good build there are no generated pages: the nav keeps only the hand-written
        # ones, or a strict config would stop at the missing sections instead of showing the banner.
        config.nav = _written_only(config.nav, Path(config.docs_dir))
        _links_not_checked(config)
        with tempfile.TemporaryDirectory() as empty:
            return pipeline.build(Path(empty), None, directory_urls=config.use_directory_urls)

    def print_warnings(self, warnings: tuple[EvidenceError, ...]) -> None:
        """Printed, not logged: a warning must not fail a --strict build. Under `serve`, a rebuild
        prints only warnings the previous build did not have."""
        new, same = self.serve.new_warnings(warnings) if self.serve else (warnings, 0)
        for warning in new:
            print(f"WARNING -  {warning}", file=sys.stderr)
        if same:
            print(f"INFO    -  {same} warnings as in the previous build", file=sys.stderr)

    def build_failed(self) -> None:
        self.failed = True
        if self.serve:
            self.serve.rebuild_done(ok=False)

    def shut_down(self) -> None:
        if self.site_dir is not None:
            staging, config = Path(self.config.site_dir), self.config
            if self.done and not self.failed:
                publish.publish(staging, self.site_dir)
                print(f"INFO    -  Published the build to {self.site_dir}", file=sys.stderr)
            else:
                publish.discard(staging)
            config.site_dir = str(self.site_dir)  # gh-deploy reads it after shutdown
        if self.serve:
            self.serve.close()
        self.reset()  # back to no command: nothing kept

    def watch_natively(self, server, config: MkDocsConfig):
        """Native file events instead of polling, feeding the serve session's list of changes."""
        native = watch.native_observer()
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
        if self.serve:
            watch.report_changes(server.observer, _root(config) / "evidence", self.serve.changes)
        return server

    def note_polls(self, server) -> None:
        """Report each live-reload poll of the server's pages to the serve session, which starts
        a catch-up build once the open pages have reloaded (serve/browsers.py). The poll's path
        is MkDocs' `/livereload/<build>/<request>`; a server without get_app is left alone."""
        if not self.serve or not callable(getattr(server, "get_app", None)):
            return
        app, browsers = server.get_app(), self.serve.browsers
        if getattr(app, "notes_polls", False):
            return  # already reported

        def app_noting_polls(environ, start_response):
            poll = _POLL.fullmatch(environ.get("PATH_INFO", ""))
            if poll is None:
                return app(environ, start_response)
            browsers.poll_started(int(poll[1]))
            try:
                return app(environ, start_response)  # returns when the next build is shown
            finally:
                browsers.poll_ended()
        app_noting_polls.notes_polls = True  # type: ignore[attr-defined]
        server.set_app(app_noting_polls)

    def environment(self, env):
        if self.serve:
            env.bytecode_cache = self.serve.templates
        return env

    def add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        built, store = self.built, self.serve.pages if self.serve else None
        on_disk = store.sync(built.pages) if store else {}
        skip = self._unchanged_out_of_nav(files, config) if on_disk else set()
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

    def _unchanged_out_of_nav(self, files: Files, config: MkDocsConfig) -> set[str]:
        """Generated pages a dirty rebuild need not hand to MkDocs at all.

        A dirty rebuild skips pages whose source is older than their output, but MkDocs still makes
        a page object, a nav check and a sitemap entry for each (about 1.5 s for 24,000 pages). A
        generated page that did not change, is not in the nav and cannot be the target of a changed
        hand-written page's links (no hand-written page changed) keeps its output from the previous
        build, so it is left out. The first build of a serve process, and any build after a failed
        one, includes every page.
        """
        serve = self.serve
        if not serve.last_ok or any(f.is_modified() for f in files.documentation_pages()):
            return set()
        in_nav = set(_nav_sources(config.nav or []))
        out_of_nav = config.not_in_nav
        if not out_of_nav:
            return set()
        patterns = tuple(str(getattr(p, "pattern", p)) for p in getattr(out_of_nav, "patterns", ()))
        matched = serve.out_of_nav.of(patterns, serve.pages.unchanged, out_of_nav.match_file)
        return {src for src in serve.pages.unchanged if src not in in_nav and matched[src]}

    def page_markdown(self, markdown: str, page: MkPage, config: MkDocsConfig) -> str:
        built = self.built
        if page.file.src_uri in built.pages:
            if not self.serve:
                # A one-shot build: MkDocs has read the page and keeps its own copy until the end,
                # so the generated text is let go (about 130 MB for 10,000 studies).
                built.release(page.file.src_uri)
                page.file.content_string = ""
            self.aside[page.file.src_uri] = aside = SetAside(markdown)  # MkDocs need not parse its HTML
            return aside.markdown
        if isinstance(page.meta.get("tags"), list):  # the tags plugin prints them unescaped (refused by check)
            page.meta["tags"] = [inert_text(str(tag)) for tag in page.meta["tags"]]
        try:
            return built.page_markdown(page.file.src_uri, markdown, f"{_docs_rel(config)}/{page.file.src_uri}")
        except EvidenceCheckFailed as failed:
            if self.problems:
                return markdown  # previewing without the records: the banner says why
            raise PluginError(str(failed)) from None

    def page_content(self, html: str, page: MkPage) -> str:
        """Then the content of every page passes the one output gate; the theme prints a
        hand-written page's title and headings unescaped, so they are made inert text."""
        built = self.built
        if page.file.src_uri not in built.pages:
            if page.title:
                page.title = inert_text(page.title)
            for item in _toc_items(page.toc):
                item.title = inert_text(item.title)
        else:
            aside = self.aside.pop(page.file.src_uri, None)
            if aside is not None:
                html = aside.put_back(html)
                page.present_anchor_ids = (page.present_anchor_ids or set()) | aside.anchor_ids()
        return built.page_html(page.file.src_uri, html)

    def post_page(self, output: str) -> str:
        return problems.with_banner(output, self.problems)

    def post_build(self, config: MkDocsConfig) -> None:
        self.built.write_extras(Path(config.site_dir))
        catch_up_follows = bool(self.serve and self.serve.deferred and not self.problems)
        for plugin in _search_plugins(config):
            _update_search(plugin, write=not catch_up_follows)
        self.done = True
        if self.serve:
            self.serve.rebuild_done(ok=not self.problems)


_POLL = re.compile(r"/livereload/([0-9]+)/[0-9]+")  # a page's poll for the build after the one it shows


def _search_plugins(config: MkDocsConfig) -> list:
    """Each search plugin (Material's) holding entries it added in this build and has not written yet."""
    return [plugin for plugin in config.plugins.values()
            if isinstance(getattr(getattr(plugin, "search_index", None), "entries", None), list)]


def _update_search(plugin, write: bool) -> None:
    """Fold the accents of the entries the plugin added in this build. Under `serve --dirty`,
    merge them into the previous build's here (search_index.merge_entries; Material's own merge
    goes by the first rebuilt page's URL alone). Without write (a fast rebuild that a
    catch-up build follows) the merged entries are kept for the catch-up and the plugin writes
    nothing: the whole index of 24,000 pages is about 0.4 s of JSON, after a rebuild of one page."""
    index = plugin.search_index
    search_index.fold_entries(index.entries)
    previous = getattr(getattr(plugin, "search_index_prev", None), "entries", None)
    if isinstance(previous, list):
        index.entries = search_index.merge_entries(previous, index.entries)
        plugin.search_index_prev = None  # merged: the plugin adds nothing of its own
    if not write and getattr(plugin, "is_dirty", False):
        plugin.search_index_prev = index
        plugin.config.enabled = False  # this build only: MkDocs loads the plugin's config again for the next


def _toc_items(toc) -> list:
    items = list(toc or [])
    for item in items:
        items.extend(item.children)
    return items


_builder = SiteBuilder()  # never rebound: on_startup and on_shutdown reset it


def on_startup(command: str, dirty: bool) -> None:
    """Hook for the on_startup event: a new command. `build` and `gh-deploy` publish all at
    once; `serve` keeps a session (and, with --dirty, its own folder of pages) for its rebuilds."""
    _builder.reset(command, dirty)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Hook for the on_config event: load and check evidence/ and render its pages; refuse the
    build with one line per problem."""
    return _builder.config_loaded(config)


def on_build_error(error: Exception) -> None:
    """Hook for the on_build_error event: any failure, including strict mode's warnings count,
    drops the staged build."""
    _builder.build_failed()


def on_shutdown() -> None:
    """Hook for the on_shutdown event: publish the staged build if it succeeded (otherwise site/
    stays as it was) and let go of what the command kept."""
    _builder.shut_down()


def on_serve(server, config: MkDocsConfig, builder):
    """Hook for the on_serve event: hear about a saved file at once, through native file events
    (inotify on Linux) instead of MkDocs' polling, which finds an edit up to half a second late
    and stats every record file twice a second (serve/watch.py); and hear each page's
    live-reload poll, so that a catch-up build waits for the open pages to reload, and no longer."""
    server = _builder.watch_natively(server, config)
    _builder.note_polls(server)
    return server


def on_env(env, config: MkDocsConfig, files: Files):
    """Hook for the on_env event: under `serve`, keep the theme's compiled templates between
    rebuilds (MkDocs makes a new template environment for each rebuild and would compile every
    Material template again)."""
    return _builder.environment(env)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Hook for the on_files event: add one generated page per record; edit links point at the
    record's YAML file."""
    return _builder.add_pages(files, config)


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
    """Hook for the on_page_markdown event: resolve [@key] citations in hand-written pages;
    generated pages are already done."""
    return _builder.page_markdown(markdown, page, config)


def on_page_content(html: str, page: MkPage, config: MkDocsConfig, files: Files) -> str:
    """Hook for the on_page_content event: mark each cited paragraph of a hand-written page as a
    claim (data-claim); glossary tooltips on generated pages (hand-written ones get them from
    the abbr extension); then every page's content passes the one output gate."""
    return _builder.page_content(html, page)


def on_post_page(output: str, page: MkPage, config: MkDocsConfig) -> str:
    """Hook for the on_post_page event: under `serve` with a record error, the banner that names
    each problem, on every page."""
    return _builder.post_page(output)


@event_priority(50)  # before Material's search plugin writes the index whose entries it folds
def on_post_build(config: MkDocsConfig) -> None:
    """Hook for the on_post_build event: write redirects for old URLs and the open-data exports,
    and fold the accents of the search index's new entries."""
    _builder.post_build(config)


def _links(config: MkDocsConfig) -> SiteLinks | None:
    """Edit and report links from repo_url and edit_uri ('edit/main/content/' → 'edit/main/')."""
    return pipeline.site_links(config.repo_url, config.edit_uri)


def _docs_rel(config: MkDocsConfig) -> str:
    return os.path.relpath(config.docs_dir, _root(config)).replace(os.sep, "/")


def _written_only(nav: object, docs_dir: Path) -> object:
    """The nav configuration without entries whose page is not a file under docs_dir (links stay)."""
    if isinstance(nav, list):
        kept = [_written_only(item, docs_dir) for item in nav]
        return [item for item in kept if item not in (None, [], {})]
    if isinstance(nav, dict):
        kept = {title: _written_only(value, docs_dir) for title, value in nav.items()}
        return {title: value for title, value in kept.items() if value not in (None, [], {})} or None
    if isinstance(nav, str) and "://" not in nav:
        return nav if (docs_dir / nav).is_file() else None
    return nav



def _links_not_checked(config: MkDocsConfig) -> None:
    """Links to the missing generated pages are reported as info, not as warnings that a strict
    config counts (MkDocs reads these levels after on_config, so setting them here takes effect)."""
    import logging

    for group in (config.validation.nav, config.validation.links):
        for name in list(group):
            if isinstance(group[name], int) and group[name] > logging.INFO:
                group[name] = logging.INFO
