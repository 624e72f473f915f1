"""The glossary in a real browser: the tooltip of an abbreviation gives its plain explanation, the
glossary page lists every term without scrolling sideways on a phone, and the glossary page and
an opened checker result have no axe violations at phone and desktop width."""
from __future__ import annotations

import pytest

from browser_support import axe_violations, describe
from conftest import ROOT
from evidence_site.pipeline import load_base
from evidence_site.render.glossary import glossary_items, tooltip

REAL = load_base(ROOT / "evidence")
EXPLAINED = [i for i in glossary_items(REAL.glossary) if i.explanation]


def test_every_real_term_has_an_explanation():
    assert REAL.glossary is not None and len(EXPLAINED) == len(REAL.glossary.terms)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_glossary_page_lists_every_term_and_fits_the_screen(browser, real_server, width):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(real_server.url + "glossary/")
    terms = page.locator("dl.glossary > dt")
    assert terms.count() == len(REAL.glossary.terms)
    first = EXPLAINED[0]
    assert page.locator(f"#{first.anchor} + dd").inner_text() == f"{first.expansion}\n{first.explanation}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_the_tooltip_of_an_abbreviation_explains_it(browser, real_server):
    """Material's tooltip shows the title the glossary gave: the expansion, then the explanation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(real_server.url + "glossary/")
    term = page.locator("article abbr").first
    entry = next(i for i in EXPLAINED if i.term == term.text_content())
    expected = tooltip(entry.expansion, entry.explanation)
    assert term.get_attribute("title") == expected
    term.hover()
    shown = page.locator(".md-tooltip2--active")
    shown.wait_for()
    assert shown.text_content().strip() == expected
    context.close()


def _open_checker_result(page, value: str, unit: str) -> None:
    page.fill("#checker-value", value)
    page.check(f"input[name=unit][value='{unit}']")
    page.click("#checker button[type=submit]")
    page.click("#checker-result details.checker-details > summary")
    page.wait_for_selector("#checker-result .checker-sets", state="visible")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["glossary/", "checker/"])
def test_the_glossary_and_an_opened_checker_result_have_no_axe_violations(browser, real_server, path, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(real_server.url + path)
    if path == "checker/":
        _open_checker_result(page, "45", "nmol/L")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = axe_violations(page)
    context.close()
    assert not violations, f"{path} ({scheme}, {width}px):\n{describe(violations)}"
