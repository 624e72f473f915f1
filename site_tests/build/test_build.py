"""Real MkDocs builds of the fixture site in a temporary folder."""
from __future__ import annotations

import re

import pytest

from conftest import assert_build_fails_with

GOOD_STUDY_PATH = "evidence/studies/paper-a.yaml"


def test_fixture_site_builds_with_study_pages(mini_site):
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("studies/paper-a/index.html")
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in page
    assert 'href="https://doi.org/10.1000/fixture.1"' in page
    assert "Bone density did not differ between groups." in page
    # every finding is a claim carrying a citation that points at the page's reference list
    findings = re.findall(r'<li id="finding-\d+" data-claim>(.*?)</li>', page, re.S)
    assert len(findings) == 2 and all('class="citation" href="#ref-' in f for f in findings)
    assert 'id="ref-paper-a"' in page and 'id="ref-review-a"' in page
    # the edit link points at the YAML record, not at a Markdown file
    assert 'href="https://github.com/example/fixture/edit/main/evidence/studies/paper-a.yaml"' in page
    assert "Correction to" in page and "The review gives the wrong country." in page
    index = mini_site.html("studies/index.html")
    assert 'href="paper-a/"' in index


def test_generated_pages_stay_out_of_the_nav(mini_site):
    assert mini_site.build().returncode == 0
    home = mini_site.html("index.html")
    assert "studies/paper-a/" not in home


def test_citations_in_hand_written_pages(mini_site):
    assert mini_site.build().returncode == 0
    home = mini_site.html("index.html")
    assert re.search(r'<a aria-label="Reference 1, p\. 3: Author 2020" class="citation" href="#ref-paper-a">\[1, p\. 3\]</a>', home) \
        or 'href="#ref-paper-a" aria-label="Reference 1, p. 3: Author 2020">[1, p. 3]</a>' in home
    assert 'id="ref-paper-a"' in home


def test_aliases_redirect_to_the_study(mini_site):
    assert mini_site.build().returncode == 0
    redirect = mini_site.html("old-page/index.html")
    assert 'content="0; url=../studies/paper-a/"' in redirect


def test_built_pages_request_nothing_outside_the_site(mini_site):
    assert mini_site.build().returncode == 0
    for path in (mini_site.root / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        # resources the browser loads by itself: scripts, styles, images, fonts, frames
        loaded = re.findall(r'<(?:script|img|iframe|source|audio|video)[^>]*\ssrc="([^"]+)"', html)
        loaded += re.findall(r'<link[^>]*\shref="([^"]+)"', html)
        external = [u for u in loaded if re.match(r"(https?:)?//", u) and "canonical" not in u]
        external = [u for u in external if not u.startswith("https://example.org/")]  # canonical/site_url
        assert not external, (path, external)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.replace("country: Norway", "country: [Norway"), f"{GOOD_STUDY_PATH}:6: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence that starts on line 5"),
    (lambda s: s.replace("n_initial: 40", "n_initial: many"), f"{GOOD_STUDY_PATH}:8: n_initial:"),
    (lambda s: s.replace("design: rct\n", ""), f"{GOOD_STUDY_PATH}:1: design: missing required field"),
    (lambda s: s.replace("country: Norway", "county: Norway"), f"{GOOD_STUDY_PATH}:5: county: unknown field"),
    (lambda s: s.replace("    sources: [review-a]", "    sources: [reveiw-a]"),
     f"{GOOD_STUDY_PATH}:23: findings[1].sources[0]: unknown source 'reveiw-a' (did you mean 'review-a'?)"),
    (lambda s: s.replace("    sources: [review-a]", "    sources: []"),
     f"{GOOD_STUDY_PATH}:23: findings[1].sources: a claim needs at least one source"),
])
def test_bad_evidence_fails_the_strict_build_with_one_line(mini_site, edit, expected):
    mini_site.write(GOOD_STUDY_PATH, edit(mini_site.read(GOOD_STUDY_PATH)))
    assert_build_fails_with(mini_site, expected)


