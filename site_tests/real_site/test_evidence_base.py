"""The real evidence base keeps the rules for the evidence itself."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from evidence_site.pipeline import load_base

BASE = load_base(ROOT / "evidence")
FACTS = ROOT.parent / "shared" / "reference" / "facts.yaml"


PAGE = re.compile(r"https?://[^\s),;]+")


def test_every_identifier_on_the_site_is_verified_and_its_page_named():
    """Issue 21's rule: a PMID, PMCID, DOI or registry id is shown only when the record lists it in
    `verified:` and names, in `checked_against:`, the page (an address) it was read on."""
    for key, src in BASE.sources.items():
        for field in ("pmid", "doi", "registry", "pmcid"):
            if getattr(src, field):
                assert field in src.verified, f"{key}: {field} is shown but not listed in verified:"
                assert PAGE.search(src.checked_against or ""), (
                    f"{key}: {field} is shown but checked_against: names no page (give its address)")


@pytest.mark.skipif(not FACTS.exists() and not __import__("os").environ.get("CI"), reason="shared/ not beside the checkout")
def test_an_identifier_not_in_the_fact_check_was_read_on_an_authoritative_page():
    """An identifier that the fact-check does not hold must have been read on PubMed, PubMed Central,
    a registry, Cochrane or the journal's own site (its address in checked_against:)."""
    facts = FACTS.read_text(encoding="utf-8").lower()
    for key, src in BASE.sources.items():
        for field in ("pmid", "doi", "registry", "pmcid"):
            value = getattr(src, field)
            if value and value.lower() not in facts:
                hosts = {re.sub(r"^https?://(www\.)?", "", url).split("/")[0] for url in PAGE.findall(src.checked_against or "")}
                assert hosts - NOT_AUTHORITATIVE, f"{key}: {field} {value} was checked only on {sorted(hosts)}"


# Copies, mirrors and portals: never enough on their own for an identifier the fact-check lacks.
NOT_AUTHORITATIVE = {"findtrial.co", "medluna.com", "brum.beds.ac.uk", "47.251.13.51:8081", "zendy.io",
                     "cris.maastrichtuniversity.nl", "pure.eur.nl", "peeref.com", "sage.cnpereading.com"}


def test_the_popular_article_is_never_evidence():
    articles = [s for s in BASE.sources.values() if s.kind == "web-article"]
    assert articles and all(not s.evidence for s in articles)
    assert all(c.claimed_in in {s.id for s in articles} for c in BASE.claims.values())


def test_the_tromso_papers_are_one_trial(real_site):
    papers = [s for s in BASE.studies.values() if s.trial == "nct00785473"]
    assert {s.id for s in papers} >= {"steffensen-2011", "kampman-2012", "steffensen-2013", "holmoy-2017"}
    page = (real_site / "studies/holmoy-2017/index.html").read_text(encoding="utf-8")
    assert "(one trial: counted once)" in page


def test_the_vitamin_d_bone_conclusion_is_1b_beside_the_stated_1a(real_site):
    page = (real_site / "topics/vitamin-d-and-bone/index.html").read_text(encoding="utf-8")
    page = re.sub(r"</?abbr[^>]*>", "", page)  # glossary tooltips wrap terms such as MS
    assert re.search(r"Level stated by MS Best Practice, Bone Health: 1a \(computed here: 1b\)", page)
    assert "report one trial, NCT00785473" in page


def test_every_study_of_the_module_tables_has_a_page(real_site):
    for key in ("miyazaki-2016", "varoglu-2010", "shuhaibar-2009", "weinstock-guttman-2006", "pilutti-2014",
                "holmoy-2017", "steffensen-2013", "steffensen-2011", "hiremath-2009"):
        assert (real_site / "studies" / key / "index.html").exists(), key


