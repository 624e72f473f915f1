"""Relative links between pages: the shortcut the renderer takes reads exactly as posixpath's
relpath and as MkDocs' URLs would."""
from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_site.render.links import _relpath, link

_SEGMENTS = st.sampled_from(["a", "b", "studies", "..", ".", "", "x-1"])
_PATHS = st.lists(_SEGMENTS, max_size=5).map(lambda parts: "/".join(parts) or ".")


@settings(max_examples=500, deadline=None)
@given(_PATHS, _PATHS)
def test_relpath_reads_as_posixpath_relpath(path, start):
    assert _relpath(path, start) == posixpath.relpath(path, start)


def test_links_between_pages():
    assert link("agents/a.md", "studies/s.md") == "../../studies/s/"
    assert link("agents/a.md", "studies/s.md", directory_urls=False) == "../studies/s.html"
    assert link("index.md", "studies/index.md") == "studies/"
    assert link("studies/s.md", "index.md") == "../../"
    assert link("studies/s.md", "studies/s.md", anchor="x") == "#x"
    assert link("studies/s.md", "studies/t.md", anchor="x") == "../t/#x"
