"""Finding things: search covers generated pages, tags list studies, old URLs redirect."""
from __future__ import annotations

import json
import re

from conftest import ROOT
from evidence_site.check.aliases import alias_file
from evidence_site.pipeline import load_base


def test_search_index_covers_generated_pages(mini_site):
    assert mini_site.build().returncode == 0
    index = json.loads(mini_site.html("search/search_index.json"))
    locations = {doc["location"] for doc in index["docs"]}
    assert "studies/paper-a/" in locations and "checker/" in locations and "figures/" in locations
    study = next(d for d in index["docs"] if d["location"] == "studies/paper-a/")
    assert "fixture trial" in study["title"].lower() or "fixture trial" in study["text"].lower()


def test_search_index_of_the_real_site_has_every_study(real_site):
    index = json.loads((real_site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    studies = load_base(ROOT / "evidence").studies
    assert studies and all(f"studies/{key}/" in locations for key in studies)


def test_tags_page_lists_studies_under_each_tag(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("tags/index.html")
    for tag in ("bone-health", "vitamin-d3"):
        section = re.search(rf'<h2 id="tag:{tag}">(.*?)(?=<h2|</article>)', page, re.S)
        assert section and 'href="../studies/paper-a/"' in section.group(1), tag
    study = mini_site.html("studies/paper-a/index.html")
    assert 'href="../../tags/#tag:bone-health"' in study  # the tag on the study page leads to the listing


def test_every_alias_in_the_real_evidence_redirects_to_its_study(real_site):
    studies = load_base(ROOT / "evidence").studies
    for key, study in studies.items():
        for alias in study.aliases:
            path = real_site / alias_file(alias)
            assert path.exists(), f"{key}: alias {alias} has no redirect page"
            html = path.read_text(encoding="utf-8")
            target = re.search(r'content="0; url=([^"]+)"', html).group(1)
            resolved = (path.parent / target).resolve()
            assert resolved == (real_site / "studies" / key).resolve(), (alias, target)
            assert (resolved / "index.html").exists()
