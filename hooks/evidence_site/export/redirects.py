"""Old URLs keep working: each alias of a record becomes a small redirect page."""
from __future__ import annotations

import posixpath

from evidence_site.check.aliases import alias_file
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.render.links import page_path, url_of
from evidence_site.render.renderer import render_partial


def redirect_files(base: EvidenceBase, directory_urls: bool = True) -> dict[str, str]:
    out = {}
    for key, study in base.studies.items():
        target = url_of(page_path("studies", key), directory_urls)
        for alias in study.aliases:
            rel_file = alias_file(alias)
            url = posixpath.relpath(target or ".", posixpath.dirname(rel_file) or ".")
            url = url + "/" if directory_urls and not url.endswith("/") else url
            out[rel_file] = render_partial("redirect.html.j2", url=url)
    return out
