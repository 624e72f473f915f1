"""The core's single entry point: evidence/ in, pages and extra files out.

Nothing here knows MkDocs; the hook module (or any other front end) calls build() once and
then asks the result for pages, citations in hand-written pages, and files to write.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .base import EvidenceBase, load_base
from .citations import resolve
from .cite import References
from .errors import EvidenceError
from .redirects import redirect_files
from .render import Page, Renderer, render_site


@dataclass(frozen=True)
class Built:
    base: EvidenceBase
    pages: dict[str, Page]
    directory_urls: bool

    @property
    def warnings(self) -> tuple[EvidenceError, ...]:
        return self.base.warnings

    def cite_page(self, markdown: str, src: str, shown_file: str) -> str:
        """A hand-written page with its markers expanded and [@key] citations resolved."""
        refs = References(self.base.sources, src, self.directory_urls)
        markdown = expand_markers(markdown, Renderer(self.base, self.directory_urls), src, refs)
        return resolve(markdown, refs, shown_file)

    def extra_files(self) -> dict[str, str]:
        """Files beside the pages: redirects for old URLs."""
        return redirect_files(self.base, self.directory_urls)

    def write_extras(self, site_dir: Path) -> None:
        for rel, text in sorted(self.extra_files().items()):
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


# Markers a hand-written page may contain, each replaced by generated HTML.
MARKERS = {"<!-- evidence:levels -->": "levels_table.md.j2"}


def expand_markers(markdown: str, renderer: Renderer, src: str, refs: References) -> str:
    for marker, template in MARKERS.items():
        if marker in markdown and renderer.base.scheme is not None:
            html = renderer.fragment(template, src, refs, scheme=renderer.base.scheme)
            markdown = markdown.replace(marker, html)
    return markdown


def build(evidence_dir: Path, docs_dir: Path | None = None, directory_urls: bool = True) -> Built:
    """Load, check and render; raises EvidenceCheckFailed listing every problem."""
    base = load_base(Path(evidence_dir))
    return Built(base, render_site(base, directory_urls), directory_urls)
