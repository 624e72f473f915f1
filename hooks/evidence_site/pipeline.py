"""The core's single entry point: evidence/ in, pages and extra files out.

Nothing here knows MkDocs; the hook module (or any other front end) calls build() once and
then asks the result for pages, citations in hand-written pages, and files to write.
"""
from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

import evidence_site.load.parse_cache as diskcache
from evidence_site.check.aliases import alias_problems
from evidence_site.check.cache import checked
from evidence_site.check.citation_syntax import mask_code
from evidence_site.check.content import check_content, cited_keys, content_pages, page_title
from evidence_site.check.files import folder_itself
from evidence_site.check.markup import split_front_matter
from evidence_site.check.reviews import review_warnings
from evidence_site.check.rules import check
from evidence_site.derive.history import read_history
from evidence_site.derive.statements import statement_problems
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.load.loader import load_all, unvalidated
from evidence_site.records.evidence_base import EvidenceBase, Loaded, assemble, settings_of
from evidence_site.records.memo import Memo, gc_paused
from evidence_site.render import sanitize
from evidence_site.render.citations import resolve
from evidence_site.render.claim_marks import finish_written_page
from evidence_site.render.csl import reference_style
from evidence_site.render.glossary import abbreviate_html, markdown_definitions
from evidence_site.render.links import url_of
from evidence_site.render.markdown_ext import WRITTEN_PAGE
from evidence_site.render.metadata import FILES
from evidence_site.render.reference_list import References
from evidence_site.render.renderer import Page, Renderer, SiteLinks
from evidence_site.session import OneShot, Session


def load_base(evidence_dir: Path, load: Callable[[Path], tuple[list[Loaded], list[EvidenceError]]] = load_all,
              memo: Memo | None = None) -> EvidenceBase:
    """Load and check evidence/; raises EvidenceCheckFailed with every error found.

    load replaces loader.load_all, e.g. by a session's load_records (session.py); memo is the
    session's memo (a fresh one if None)."""
    base, errors, _ = _load_and_check(Path(evidence_dir), load, memo)
    if errors:
        raise EvidenceCheckFailed(errors)
    return base


def _load_and_check(evidence_dir: Path, load: Callable, memo: Memo | None, cache_checks: bool = True
                    ) -> tuple[EvidenceBase, list[EvidenceError], frozenset]:
    """The base of every record that loaded (with its warnings), every error of the records, and
    the (kind, id) of the records that exist but failed to load. cache_checks: the problems of
    unchanged records come from an earlier run (check/cache.py); a preview server, which keeps
    its own per-record work between rebuilds, passes False."""
    with gc_paused():
        loaded, errors = load(evidence_dir)
        base = assemble(loaded, memo)
        broken = unvalidated(evidence_dir, errors) if errors else []
        problems = checked(base, bool(errors), lambda: check(base, broken)) if cache_checks else check(base, broken)
    errors = _one_per_field(errors + [p for p in problems if not p.warning])
    warnings = tuple(sorted((p for p in problems if p.warning), key=str))
    failed = frozenset((item.kind, key) for item in broken for key in item.ids)
    return EvidenceBase(base.records, base.origins, warnings, base.memo), errors, failed


_TODO = "still has a TODO marker"


def _one_per_field(errors: list[EvidenceError]) -> list[EvidenceError]:
    """Each field named once: on a line that still has a TODO nothing else is said, and a value
    that is both a malformed id and an unknown one gets the more useful message: 'RCT' is an
    unknown design (did you mean 'rct'?), 'review-а' has a Cyrillic letter."""
    todo = {(e.file, e.line) for e in errors if e.message == _TODO}
    malformed = {_spot(e): e for e in errors if e.message.endswith("is not a valid id")}
    unknown = {_spot(e) for e in errors if e.message.startswith("unknown ")}

    def wanted(e: EvidenceError) -> bool:
        if (e.file, e.line) in todo and e.message != _TODO:
            return False
        if e.message.startswith("unknown ") and _spot(e) in malformed:
            return "U+" not in malformed[_spot(e)].hint  # else the letter that is not ASCII is the news
        if e.message.endswith("is not a valid id") and _spot(e) in unknown:
            return "U+" in e.hint
        return True
    return [e for e in errors if wanted(e)]


def _spot(error: EvidenceError) -> tuple[str, int, str]:
    return error.file, error.line, error.field