def test_real_pages_request_nothing_outside_the_site(real_site):
    site_url = "https://evidence-site.github.io/"
    for path in real_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        loaded = re.findall(r'<(?:script|img|iframe|source|audio|video)[^>]*\ssrc="([^"]+)"', html)
        loaded += [h for h in re.findall(r'<link[^>]*\shref="([^"]+)"', html)]
        external = [u for u in loaded if re.match(r"(https?:)?//", u) and not u.startswith(site_url)]
        assert not external, (path, external)


def test_every_arm_with_25ohd_values_has_a_line_in_every_chart(real_site):
    """An arm result with a before or after value is drawn: as its own line, or (a later paper on the
    same trial reporting the same arm) named beside the line of the first paper. A value typed into a
    record that no chart shows would be a silent loss."""
    import html

    from evidence_site.records.evidence_base import trial_key
    from evidence_site.render.charts import arm_rows

    page = html.unescape((real_site / "figures/index.html").read_text(encoding="utf-8"))
    descs = re.findall(r'<desc id="chart-arms-[^"]+">(.*?)</desc>', page, re.S)
    assert descs, "the figures page has no per-arm chart"
    for measure in BASE.measures.values():
        rows = arm_rows(BASE, measure)
        drawn = {(trial_key(BASE.studies[r.study]), r.arm) for r in rows}
        for study in BASE.studies.values():
            for result in study.arm_results:
                if result.measure == measure.id and (result.before is not None or result.after is not None):
                    assert (trial_key(study), result.arm) in drawn, f"{study.id}: arm '{result.arm}' has no line"
        for row in rows:
            assert all(f"{row.label}, {row.arm}: before" in d for d in descs), f"{row.label}, {row.arm} is not drawn"


def _conclusion_section(real_site, topic: str, conclusion: str) -> str:
    page = (real_site / f"topics/{topic}/index.html").read_text(encoding="utf-8")
    page = re.sub(r"</?abbr[^>]*>", "", page)
    return re.search(rf'<section class="conclusion" id="c-{conclusion}".*?</section>', page, re.S).group(0)


def test_the_relapses_conclusion_shows_its_computed_level_with_direction_trial_count_and_citations(real_site):
    from evidence_site.derive.levels import compute

    conclusion = next(c for c in BASE.topics["relapses-disability-fatigue"].conclusions if c.id == "vitamin-d3-relapses")
    result = compute(BASE, conclusion)
    section = _conclusion_section(real_site, "relapses-disability-fatigue", "vitamin-d3-relapses")
    badge = re.search(r'<p class="conclusion-level">(.*?)</p>', section, re.S).group(1)
    n = len(result.best)
    assert f"Level {result.level.id}" in badge
    assert f"{result.direction.replace('-', ' ')}, {n} trial{'' if n == 1 else 's'} at this level" in badge
    evidence = re.search(r'<th scope="row">Evidence</th><td data-claim>(.*?)</td>', section, re.S).group(1)
    trials = len(result.counted_trials)
    assert evidence.startswith(f"{trials} trials") and evidence.count('class="citation"') >= trials


def test_every_stated_level_is_cited_beside_the_computed_level_and_its_citations(real_site):
    """Wherever a source's own level is shown (a review module's level, or a review's GRADE certainty),
    the computed level with its direction and trial count stands beside it, and both are cited."""
    stated = [(t.id, c) for t in BASE.topics.values() for c in t.conclusions if c.stated_level]
    assert stated
    for topic, c in stated:
        box = re.search(r'<div class="admonition note stated-level">.*?</div>',
                        _conclusion_section(real_site, topic, c.id), re.S).group(0)
        title = re.search(r'<p class="admonition-title">(.*?)</p>', box, re.S).group(1)
        assert f": {c.stated_level.level}" in title
        assert re.search(r"<p data-claim>.*?class=\"citation\".*?</p>", box, re.S), f"{c.id}: stated level uncited"
        beside = re.search(r'<p class="stated-beside" data-claim>(.*?)</p>', box, re.S).group(1)
        assert "at this level" in beside and 'class="citation"' in beside, f"{c.id}: computed level not beside it"
