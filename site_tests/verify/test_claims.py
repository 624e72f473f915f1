"""Every claim cites a source: the lint, the claim markup, the check over the built site, and
mutations proving each check bites."""
from __future__ import annotations

import shutil

import pytest

from conftest import assert_build_fails_with
from evidence_site.check.content import lint_page
from evidence_site.verify.claims import verify_site

SOURCES = {"paper-a": None}


@pytest.mark.parametrize("text, uncited", [
    ("Vitamin D reduced relapses by 30%.", True),
    ("Bone density fell in 12 people.", True),
    ("The risk was higher in women.", True),
    ("Vitamin D reduced relapses by 30%. [@paper-a]", False),
    ("Vitamin D reduced relapses by 30% [@paper-a, p. 4].", False),
    ("This page explains the site.", False),
    ("The 25(OH)D test measures vitamin D; level 1a is a name.", False),
    ("Use `[@key]` to cite; e.g. `20 IU` in code is fine.", False),
    ("Doses of 20 IU are common.\n<!-- not-a-claim -->", False),
    ("See the [2011 paper](studies/index.md) for details.", True),
])
def test_lint_flags_uncited_numbers_and_effect_words(text, uncited):
    errors = lint_page(f"# Title\n\n{text}\n", "content/page.md", SOURCES)
    assert bool(errors) == uncited, errors
    if uncited:
        assert str(errors[0]).startswith("content/page.md:3: uncited claim:")


def test_lint_names_the_line_of_the_sentence_and_skips_headings_and_tables():
    md = "# Level 2 in a heading\n\n| a | 30% |\n\nFirst sentence is fine.\nSecond sentence has 40 people.\n"
    assert [str(e).split(": uncited")[0] for e in lint_page(md, "content/p.md", SOURCES)] == ["content/p.md:6"]


def test_every_claim_on_the_real_site_cites_a_reference_with_a_locator(real_site, capsys):
    report = verify_site(real_site)
    with capsys.disabled():
        print(f"\n[claims] {report.claims} claims, {report.citations} citations on {report.pages} pages")
    assert not report.problems, "\n".join(report.problems)
    assert report.claims > 0 and report.citations >= report.claims
    for study in (real_site / "studies").glob("*/index.html"):
        assert "data-claim" in study.read_text(encoding="utf-8"), study


def test_hand_written_claims_are_marked_up(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert "<li data-claim>" in home or "<p data-claim>" in home


def test_the_site_check_bites_on_a_claim_without_citation(mini_site, tmp_path):
    assert mini_site.build().returncode == 0
    site = tmp_path / "copy" / "site"
    shutil.copytree(mini_site.root / "site", site)
    page = site / "studies/paper-a/index.html"
    html = page.read_text(encoding="utf-8")
    start = html.index('<li id="finding-1" data-claim>')
    end = html.index("</li>", start)
    chunk = html[start:end]
    cut = chunk[:chunk.index('<a class="citation"')] + chunk[chunk.rindex("</a>") + 4:]
    page.write_text(html[:start] + cut + html[end:], encoding="utf-8")
    line = html[:start].count("\n") + 1
    problems = verify_site(site).problems
    assert len(problems) == 1
    assert problems[0].startswith(f"site/studies/paper-a/index.html:{line}: claim without a citation: "
                                  "\"Bone density did not differ between groups.")


def test_the_site_check_bites_on_a_citation_to_a_missing_reference(mini_site, tmp_path):
    assert mini_site.build().returncode == 0
    site = tmp_path / "copy" / "site"
    shutil.copytree(mini_site.root / "site", site)
    page = site / "studies/paper-a/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('<li id="ref-review-a"', '<li id="ref-gone"'), encoding="utf-8")
    problems = verify_site(site).problems
    assert problems and all("citation '#ref-review-a' does not lead to a reference" in p for p in problems)
    assert problems[0].startswith("site/studies/paper-a/index.html:")


def test_an_uncited_numeric_sentence_fails_the_build(mini_site):
    mini_site.write("content/index.md", mini_site.read("content/index.md") + "\nVitamin D cut relapses by 30%.\n")
    assert_build_fails_with(mini_site, 'content/index.md:7: uncited claim: "Vitamin D cut relapses by 30%."')


def test_a_source_nothing_cites_is_a_warning_not_an_error(mini_site):
    mini_site.write("evidence/sources/lonely.yaml", "id: lonely\nkind: web-page\ntitle: Lonely\nurl: https://example.org/l\n")
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    assert "evidence/sources/lonely.yaml:1: source 'lonely' is not cited anywhere" in result.stderr


def test_source_pages_list_hand_written_pages_that_cite_them(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("sources/paper-a/index.html")
    assert '<a href="../../">Fixture home</a> <span class="field">(page)</span>' in page
    assert '<a href="../../studies/paper-a/">Author 2020 (study)</a>' in page
