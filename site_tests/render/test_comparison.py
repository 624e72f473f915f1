"""Comparison tables, agent pages, claim checks and the evidence map, on the fixture site."""
from __future__ import annotations

import json
import re

STUDY = "evidence/studies/paper-a.yaml"


def cells(html: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="{table_class}">(.*?)</table>', html, re.S).group(1)
    return re.findall(r"<td[^>]*>.*?</td>", table, re.S)


def test_every_filled_comparison_cell_is_a_cited_claim(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("comparisons/forms/index.html")
    found = cells(page, "comparison")
    assert len(found) == 8
    for cell in found:
        assert ('data-claim' in cell and 'class="citation"' in cell) or 'class="empty"' in cell, cell
    assert "One step in the liver." in page and "1 trial with 40 participants" in page
    assert 'href="../../claims/"' in page


def test_agent_page_lists_properties_studies_and_conclusions(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("agents/form-a/index.html")
    assert "One step in the liver." in page
    assert 'href="../../studies/paper-a/"' in page
    assert 'href="../../topics/bone/#c-vitd-bone-density"' in page


def test_claim_checks_page_gives_each_claim_a_verdict_with_sources(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("claims/index.html")
    section = re.search(r'<div class="claim-check verdict-contradicted" id="blog-activation">(.*?)</div>', page, re.S)
    assert section and "Verdict: Contradicted" in section.group(1) and 'class="citation"' in section.group(1)
    assert "Form A needs only the kidney step." in section.group(1)


def test_evidence_map_shows_empty_cells_as_text(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("evidence-map/index.html")
    assert '<span class="visually-hidden">no studies</span>' in page
    assert re.search(r'1 trial \(40 participants\); <a class="level level-1b" href="../methods/#level-1b">Level 1b</a>', page)
    # every best-level cell names a direction and the number of trials AT that level
    for cell in cells(page, "evidence-map"):
        assert 'class="empty"' in cell or re.search(r'class="direction">[^<]+, \d+ (trial|study|trials|studies) at this level', cell), cell


def test_adding_a_study_of_an_agent_updates_every_computed_view(mini_site):
    study = mini_site.read(STUDY).replace("id: paper-a", "id: paper-b").replace("agent: form-a", "agent: form-b")
    study = study.replace("trial: fixture-trial", "trial: trial-b").replace("n_initial: 40", "n_initial: 60")
    mini_site.write("evidence/studies/paper-b.yaml", study.replace("aliases: [/old-page]\n", ""))
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    comparison = mini_site.html("comparisons/forms/index.html")
    assert "1 trial with 60 participants" in comparison
    assert 'href="../../studies/paper-b/"' in mini_site.html("agents/form-b/index.html")
    evidence_map = mini_site.html("evidence-map/index.html")
    row_b = re.search(r'<a href="../agents/form-b/">Form B</a></th>(.*?)</tr>', evidence_map, re.S).group(1)
    assert "1 trial (60 participants);" in row_b and "paper-b" in row_b


def test_comparison_cells_name_their_agent_for_a_phone_and_for_search_snippets(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("comparisons/forms/index.html")
    for cell in cells(page, "comparison"):
        label = re.search(r'data-label="([^"]+)"', cell).group(1)
        assert f'<span class="cell-label">{label}: </span>' in cell, cell
    index = json.loads(mini_site.html("search/search_index.json"))
    text = next(d["text"] for d in index["docs"] if d["location"] == "comparisons/forms/")
    assert "Form A: One step in the liver." in text  # cells no longer run together in the snippet


def test_topic_and_agent_pages_are_boosted_in_search_and_study_pages_are_not(mini_site):
    assert mini_site.build().returncode == 0
    index = json.loads(mini_site.html("search/search_index.json"))
    boost = {d["location"]: d.get("boost") for d in index["docs"]}
    assert boost["topics/bone/"] and boost["agents/form-a/"]
    assert boost["studies/paper-a/"] is None


def test_claims_page_offers_a_choice_of_verdict_only_between_verdicts_it_has(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("claims/index.html")
    shown = set(re.findall(r'<div class="claim-check verdict-([a-z-]+)"', page))
    offered = set(re.findall(r'name="verdict-filter" value="([a-z-]+)"', page)) - {"all"}
    assert offered == (shown if len(shown) > 1 else set())