@dataclass(frozen=True)
class Built:
    base: EvidenceBase
    pages: dict[str, Page]
    directory_urls: bool
    session: Session = field(default_factory=OneShot, repr=False)  # makes the exports (see _extras)

    @property
    def warnings(self) -> tuple[EvidenceError, ...]:
        return self.base.warnings

    def release(self, src: str) -> None:
        """Forget the text of a generated page a site generator has read (its title stays)."""
        self.pages[src] = replace(self.pages[src], markdown="")

    def cite_page(self, markdown: str, src: str, shown_file: str) -> str:
        """A hand-written page with its markers expanded and [@key] citations resolved."""
        refs = References(self.base.sources, src, reference_style(self.base.memo, settings_of(self.base)),
                          self.directory_urls)
        markdown = expand_markers(markdown, Renderer(self.base, self.directory_urls), src, refs)
        return resolve(markdown, refs, shown_file)

    def page_markdown(self, src: str, markdown: str, shown_file: str) -> str:
        """The Markdown a site generator reads for a page (without its front matter): a generated
        page as rendered; a hand-written one with markers expanded, [@key] citations resolved and
        the glossary's abbreviation definitions appended."""
        if src in self.pages:
            return markdown
        return self.abbreviate_markdown(self.cite_page(markdown, src, shown_file))

    def page_html(self, src: str, html: str) -> str:
        """A page's content HTML as the site shows it: glossary tooltips on a generated page (raw
        HTML that the abbr extension never sees), claim marks on a hand-written one, then the one
        output gate."""
        if src in self.pages:
            return self.clean_html(self.abbreviate_html(html), generated=True)
        return finish_written_page(html)

    def markdown_tree(self, written: dict[str, str], docs_shown: str) -> Iterator[tuple[str, str]]:
        """(path, text) of every page and extra file of the site as a plain Markdown docs tree,
        for a generator that runs no hook: the pages as page_markdown() makes them and, on a
        generated page (headings and HTML blocks whose text the templates escaped), what
        page_html() does after the generator, done here instead; then the redirects and exports.
        A hand-written page keeps its Markdown and ends with a marker: the generator's Markdown
        extension evidence_site.render.markdown_ext (named in the rendered config) gives such a
        page its claim marks and the output gate, which need the HTML, as the hook does."""
        for src, page in sorted(self.pages.items()):
            front, body = split_front_matter(page.markdown)
            yield src, front + self._from_file(src, self.page_html(src, self.page_markdown(src, body, src)))
        for src, markdown in sorted(written.items()):
            front, body = split_front_matter(markdown)
            markdown = self.page_markdown(src, body, f"{docs_shown}/{src}")
            yield src, front + self._from_file(src, markdown, code_masked=mask_code(markdown)) + f"\n\n{WRITTEN_PAGE}\n"
        yield from self._extras()

    def _from_file(self, src: str, text: str, code_masked: str | None = None) -> str:
        """Relative URLs in a page's HTML made relative to its file, not its URL: a generator
        that rewrites the links of raw HTML as it does Markdown links (Zensical) sees
        `topics/x.md`, whose URL is `topics/x/`, linking `../sources/a/`, and makes it
        `../../sources/a/`, which is what MkDocs shows as it is. code_masked (a hand-written
        page through mask_code) keeps code spans and blocks as typed."""
        if not self.directory_urls or src == "index.md" or src.endswith("/index.md"):
            return text
        name = posixpath.basename(src[:-3])
        out, last = [], 0
        for match in _RELATIVE_URL.finditer(code_masked if code_masked is not None else text):
            url = text[match.start(2):match.end(2)]
            out += [text[last:match.start(2)], url[3:] if url.startswith("../") else f"{name}/{url}"]
            last = match.end(2)
        return "".join(out) + text[last:]

    def abbreviate_markdown(self, markdown: str) -> str:
        """A hand-written page with the glossary's abbreviation definitions appended."""
        return markdown + markdown_definitions(self.base.glossary)

    def abbreviate_html(self, html: str) -> str:
        """A generated page's HTML with glossary terms wrapped in <abbr title>."""
        return abbreviate_html(html, self.base.glossary)

    def clean_html(self, html: str, generated: bool) -> str:
        """A page's content HTML through the one output gate (render/sanitize.py)."""
        return sanitize.clean(html, trusted=generated)

    def extra_files(self) -> dict[str, str]:
        """Files beside the pages: redirects for old URLs and the session's open-data exports."""
        return dict(self._extras())

    def write_extras(self, site_dir: Path) -> None:
        """Write the extra files one at a time (the exports of 10,000 studies are about 60 MB of text)."""
        for rel, text in self._extras():
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def _extras(self) -> Iterator[tuple[str, str]]:
        yield from self.session.extras(self.base, self.directory_urls)


# An href or src attribute holding a relative URL (not a fragment, a scheme or a site-absolute path).
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(?![#/]|[a-zA-Z][a-zA-Z0-9+.-]*:)([^"]*)"')


# Files a MkDocs + Material build writes besides the pages: the theme's assets, the search index,
# the sitemap and the 404 page. An alias must not take their place either.
GENERATOR_FILES = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json",
                             "assets/javascripts/bundle.js", "assets/stylesheets/main.css"})


def output_file(src: str, directory_urls: bool = True) -> str:
    """The file a page source path becomes: 'studies/x.md' → 'studies/x/index.html'."""
    if not src.endswith(".md"):
        return src
    url = url_of(src, directory_urls)
    return url + "index.html" if url.endswith("/") or url == "" else url


def site_files(base: EvidenceBase, docs_dir: Path | None, directory_urls: bool = True) -> frozenset[str]:
    """One registry of the site's paths: generated pages, hand-written pages and files under the
    docs folder, the open-data exports and the generator's own files."""
    generated = Renderer(base, directory_urls).paths()
    written = [p.relative_to(docs_dir).as_posix() for p in sorted(docs_dir.rglob("*"))
               if p.is_file()] if docs_dir and docs_dir.is_dir() else []
    return frozenset({output_file(src, directory_urls) for src in [*generated, *written]} | set(FILES) | GENERATOR_FILES)


