"""Every file a build writes beside the pages, in the order it writes them."""
from __future__ import annotations

from collections.abc import Iterator

from evidence_site.export.open_data import export_files
from evidence_site.export.redirects import redirect_files
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.memo import Memo


def extra_files(base: EvidenceBase, directory_urls: bool, memo: Memo | None = None) -> Iterator[tuple[str, str]]:
    """(path, text): a redirect page for each old URL, then the open-data exports (memo as for
    open_data.export_files)."""
    yield from sorted(redirect_files(base, directory_urls).items())
    yield from export_files(base, memo)