def test_duplicate_id_fails_the_build(mini_site):
    mini_site.write("evidence/studies/paper-b.yaml", mini_site.read(GOOD_STUDY_PATH))
    assert_build_fails_with(mini_site, "evidence/studies/paper-b.yaml:1: id: duplicate id 'paper-a'")


def test_unknown_citation_in_a_content_page_fails(mini_site):
    mini_site.write("content/index.md", "# Home\n\nSome claim. [@paper-aa]\n")
    assert_build_fails_with(mini_site, "content/index.md:3: unknown source 'paper-aa' (did you mean 'paper-a'?)")


def test_topic_page_shows_computed_level_beside_the_stated_one(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("topics/bone/index.html")
    assert ('<a class="level level-1b" href="../../methods/#level-1b">Level 1b</a> '
            '<span class="tier tier-moderate">Moderate evidence</span>') in page
    assert "1 trial at this level" in page
    assert "Level stated by A fixture review: 1a (computed here: 1b)" in page
    overview = mini_site.html("topics/index.html")
    assert 'href="bone/#c-vitd-bone-density"' in overview
    box = re.search(r'<div class="admonition note stated-level">.*?</div>', page, re.S).group(0)
    beside = re.search(r'<p class="stated-beside" data-claim>(.*?)</p>', box, re.S).group(1)
    assert "Level 1b" in beside and "no difference, 1 trial at this level" in beside and 'class="citation"' in beside


def test_a_level_stated_on_the_sources_own_scale_is_shown_beside_the_computed_one_not_compared(mini_site):
    """A review's GRADE certainty is a judgement on another scale: the page shows it, cited, next to the
    computed level with its direction, trial count and citations, and never as 'computed here: X'."""
    topic = mini_site.read("evidence/topics/bone.yaml").replace(
        'stated_level: {level: 1a, source: review-a, quote: "There is level 1a evidence."}',
        "stated_level: {level: low, source: review-a, scale: GRADE certainty of evidence}")
    mini_site.write("evidence/topics/bone.yaml", topic)
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = re.sub(r"</?abbr[^>]*>", "", mini_site.html("topics/bone/index.html"))
    box = re.search(r'<div class="admonition note stated-level">.*?</div>', page, re.S).group(0)
    assert "GRADE certainty of evidence stated by A fixture review: low</p>" in box and "computed here" not in box
    stated = re.search(r"<p data-claim>GRADE certainty of evidence as A fixture review states it: low (.*?)</p>",
                       box, re.S).group(1)
    assert 'class="citation"' in stated
    beside = re.search(r'<p class="stated-beside" data-claim>(.*?)</p>', box, re.S).group(1)
    assert "Level 1b" in beside and "no difference, 1 trial at this level" in beside and 'class="citation"' in beside
    assert "states low on its own scale (GRADE certainty of evidence)" in page
    assert "Level low needs" not in page
    assert "low (GRADE certainty of evidence)" in mini_site.html("topics/index.html")


def test_a_second_independent_rct_makes_the_conclusion_1a(mini_site):
    study = mini_site.read(GOOD_STUDY_PATH).replace("id: paper-a", "id: paper-b").replace("trial: fixture-trial", "trial: other-trial")
    mini_site.write("evidence/studies/paper-b.yaml", study.replace("aliases: [/old-page]\n", ""))
    topic = mini_site.read("evidence/topics/bone.yaml").replace("studies: [paper-a]", "studies: [paper-a, paper-b]")
    mini_site.write("evidence/topics/bone.yaml", topic)
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("topics/bone/index.html")
    assert ('<a class="level level-1a" href="../../methods/#level-1a">Level 1a</a> '
            '<span class="tier tier-strong">Strong evidence</span>') in page
    assert "2 trials at this level" in page


def test_methods_page_shows_the_level_scheme_from_data(mini_site):
    scheme = mini_site.read("evidence/schemes/scire.yaml").replace("  threshold: 6", "  threshold: 7")
    mini_site.write("evidence/schemes/scire.yaml", scheme)
    assert mini_site.build().returncode == 0
    page = mini_site.html("methods/index.html")
    assert "PEDro score is 7 or more out of 10" in page and '<table class="level-table">' in page
    assert '<tr id="level-1b">' in page and 'id="conflicting"' in page  # the targets of every level badge
