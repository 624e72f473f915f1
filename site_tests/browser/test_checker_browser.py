"""The checker in a real browser: the right band on each side of every cut-off in both units, the
same summary line as checker.py, clear messages for bad input, keyboard use, and the static table
with JavaScript off."""
from __future__ import annotations

import pytest

from conftest import FIXTURES, ROOT
from evidence_site.pipeline import load_base
from evidence_site.render.checker import band_of, convert, ordered_sets, other_units, summary_line

BASE = load_base(FIXTURES / "mini/evidence")


@pytest.fixture(scope="module")
def checker(browser, mini_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(mini_server.url + "checker/")
    yield page
    context.close()


def submit(page, value: str, unit: str) -> None:
    page.fill("#checker-value", value)
    page.check(f"input[name=unit][value='{unit}']")
    page.click("#checker button[type=submit]")


def shown_band(page, set_id: str) -> str | None:
    line = page.locator(f"#checker-result [data-set='{set_id}'] .checker-band")
    band = line.get_attribute("data-band")
    return band or None


def cases(tset, measure) -> list[tuple[str, str]]:
    """(value, unit) on each side of every cut-off, in the set's own unit and each other one."""
    out = []
    for cut in sorted({c for b in tset.bands for c in (b.lower, b.upper) if c}):
        out += [(f"{cut:g}", tset.unit), (f"{cut - 0.1:g}", tset.unit)]
        for unit in other_units(measure, tset.unit):
            other = convert(cut, tset.unit, unit, measure)
            out += [(f"{other * 1.005:.2f}", unit), (f"{other * 0.995:.2f}", unit)]
    return out


@pytest.mark.parametrize("set_id", [k for k, t in BASE.thresholds.items() if t.bands])
def test_checker_gives_the_right_band_on_each_side_of_every_cut_off(checker, set_id):
    tset = BASE.thresholds[set_id]
    measure = BASE.measures[tset.measure]
    wrong = []
    for value, unit in cases(tset, measure):
        submit(checker, value, unit)
        expected = band_of(tset, float(value), unit, measure)
        got = shown_band(checker, set_id)
        if got != (expected.label if expected else None):
            wrong.append(f"{value} {unit}: shown {got!r}, expected {expected.label if expected else None!r}")
    assert not wrong, "\n".join(wrong)


def test_the_real_threshold_sets_give_the_same_bands_in_the_browser_as_in_python(browser, real_server):
    """Every cut-off of every real authority, both sides, both units: the script agrees with checker.py."""
    real = load_base(ROOT / "evidence")
    context = browser.new_context()
    page = context.new_page()
    page.goto(real_server.url + "checker/")
    wrong, checked = [], 0
    for tset in real.thresholds.values():
        measure = real.measures[tset.measure]
        limits = {u.unit: u.plausible_max for u in measure.units}
        for value, unit in cases(tset, measure):
            if float(value) > limits[unit]:
                continue
            submit(page, value, unit)
            for other in real.thresholds.values():
                expected = band_of(other, float(value), unit, measure)
                got = shown_band(page, other.id) if other.bands else None
                checked += 1
                if got != (expected.label if expected else None):
                    wrong.append(f"{other.id} at {value} {unit}: shown {got!r}, expected {expected.label if expected else None!r}")
    context.close()
    assert not wrong, "\n".join(wrong)
    assert checked >= len(real.thresholds) ** 2 or not real.thresholds


def test_checker_known_answers_and_the_other_unit(checker):
    submit(checker, "20", "ng/mL")
    assert checker.inner_text("#checker-result .checker-converted") == "20 ng/mL is 49.9 nmol/L."
    assert shown_band(checker, "set-a") == "Possibly low"  # 49.92 nmol/L is under 50
    assert shown_band(checker, "set-b") == "Insufficiency"  # 20 is the lower cut-off: inclusive
    assert shown_band(checker, "set-d") is None
    assert ("Your result, 20 ng/mL in this authority's unit" not in checker.text_content("[data-set='set-d']")
            and "Your result is below the only range it sets: that range, Toxicity, starts at 150 ng/mL."
            in checker.text_content("[data-set='set-d']"))
    assert "close to the cut-off of 50 nmol/L" in checker.text_content("[data-set='set-a']")
    assert "Superseded" in checker.text_content("[data-set='set-b']")
    assert "Endorses no cut-offs" in checker.text_content("[data-set='set-c']")
    submit(checker, "62", "nmol/L")
    assert checker.inner_text("#checker-result .checker-converted") == "62 nmol/L is 24.8 ng/mL."
    assert shown_band(checker, "set-a") == "Adequate"
    assert "Your result, 24.8 ng/mL in this authority's unit, is below the only range" in \
        checker.text_content("[data-set='set-d']")
    # a band in another unit than the reader's shows its range in both, the converted one rounded
    assert "(50 to under 125 nmol/L; 20 to under 50 ng/mL)" not in checker.text_content("[data-set='set-a']")
    submit(checker, "24", "ng/mL")
    assert "(50 to under 125 nmol/L; 20 to under 50 ng/mL)" in checker.text_content("[data-set='set-a']")
    # each result cites its source, linking to the page's reference list
    href = checker.get_attribute("[data-set='set-a'] .checker-band a.citation", "href")
    assert href == "#ref-guideline-a" and checker.locator("#ref-guideline-a").count() == 1


def summary_of(page) -> str:
    return page.inner_text("#checker-result .checker-summary")


@pytest.mark.parametrize("value, unit", [("45", "nmol/L"), ("18", "ng/mL"), ("20", "ng/mL"), ("49.92", "nmol/L"),
                                         ("50", "nmol/L"), ("30", "ng/mL"), ("124.9", "nmol/L"), ("125", "nmol/L"),
                                         ("150", "ng/mL"), ("374.4", "nmol/L"), ("374.3", "nmol/L"), ("24,5", "ng/mL")])
def test_the_summary_line_is_the_one_checker_py_computes(checker, value, unit):
    submit(checker, value, unit)
    expected = summary_line(ordered_sets(BASE, BASE.measures["level"]), float(value.replace(",", ".")), unit,
                            BASE.measures["level"])
    assert expected and summary_of(checker) == expected
    # the summary comes first; each authority's details are folded under it until the reader opens them
    details = checker.locator("#checker-result details.checker-details")
    assert details.count() == 1 and details.get_attribute("open") is None
    assert not checker.is_visible("#checker-result [data-set='set-a'] .checker-band")
    order = checker.evaluate("[...document.querySelector('#checker-result').children].map(e => e.className)")
    assert order.index("checker-summary") < order.index("checker-details")


def test_the_details_open_and_say_where_each_authority_puts_the_result(checker):
    submit(checker, "45", "nmol/L")
    checker.click("#checker-result details.checker-details > summary")
    band = checker.locator("#checker-result [data-set='set-a'] .checker-band")
    assert band.is_visible() and band.get_attribute("data-category") == "below"
    assert "Below this authority's recommended level." in band.inner_text()
    assert checker.get_attribute("#checker-result [data-set='set-d'] .checker-band", "data-category") == "too-low"


def test_the_real_checker_sums_up_in_both_units_and_gives_no_dose(browser, real_server):
    """The issue's own example, and the script's line against checker.py's for values across the real bands."""
    real = load_base(ROOT / "evidence")
    measure = real.measures["serum-25ohd"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(real_server.url + "checker/")
    submit(page, "45", "nmol/L")
    assert summary_of(page) == ("4 of the 5 authorities that set cut-offs put 45 nmol/L below their recommended "
                                "level and 1 sets no range low enough to include it.")
    wrong = []
    for value, unit in [("18", "ng/mL"), ("20", "ng/mL"), ("60", "nmol/L"), ("24", "ng/mL"), ("80", "nmol/L"),
                        ("40", "ng/mL"), ("130", "nmol/L"), ("100", "ng/mL"), ("160", "ng/mL"), ("374.4", "nmol/L")]:
        submit(page, value, unit)
        expected = summary_line(ordered_sets(real, measure), float(value), unit, measure)
        if summary_of(page) != expected:
            wrong.append(f"{value} {unit}: shown {summary_of(page)!r}, expected {expected!r}")
        result = page.text_content("#checker-result")
        if " IU" in result or "loading dose" in result:
            wrong.append(f"{value} {unit}: the result carries dose advice")
        if "50.1" in result:
            wrong.append(f"{value} {unit}: a converted cut-off shows a conversion artefact")
    context.close()
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("value, unit, message", [
    ("", "nmol/L", "Enter your 25(OH)D result as a number, for example 62 or 24.5."),
    ("   ", "ng/mL", "Enter your 25(OH)D result as a number, for example 62 or 24.5."),
    ("abc", "nmol/L", "\u201cabc\u201d is not a number."),
    ("12abc", "nmol/L", "\u201c12abc\u201d is not a number."),
    ("-5", "nmol/L", "A 25(OH)D level cannot be negative."),
    ("0", "ng/mL", "A 25(OH)D level of 0 is not possible."),
    ("1,000", "nmol/L", "Write the number without a thousands separator"),
    ("1001", "nmol/L", "1001 nmol/L is higher than any plausible 25(OH)D level: this checker accepts up to 1000 nmol/L (400 ng/mL)."),
    ("401", "ng/mL", "401 ng/mL is higher than any plausible 25(OH)D level: this checker accepts up to 400 ng/mL (1000 nmol/L)."),
])
def test_checker_rejects_bad_input_with_a_clear_message(checker, value, unit, message):
    submit(checker, value, unit)
    error = checker.locator("#checker-result .checker-error")
    assert error.count() == 1 and message in error.inner_text()
    assert checker.get_attribute("#checker-value", "aria-invalid") == "true"
    assert "checker-error" in checker.get_attribute("#checker-value", "aria-describedby")
    assert checker.locator("#checker-result .checker-sets").count() == 0


@pytest.mark.parametrize("value, unit, band", [("1000", "nmol/L", "Possibly too high"), ("400", "ng/mL", "Possibly too high"),
                                               ("24,5", "ng/mL", "Adequate"), (" 62 ", "nmol/L", "Adequate")])
def test_checker_accepts_the_edges_and_a_decimal_comma(checker, value, unit, band):
    submit(checker, value, unit)
    assert checker.locator("#checker-result .checker-error").count() == 0
    assert checker.get_attribute("#checker-value", "aria-invalid") is None
    assert shown_band(checker, "set-a") == band


def test_checker_works_from_the_keyboard_and_announces_results(browser, mini_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(mini_server.url + "checker/")
    assert page.get_attribute("#checker-result", "aria-live") == "polite"
    page.focus("#checker-value")
    page.keyboard.type("30")
    page.keyboard.press("Tab")  # into the unit radio group
    page.keyboard.press("ArrowRight")  # ng/mL
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("#checker-result .checker-summary")
    assert page.inner_text("#checker-result .checker-converted") == "30 ng/mL is 74.9 nmol/L."
    assert shown_band(page, "set-b") == "Sufficiency"
    assert page.evaluate("document.querySelector('label[for=checker-value]').textContent") == "Your 25(OH)D result"
    context.close()


def test_without_javascript_the_static_table_is_there_and_the_form_is_not(browser, mini_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(mini_server.url + "checker/")
    assert page.is_visible("#checker-nojs")
    assert not page.is_visible("#checker")
    rows = page.locator("table.bands tbody tr")
    assert rows.count() == 8 and all(rows.nth(i).is_visible() for i in range(rows.count()))
    assert page.is_visible("text=Endorses no cut-offs") and page.is_visible("text=Not medical advice")
    context.close()