def check_project(evidence_dir: Path, docs_dir: Path | None, directory_urls: bool = True,
                  load: Callable[[Path], tuple[list[Loaded], list[EvidenceError]]] = diskcache.load_all,
                  memo: Memo | None = None, cache_checks: bool = True) -> tuple[EvidenceBase, dict[str, str]]:
    """Everything `evidence-site check` and a build refuse, read from the same inputs (so a tree
    that passes check builds): the records, the hand-written pages and the site's paths.

    Every problem is reported in one run: the errors of each record file, the reference and
    rule errors of the records that loaded, and the errors of the pages; a reference to a record
    that exists but failed to load is not reported again.
    Returns the checked base (with its warnings) and the hand-written pages by path."""
    if Path(evidence_dir).is_symlink():
        raise EvidenceCheckFailed(folder_itself(Path(evidence_dir), Path(evidence_dir).name))
    base, errors, failed = _load_and_check(Path(evidence_dir), load, memo, cache_checks)
    shown = os.path.relpath(docs_dir, Path(evidence_dir).resolve().parent).replace(os.sep, "/") if docs_dir else "content"
    pages = content_pages(docs_dir, shown)
    problems = [p for p in check_content(base, pages, shown) if not _cites_failed(p, failed)]
    problems += path_problems(base, docs_dir, directory_urls)
    if not errors:  # statements are checked against the computed evidence of every record
        problems += statement_problems(base)  # after derive: statements against the computed evidence
    errors += [p for p in problems if not p.warning]
    if errors:
        raise EvidenceCheckFailed(errors)
    return replace(base, warnings=base.warnings + tuple(p for p in problems if p.warning)), pages


_UNKNOWN_SOURCE = re.compile(r"unknown source '(.*)'")


def _cites_failed(problem: EvidenceError, failed: frozenset) -> bool:
    """A page's citation of a source whose record exists but failed to load (its own errors say why)."""
    match = _UNKNOWN_SOURCE.fullmatch(problem.message)
    return bool(match) and ("sources", match.group(1)) in failed


def path_problems(base: EvidenceBase, docs_dir: Path | None, directory_urls: bool = True) -> list[EvidenceError]:
    """Aliases that would take the path of another file of the site."""
    return alias_problems(base, site_files(base, docs_dir, directory_urls))


# Markers a hand-written page may contain, each replaced by generated HTML.
MARKERS = {"<!-- evidence:levels -->": "levels_table.md.j2", "<!-- evidence:questions -->": "questions_home.md.j2"}


def expand_markers(markdown: str, renderer: Renderer, src: str, refs: References) -> str:
    """Each marker replaced by its fragment; a marker the site has no records for stays an HTML comment."""
    for marker, template in MARKERS.items():
        context = renderer.marker_context(template) if marker in markdown else None
        if context is not None:
            markdown = markdown.replace(marker, renderer.fragment(template, src, refs, **context))
    return markdown


def site_links(repo_url: str | None, edit_uri: str | None) -> SiteLinks | None:
    """Edit and report links from the config's repo_url and edit_uri ('edit/main/content/' → 'edit/main/')."""
    if not repo_url or not edit_uri:
        return None
    repo = repo_url.rstrip("/") + "/"
    edit_root = urljoin(repo, posixpath.dirname(edit_uri.rstrip("/")) + "/")
    return SiteLinks(edit_root, urljoin(repo, "issues/new"))


def build(evidence_dir: Path, docs_dir: Path | None = None, directory_urls: bool = True,
          links: SiteLinks | None = None, review_max_age_days: int | None = None,
          today: dt.date | None = None, site_url: str | None = None,
          session: Session | None = None) -> Built:
    """Load, check and render; raises EvidenceCheckFailed listing every problem.

    session says how records are loaded, pages rendered and exports made (session.py): a
    one-shot build by default; a preview server's session keeps work between its rebuilds.
    """
    session = session or OneShot()
    with session.bulk():
        return _build(Path(evidence_dir), docs_dir, directory_urls, links, review_max_age_days, today, site_url, session)


def _build(evidence_dir: Path, docs_dir, directory_urls, links, review_max_age_days, today, site_url,
           session: Session) -> Built:
    docs = Path(docs_dir) if docs_dir else None
    base, pages = check_project(evidence_dir, docs, directory_urls, session.load_records, session.memo,
                                session.cache_checks)
    if review_max_age_days is not None:
        base = replace(base, warnings=base.warnings + tuple(review_warnings(base, review_max_age_days, today or dt.date.today())))
    history, unusable_commits = read_history(evidence_dir)
    base = replace(base, warnings=base.warnings + tuple(unusable_commits))
    page_uses = {src: (page_title(md, src), cited_keys(md)) for src, md in pages.items()}
    rendered = session.render(base, directory_urls, page_uses, links, history, site_url)
    reference_style(base.memo, settings_of(base)).save()
    return Built(base, rendered, directory_urls, session)
