"""Reading on a phone and on paper, in Debian chromium: no page kind scrolls sideways at 320, 390 or
1280 px, chart text is at least 11 px on a 390 px phone, search forgives accents and lists an agent's
or topic's own page first for its name, the claims can be shown by verdict, and a topic prints on
at most two A4 pages without the site's navigation."""
from __future__ import annotations

import re

import pytest

from browser_support import browser, real_server  # noqa: F401  (fixtures)
from conftest import ROOT
from evidence_site.pipeline import load_base

REAL = load_base(ROOT / "evidence")


def first(kind: str) -> str:
    return next(iter(sorted(getattr(REAL, kind))))


PAGE_KINDS = {
    "home": "", "topic": f"topics/{first('topics')}/", "study": f"studies/{first('studies')}/",
    "source": f"sources/{first('sources')}/", "agent": f"agents/{first('agents')}/",
    "comparison": f"comparisons/{first('comparisons')}/", "evidence map": "evidence-map/", "claims": "claims/",
    "checker": "checker/", "figures": "figures/", "topics index": "topics/", "studies index": "studies/",
    "sources index": "sources/", "methods": "methods/",
}

# What sticks out past the right edge of the screen and is not inside a frame that scrolls on its own.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let framed = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const own = getComputedStyle(p).overflowX !== 'visible';
      if (own && p.getBoundingClientRect().right <= width + 1) { framed = true; break; }
    }
    if (!framed) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)} px`);
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: out.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def pages(browser):  # noqa: F811
    contexts = {}

    def at(width: int, **options):
        key = (width, tuple(sorted(options.items())))
        if key not in contexts:
            contexts[key] = browser.new_context(viewport={"width": width, "height": 844}, **options)
        return contexts[key].new_page()
    yield at
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("width", [320, 390, 1280])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_page_kind_scrolls_sideways(pages, real_server, kind, width):  # noqa: F811
    page = pages(width)
    page.goto(real_server.url + PAGE_KINDS[kind])
    found = page.evaluate(SIDEWAYS)
    page.close()
    assert found["scroll"] <= found["width"], f"{kind} at {width} px is {found['scroll']} px wide: {found['wide']}"


def test_no_page_of_the_site_scrolls_sideways_on_a_320_px_phone(pages, real_site, real_server):  # noqa: F811
    """Every page, not one of each kind: a long address in one record is enough to widen its page."""
    page = pages(320)
    wide = []
    for html in sorted(real_site.rglob("index.html")):
        rel = html.parent.relative_to(real_site).as_posix()
        if "<meta http-equiv=\"refresh\"" in html.read_text(encoding="utf-8")[:2000]:
            continue  # a redirect page for an old address
        page.goto(real_server.url + ("" if rel == "." else rel + "/"))
        found = page.evaluate(SIDEWAYS)
        if found["scroll"] > found["width"]:
            wide.append(f"{rel}: {found['scroll']} px {found['wide'][:2]}")
    page.close()
    assert not wide, "pages wider than a 320 px screen:\n" + "\n".join(wide)


# Words of four letters or more in tables that a line break splits ("Shaygann / ejad"); a break at a
# hyphen, slash or dash is fine, and text hidden for screen readers only (1 px boxes) is skipped.
BROKEN_WORDS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el.closest('table') || !el.offsetParent) continue;
    let hidden = false;
    for (let a = el; a && a.tagName !== 'TABLE'; a = a.parentElement) {
      hidden = hidden || a.getBoundingClientRect().width < 2;
    }
    if (hidden) continue;
    const words = /[^\\s\\-\\/\u2013\u2014,;()]{4,}/g;
    for (let m = words.exec(n.data); m; m = words.exec(n.data)) {
      const range = document.createRange();
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
      if (lines.size > 1) out.push(m[0]);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("kind", ["evidence map", "comparison", "topics index", "studies index", "agent", "topic"])
def test_no_word_in_a_table_is_broken_across_lines(pages, real_server, kind, width):  # noqa: F811
    page = pages(width)
    page.goto(real_server.url + PAGE_KINDS[kind])
    broken = page.evaluate(BROKEN_WORDS)
    page.close()
    assert not broken, f"{kind} at {width} px breaks {broken[:5]} mid-word"


@pytest.mark.parametrize("kind, table", [("comparison", "comparison"), ("evidence map", "evidence-map")])
def test_the_header_row_of_a_wide_table_stays_in_view_on_a_desktop(pages, real_server, kind, table):  # noqa: F811
    page = pages(1280)
    page.goto(real_server.url + PAGE_KINDS[kind])
    page.evaluate(f"() => {{ const t = document.querySelector('table.{table}');"
                  " window.scrollTo(0, t.offsetTop + t.offsetHeight / 2); }")
    head, bar = page.evaluate(f"""() => [document.querySelector('table.{table} thead th').getBoundingClientRect().top,
                                        document.querySelector('.md-header').getBoundingClientRect().bottom]""")
    page.close()
    assert abs(head - bar) <= 2, f"the {kind} header row is at {head} px, the site header ends at {bar} px"


def test_chart_text_is_at_least_11_px_on_a_390_px_phone(pages, real_server):  # noqa: F811
    page = pages(390)
    page.goto(real_server.url + "figures/")
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')]
          .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
      }).flat()""")
    page.close()
    assert sizes, "the figures page has no chart text"
    small = [(text, round(px, 1)) for text, px in sizes if px < 11]
    assert not small, f"chart text under 11 px at 390 px: {small[:5]}"


def search(browser, url: str, query: str) -> tuple[list[tuple[str, str]], int]:  # noqa: F811
    """(href, visible text) of Material's search results for query, and how many folded-word spans
    show in them. A fresh context each time: a second search page in one context lists nothing."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                               " return m && m.textContent.trim() && !/initiali/i.test(m.textContent); }",
                               timeout=15000)
        # Material reads the query on keyup, which fill() does not send: the whole query, then one
        # keyup, so the first results listed are those for the whole query.
        page.fill("input.md-search__input", query)
        page.dispatch_event("input.md-search__input", "keyup")
        page.wait_for_function("() => /match/i.test(document.querySelector('.md-search-result__meta').textContent)",
                               timeout=15000)  # "No matching documents", "17 matching documents"
        results = page.eval_on_selector_all(".md-search-result__item > .md-search-result__link",
                                            "els => els.map(e => [e.getAttribute('href'), e.innerText])")
        shown = page.eval_on_selector_all(".md-search-result .search-folded",
                                          "els => els.filter(e => e.offsetParent).length")
        return results, shown
    finally:
        context.close()


@pytest.mark.parametrize("typed, accented", [("Tromso", "Tromsø"), ("Holmoy", "Holmøy")])
def test_search_without_accents_finds_the_accented_words(browser, real_server, typed, accented):  # noqa: F811
    results, folded_shown = search(browser, real_server.url, typed)
    assert any(accented in text for _, text in results), f"{typed!r} found no page showing {accented!r}: {results[:3]}"
    assert folded_shown == 0, "the folded words show in the search results"


NAMED = [("agents", k) for k in sorted(REAL.agents)] + [("topics", k) for k in sorted(REAL.topics)]


@pytest.mark.parametrize("kind, key", NAMED)
def test_search_for_a_name_lists_its_own_agent_or_topic_page_first(browser, real_server, kind, key):  # noqa: F811
    record = getattr(REAL, kind)[key]
    name = getattr(record, "name", None) or record.title
    results, _ = search(browser, real_server.url, name)
    assert results, f"{name!r} found nothing"
    assert re.search(rf"/{kind}/{re.escape(key)}/(\?|$)", results[0][0]), f"{name!r}: first result {results[0][0]}"


def test_the_claims_can_be_shown_by_verdict(pages, real_server):  # noqa: F811
    verdicts = sorted({c.verdict for c in REAL.claims.values()})
    if len(verdicts) < 2:
        pytest.skip("the claims have one verdict: no filter is shown")
    page = pages(390)
    page.goto(real_server.url + "claims/")
    for verdict in verdicts:
        page.check(f".verdict-filter input[value='{verdict}']")
        shown = page.eval_on_selector_all(".claim-check",
                                          "els => els.filter(e => e.offsetParent).map(e => e.className)")
        assert shown and all(f"verdict-{verdict}" in c.split() for c in shown), verdict
    page.check(".verdict-filter input[value='all']")
    assert page.locator(".claim-check:visible").count() == len(REAL.claims)
    page.close()


@pytest.mark.parametrize("kind, key", NAMED)
def test_a_topic_or_agent_prints_on_at_most_two_a4_pages_without_the_navigation(pages, real_server, kind, key):  # noqa: F811
    page = pages(1280)
    page.goto(real_server.url + f"{kind}/{key}/")
    pdf = page.pdf(prefer_css_page_size=True)
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-search', '.md-footer', '.record-actions']
        .filter(s => [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== 'none'))""")
    plain = page.locator(".plain").count()
    page.close()
    assert 1 <= count <= 2, f"{kind}/{key}/ prints on {count} pages"
    assert not shown, f"printed with {shown}"
    if kind == "topics":
        assert plain == len(REAL.topics[key].conclusions), "every plain answer is printed"
