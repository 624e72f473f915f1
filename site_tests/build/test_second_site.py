"""A second evidence site on another subject, built from data alone.

site_tests/fixtures/knee is a small fictional site about exercise and knee osteoarthritis: its
own topics, outcomes, studies, level scheme, trial register and a measure in other units, and
no agents, comparisons or claim checks. Building it strict shows that the generator's subject
lives in evidence/ and mkdocs.yml: no page may say a word of the main site's subject, and no
section without records may appear or be linked to.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest

from browser_support import Served
from conftest import FIXTURES, ROOT, FixtureSite

KNEE = FIXTURES / "knee"
# Words of the main site's subject; none may reach a page of the second site.
MAIN_SITE_WORDS = re.compile(r"vitamin|calcidol|calciferol|calcitriol|nmol|ng/mL|25\(OH\)D|\bMS\b|multiple sclerosis"
                             r"|clinicaltrials|NCT[0-9]|pedro|scire", re.I)
# "MS" is a word only in capitals; lower-case 'ms' is milliseconds in the theme's own scripts.
CASE_SENSITIVE = re.compile(r"\bMS\b")


@pytest.fixture(scope="module")
def knee_site(tmp_path_factory) -> FixtureSite:
    root = tmp_path_factory.mktemp("knee") / "project"
    shutil.copytree(KNEE, root)
    shutil.copytree(ROOT / "content" / "assets", root / "content" / "assets")  # the generator's CSS and scripts
    (root / "mkdocs.yml").write_text((KNEE / "mkdocs.yml.in").read_text(encoding="utf-8").replace("{root}", str(ROOT)),
                                     encoding="utf-8")
    site = FixtureSite(root)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def _pages(site: FixtureSite) -> dict[str, str]:
    """Every page, export and index the build wrote, except the theme's own bundled assets."""
    out = {}
    for path in (site.root / "site").rglob("*"):
        rel = path.relative_to(site.root / "site").as_posix()
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".bib", ".ris", ".xml", ".js"} \
                and not rel.startswith(("assets/javascripts/", "assets/stylesheets/")):
            out[rel] = path.read_text(encoding="utf-8")
    return out


def test_the_fixture_is_data_only():
    assert not [p for p in KNEE.rglob("*") if p.suffix in {".py", ".j2", ".html"}]


def test_no_page_of_the_second_site_says_a_word_of_the_first(knee_site):
    found = []
    for rel, text in _pages(knee_site).items():
        for match in MAIN_SITE_WORDS.finditer(text):
            word = match.group(0)
            if word.lower() == "ms" and not CASE_SENSITIVE.fullmatch(word):
                continue
            found.append(f"{rel}: ...{text[max(0, match.start() - 60):match.end() + 40]}...")
    assert not found, "\n".join(found[:20])


def test_sections_without_records_have_no_pages_and_no_links(knee_site):
    site = knee_site.root / "site"
    for section in ("agents", "comparisons", "claims"):
        assert not (site / section).exists(), f"{section}/ was generated for a site with no such records"
    linked = [f"{rel}: {m.group(0)}" for rel, text in _pages(knee_site).items() if rel.endswith(".html")
              for m in re.finditer(r'href="[^"]*\b(agents|comparisons|claims)/[^"]*"', text)]
    assert not linked, "\n".join(linked[:20])
    assert (site / "topics/index.html").exists() and (site / "evidence-map/index.html").exists()


def test_titles_and_intros_of_generated_sections_come_from_data(knee_site):
    topics = knee_site.html("topics/index.html")
    assert "<title>Exercise and the knee, by topic" in topics
    assert 'content="What the fictional fixture studies say about exercise for knee osteoarthritis."' in topics
    assert "Interventions studied in adults with knee osteoarthritis" in knee_site.html("evidence-map/index.html")


def test_the_checker_and_figures_are_made_from_the_measure_record(knee_site):
    checker = knee_site.html("checker/index.html")
    assert "<title>Walking distance checker" in checker
    data = json.loads(re.search(r'<script type="application/json" id="checker-data">(.*?)</script>', checker, re.S).group(1))
    assert data["units"] == ["m", "ft"] and data["factors"] == {"m": 1, "ft": 0.3048}
    assert data["max"] == {"m": 1000, "ft": 3300} and [s["id"] for s in data["sets"]] == ["delta-bands"]
    assert "1 ft = 0.3048 m" in checker and "300 to under 450 m" in checker and "984 to under 1476 ft" in checker
    figures = knee_site.html("figures/index.html")
    assert 'id="arms-six-minute-walk"' in figures
    # arms reported in feet are shown as reported and in metres, the measure's first unit
    assert "1100 ft" in figures and "335.3 → 411.5" in figures
    assert "Dumbbell chart in m (ft on the top axis)." in figures


def test_registry_ids_link_to_the_register_the_site_declares(knee_site):
    source = knee_site.html("sources/trial-alpha/index.html")
    assert '<a href="https://example.org/register/FTR-0001" rel="noopener">FTR-0001</a>' in source


def test_the_checker_script_converts_with_the_measures_own_units(knee_site, browser):
    """The same script as the main site's checker, reading feet and metres from the page's data."""
    served = Served(knee_site.root / "site")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(served.url + "checker/")
        page.fill("#checker-value", "1000")
        page.check("input[name=unit][value='ft']")
        page.click("#checker button[type=submit]")
        assert page.inner_text("#checker-result .checker-converted") == "1000 ft is 304.8 m."
        assert page.get_attribute("#checker-result [data-set='delta-bands'] .checker-band", "data-band") == "Moderate"
        page.fill("#checker-value", "4000")
        page.click("#checker button[type=submit]")
        assert ("4000 ft is higher than any plausible 6MWD level: this checker accepts up to 3300 ft (1000 m)."
                in page.inner_text("#checker-result .checker-error"))
    finally:
        context.close()
        served.stop()
