"""The core's single entry point: evidence/ in, pages and extra files out.

Nothing here knows MkDocs; the hook module (or any other front end) calls build() once and
then asks the result for pages, citations in hand-written pages, and files to write.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .base import EvidenceBase, load_base
from .bulk import gc_paused
from .cache import Cache
from .citations import resolve
from .loader import load_all
from .cite import References
from .errors import EvidenceError
from .redirects import redirect_files
from .render import Page, render_site


@dataclass(frozen=True)
class Built:
    base: EvidenceBase
    pages: dict[str, Page]
    directory_urls: bool

    @property
    def warnings(self) -> tuple[EvidenceError, ...]:
        return self.base.warnings

    def cite_page(self, markdown: str, src: str, shown_file: str) -> str:
        """A hand-written page with its [@key] citations resolved."""
        return resolve(markdown, References(self.base.sources, src, self.directory_urls), shown_file)

    def extra_files(self) -> dict[str, str]:
        """Files beside the pages: redirects for old URLs."""
        return redirect_files(self.base, self.directory_urls)

    def write_extras(self, site_dir: Path) -> None:
        for rel, text in sorted(self.extra_files().items()):
            path = site_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def build(evidence_dir: Path, docs_dir: Path | None = None, directory_urls: bool = True,
          cache: Cache | None = None, one_shot: bool = False) -> Built:
    """Load, check and render; raises EvidenceCheckFailed listing every problem.

    A cache (kept by a long-lived front end between rebuilds) makes a rebuild re-read only the
    record files that changed and re-render only the pages that read a changed record.
    one_shot says the process builds once and exits: what is built is then kept out of the
    garbage collector's rescans (see bulk.gc_paused).
    """
    with gc_paused(keep_until_exit=one_shot):
        base = load_base(Path(evidence_dir), cache.records.load_all if cache else load_all)
        pages = cache.renders.render(base, directory_urls) if cache else render_site(base, directory_urls)
    return Built(base, pages, directory_urls)
