"""No trackers, works offline: a browser loading the site's pages asks nothing of any other host."""
from __future__ import annotations

import pytest

from conftest import ROOT
from evidence_site.pipeline import load_base

INDEX_WAIT_STEPS = 200  # 100 ms each: at most 20 s for the search worker's request
STUDY = next(iter(load_base(ROOT / "evidence").studies), None)


@pytest.mark.parametrize("path", ["", "checker/", "figures/", "tags/"] + ([f"studies/{STUDY}/"] if STUDY else []))
def test_pages_make_no_request_to_another_host(browser, real_server, path):
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(real_server.url + path, wait_until="networkidle")
    page.keyboard.press("/")  # open search: its worker and index load too
    index_asked = False
    for _ in range(INDEX_WAIT_STEPS):  # the worker may ask after "networkidle" on a busy machine
        index_asked = any(u.endswith("search/search_index.json") for u in requests)
        if index_asked:
            break
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    context.close()
    outside = [u for u in requests if not u.startswith((real_server.url, "data:", "blob:"))]
    assert not outside, f"{path or 'home'} asked other hosts: {outside}"
    assert index_asked, "the search index was never asked for: did the page load its search?"
