"""A Python-Markdown extension for a site generator that runs no MkDocs hook (Zensical), named in
the config that `evidence-site render` writes: a hand-written page of the rendered tree (it ends
with WRITTEN_PAGE) gets, after Markdown, what the hook gives it: claim marks (data-claim on each
cited paragraph, list item or cell) and the one output gate (claim_marks.finish_written_page).

Generated pages of the tree were finished by the render step and are left as they are. The marker
only asks for the stricter treatment, so a page that copies it gains nothing.
"""
from __future__ import annotations

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from evidence_site.render.claim_marks import finish_written_page

WRITTEN_PAGE = "<!-- evidence-site: hand-written page -->"


class _FinishWritten(Postprocessor):
    def run(self, text: str) -> str:
        return finish_written_page(text) if WRITTEN_PAGE in text else text


class EvidenceSiteExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # priority 0: after the raw HTML (priority 30) and every other postprocessor
        md.postprocessors.register(_FinishWritten(md), "evidence_site_written_page", 0)


def makeExtension(**kwargs) -> EvidenceSiteExtension:  # noqa: N802 - the name Python-Markdown looks up
    return EvidenceSiteExtension(**kwargs)
