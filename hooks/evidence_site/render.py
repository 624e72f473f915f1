"""Render the evidence base into Markdown pages: {src_uri: Page}.

Text from records is data: templates autoescape it and place it only inside raw HTML blocks,
which Markdown passes through untouched, so nothing in a record can become markup or a link.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Callable

import jinja2

from .base import EvidenceBase
from .cite import References, reference_html, short_label
from .urls import link, page_path
from .helpers import GLOBALS
from .uses import citing_records


@dataclass(frozen=True)
class Page:
    """A generated page: its Markdown and the record file an editor changes to change it."""

    src: str
    markdown: str
    title: str
    record_file: str | None = None


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("evidence_site", "templates"), autoescape=True,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    auto_reload=False,  # templates ship with the package: no stat() of the template file per page
)
_ENV.globals.update(GLOBALS)


def front_matter(title: str, **extra: object) -> str:
    """YAML front matter written as JSON values, so no record text can break out of it."""
    lines = [f"title: {json.dumps(escape(title))}"]
    lines += [f"{key}: {json.dumps(value)}" for key, value in extra.items() if value]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


class Renderer:
    """Renders every page of one evidence base."""

    def __init__(self, base: EvidenceBase, directory_urls: bool = True):
        self.base, self.directory_urls = base, directory_urls
        self.uses = citing_records(base)

    def page(self, template: str, src: str, title: str, record: tuple[str, str] | None = None,
             meta: dict | None = None, **context: object) -> Page:
        refs = References(self.base.sources, src, self.directory_urls)
        html = _ENV.get_template(template).render(
            base=self.base, refs=refs, cite=refs.cite, href=self._href(src), title=title,
            label=lambda key: short_label(self.base.sources[key]), reference=reference_html, **context)
        record_file = self.base.file_of(*record) if record else None
        return Page(src, front_matter(title, **(meta or {})) + html, title, record_file)

    def _href(self, src: str) -> Callable[..., str]:
        def href(kind: str, key: str | None = None, anchor: str = "") -> str:
            return link(src, page_path(kind, key), self.directory_urls, anchor)
        return href

    def study(self, key: str) -> Page:
        study = self.base.studies[key]
        title = study.title or self.base.sources[study.source].title
        return self.page("study.md.j2", page_path("studies", key), title, ("studies", key),
                         {"tags": list(study.tags)}, study=study, source=self.base.sources[study.source],
                         scheme=self.base.scheme)

    def source(self, key: str) -> Page:
        src = self.base.sources[key]
        return self.page("source.md.j2", page_path("sources", key), src.title, ("sources", key),
                         source=src, uses=self.uses.get(key, []))

    def index(self, kind: str, template: str, title: str) -> Page:
        return self.page(template, page_path(kind), title)

    def all(self) -> dict[str, Page]:
        pages = [self.study(k) for k in self.base.studies] + [self.source(k) for k in self.base.sources]
        pages += [self.index("studies", "studies_index.md.j2", "Studies"),
                  self.index("sources", "sources_index.md.j2", "Sources")]
        return {p.src: p for p in pages}


def render_site(base: EvidenceBase, directory_urls: bool = True) -> dict[str, Page]:
    """Every generated page of the site."""
    return Renderer(base, directory_urls).all()
