"""axe-core finds no violations on the pages readers use most, in Debian chromium, light and dark."""
from __future__ import annotations

import pytest

from browser_support import axe_violations, describe, need
from conftest import ROOT
from evidence_site.pipeline import load_base

REAL = load_base(ROOT / "evidence")


def real_pages() -> list[str]:
    """Home, the questions, a study, a source, a topic, an agent and a comparison (when the evidence has
    them), the checker, figures, tags, the evidence map and the claims."""
    pages = ["", "checker/", "figures/", "tags/", "studies/", "comparisons/", "topics/", "evidence-map/", "claims/"]
    pages += ["questions/"] if REAL.questions else []
    for kind in ("studies", "sources", "topics", "agents", "comparisons"):
        first = next(iter(REAL.of(kind)), None)
        if first:
            pages.append(f"{kind}/{first}/")
    return pages


MINI_PAGES = ["", "studies/paper-a/", "topics/bone/", "comparisons/forms/", "checker/", "figures/", "evidence-map/"]


def check(browser, url: str, scheme: str, width: int = 1280, action=None) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url)
        if action:
            action(page)
        violations = axe_violations(page)
        assert not violations, f"{url} ({scheme}, {width}px):\n{describe(violations)}"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", real_pages())
def test_real_site_pages_have_no_axe_violations(browser, real_server, path, scheme):
    check(browser, real_server.url + path, scheme)


@pytest.mark.parametrize("path", real_pages())
def test_real_site_pages_have_no_axe_violations_on_a_phone(browser, real_server, path):
    check(browser, real_server.url + path, "light", width=390)


@pytest.mark.parametrize("path", MINI_PAGES)
def test_fixture_pages_have_no_axe_violations_on_a_phone(browser, mini_server, path):
    check(browser, mini_server.url + path, "light", width=390)


def _submit(value: str, unit: str):
    def act(page):
        page.fill("#checker-value", value)
        page.check(f"input[name=unit][value='{unit}']")
        page.click("#checker button[type=submit]")
        page.wait_for_selector("#checker-result > *")
    return act


@pytest.mark.parametrize("value, unit", [("62", "nmol/L"), ("abc", "ng/mL")])
def test_checker_results_and_errors_have_no_axe_violations(browser, mini_server, value, unit):
    check(browser, mini_server.url + "checker/", "light", action=_submit(value, unit))
    check(browser, mini_server.url + "checker/", "light", width=390, action=_submit(value, unit))


def test_missing_browser_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        need(False, "chromium missing")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        need(False, "chromium missing")
