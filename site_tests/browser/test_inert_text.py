"""Text fields render as text: HTML, script and Markdown in any text field of any record stay inert.

HTML in a text field is not an error (a title may quote '<5 ng/mL', a note may discuss markup);
it is data that must reach the reader as the characters typed. This module builds a fixture site
with every injection below in every text field of sources, studies, outcomes, topics and the
level scheme, then checks the HTML files statically and in Debian's Chromium (driven by
Playwright, served from 127.0.0.1) that no script runs, no event handler exists, no javascript:
or data: link exists (before or after Material's JavaScript ran, search results included), and
that each payload is shown as literal text rather than dropped.

url fields are different: they only allow http(s), so javascript: and data: URLs there are
errors (see the hostile corpus: url-javascript, url-data).
"""
from __future__ import annotations

import functools
import http.server
import itertools
import json
import re
import shutil
import threading
import typing
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import BaseModel

import evidence_site.verify.links as linkcheck
from conftest import CONFIG, FIXTURES, ROOT, FixtureSite
from evidence_site.records.kinds import FOLDERS as KINDS
from evidence_site.records.kinds import SINGLE_FILES
from evidence_site.records.models import Study
from external import require
from nuchecker import validate

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

# Each payload, if it ever ran, would set window.__pwned (or parent.__pwned) or open a dialog.
SHORT = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=2>",
    "<svg onload=window.__pwned=3>",
    '<a href="javascript:window.__pwned=4">x</a>',
    "[md](javascript:window.__pwned=5)",
    '<iframe src="javascript:parent.__pwned=6">',
    '"><script>alert(7)</script>',
    "<details open ontoggle=alert(8)>",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "<javascript:alert(9)>",
    "{: onclick=alert(10) }",
]
# Labels (60 characters) reach headings, lists and attributes, where Markdown and HTML both parse.
LABELS = ["[m](javascript:alert(5)) {:onclick=alert(3)}",
          "![i](data:image/png;base64,AA==) {:onclick=alert(7)}",
          "<img src=x onerror=alert(2)> <javascript:alert(6)>"]
_LABEL_TURN = itertools.count()
LONG = """Intro text.

<div>
<script>window.__pwned=10</script>
</div>

[md link](javascript:window.__pwned=11) and ![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIj48L3N2Zz4=)

[ref link][r]

[r]: javascript:window.__pwned=12

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4=">data link</a>

# Heading {: onclick="window.__pwned=14" }

<div markdown="1">[x](javascript:window.__pwned=15)</div>

&lt;script&gt;window.__pwned=16&lt;/script&gt; &#106;avascript:alert(17)

</td></tr></table></div></p><script>window.__pwned=18</script>

<style>body{display:none}</style><meta http-equiv="refresh" content="0;url=javascript:alert(19)">

<form action="javascript:alert(20)"><button formaction="javascript:alert(21)">go</button></form>
<object data="data:text/html,<script>parent.__pwned=22</script>"></object><embed src="javascript:alert(23)">
<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=24>
<base href="javascript:alert(25)//"><!-- --><!--> <![CDATA[ ]]>
    indented code <script>window.__pwned=26</script>
"""


# A hand-written page as hostile as check lets through (raw script, handlers and javascript:
# links are refused there, see the hostile corpus): entities that decode to markup in the title,
# the tags (printed unescaped by the theme, on this page and the site-wide tags page) and the
# headings (the table of contents), markup in code, comments and glossary terms in the text.
HAND_WRITTEN = """---
title: Title &lt;img src=x onerror=window.__pwned=40&gt; &amp; it's 'quoted'
tags:
  - "&lt;img src=x onerror=window.__pwned=41&gt;"
  - "x' onmouseover='window.__pwned=42"
---

# Heading &lt;script&gt;window.__pwned=43&lt;/script&gt;

A sentence about MS and RCT and IU, with `<script>window.__pwned=44</script>` in code.
<!-- a comment [@paper-a] <script>window.__pwned=45</script> -->

    <script>window.__pwned=46</script> indented code

```html
<img src=x onerror=window.__pwned=47>
```

Entities &lt;img src=x onerror=window.__pwned=48&gt; and &#60;svg onload=window.__pwned=49&#62;. <!-- not-a-claim -->

## Sub heading `<img src=x onerror=window.__pwned=50>` in code {: #sub .lead }

Text [@paper-a] with *emphasis*.
"""


def short(i: int, limit: int) -> str:
    """Payloads from the i-th on, joined, no longer than limit."""
    text = ""
    for payload in SHORT[i % len(SHORT):] + SHORT[:i % len(SHORT)]:
        if len(text) + len(payload) + 1 > limit:
            break
        text = f"{text} {payload}".strip()
    return text or "<b>x</b><i>y</i>"[:limit]


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _max_length(annotation, metadata=()) -> int:
    """The max_length a field's text (or its list items' text) may have."""
    found = [m.max_length for m in [*metadata, *getattr(annotation, "__metadata__", ())] if hasattr(m, "max_length")]
    found += [m.max_length for meta in getattr(annotation, "__metadata__", ()) for m in getattr(meta, "metadata", ())
              if hasattr(m, "max_length")]
    found += [_max_length(arg) for arg in typing.get_args(annotation)]
    return min([n for n in found if n] or [5000])


def poison(value, model: type[BaseModel], counter: list[int]) -> object:
    """Every free-text field of a record replaced by payloads: LONG where 5,000 characters fit."""
    out = {}
    for key, sub in value.items():
        field = model.model_fields[key]
        nested = _models_in(field.annotation)
        if key in KEEP:
            out[key] = sub
        elif nested and isinstance(sub, dict) and not isinstance(next(iter(sub.values()), None), dict):
            out[key] = poison(sub, nested[0], counter)
        elif nested and isinstance(sub, dict):  # dict of models (agent properties)
            out[key] = {k: poison(v, nested[0], counter) for k, v in sub.items()}
        elif nested and isinstance(sub, list):
            out[key] = [poison(item, nested[0], counter) for item in sub]
        elif isinstance(sub, str) and key == "label":
            out[key] = LABELS[next(_LABEL_TURN) % len(LABELS)]
        elif isinstance(sub, str):
            out[key] = payload_for(counter, _max_length(field.annotation, field.metadata))
        elif isinstance(sub, list) and all(isinstance(item, str) for item in sub):
            out[key] = [payload_for(counter, _max_length(field.annotation, field.metadata)) for _ in sub]
        else:
            out[key] = sub
    return out


def with_every_text_field(record: dict, model: type[BaseModel]) -> dict:
    """The record with every optional top-level text field filled in, so each gets a payload."""
    out = dict(record)
    for name, field in model.model_fields.items():
        options = [field.annotation, *typing.get_args(field.annotation)]
        texty = any(arg is str or typing.get_origin(arg) is typing.Annotated and typing.get_args(arg)[0] is str
                    for arg in options) and not any(typing.get_origin(arg) in (list, dict) for arg in options)
        if name not in out and name not in KEEP and texty:
            out[name] = "x"
    return out


# Fields that hold ids, references, enums, dates or locators: not free text.
KEEP = {"id", "source", "sources", "details_sources", "trial", "design", "outcome", "outcomes", "corrects",
        "agent", "agents", "studies", "kind", "direction", "pmid", "pmcid", "doi", "url", "registry", "verified",
        "aliases", "reviewed", "tier", "designs", "score", "quality", "min_trials",
        "year", "n_initial", "n_final", "order", "scored", "claimed_in", "verdict", "status", "unit", "property",
        "computed", "measure", "pattern", "example", "category",
        "terms"}  # the glossary's terms get their payloads in test_hand_written_page_tags_and_glossary_show_their_text


def payload_for(counter: list[int], limit: int) -> str:
    counter[0] += 1
    return LONG if limit >= len(LONG) else short(counter[0], limit)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> FixtureSite:
    root = tmp_path_factory.mktemp("inert") / "project"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "mkdocs.yml").write_text(CONFIG.format(root=ROOT), encoding="utf-8")
    # The site's own CSS and JavaScript (sortable tables, the checker): let them run on hostile text.
    shutil.copytree(ROOT / "content/assets", root / "content/assets", dirs_exist_ok=True)
    counter = [0]
    # Terms are plain text (markup in a term is refused: see the hostile corpus); expansions may
    # hold any one-line text, and become <abbr title> on every page.
    # An explanation likewise, in the tooltip and on the glossary page.
    glossary = {"id": "glossary", "terms": {"MS": short(0, 400), "RCT": {"expansion": short(3, 400),
                                                                         "explanation": short(5, 400)},
                                            "IU": " ".join(LONG[:400].split())}}
    (root / "content/hostile.md").write_text(HAND_WRITTEN, encoding="utf-8")
    for path in sorted((root / "evidence").rglob("*.yaml")):
        model = {**KINDS, **SINGLE_FILES}[path.parent.name if path.parent.name in KINDS else path.stem]
        poisoned = poison(with_every_text_field(yaml.safe_load(path.read_text(encoding="utf-8")), model), model, counter)
        if model is Study:
            poisoned["tags"] = [short(i, 60) for i in range(len(SHORT))]
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "evidence/glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    site = FixtureSite(root)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


def html_files(site: FixtureSite) -> list[Path]:
    return sorted((site.root / "site").rglob("*.html"))


# Attributes whose value the browser runs or applies as markup or style (text in aria-label or
# title is inert; payload text URL-encoded into an https link's query, as in the report-a-problem
# link, is inert too; javascript:/data: URLs are linkcheck's job, handlers the check above).
ACTIVE_ATTRS = {"style", "srcdoc", "srcset", "http-equiv"}


class _Inventory(HTMLParser):
    """Elements and attributes that could run code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers, self.scripts, self.dangerous, self.in_script, self.text = [], [], [], False, []

    def handle_starttag(self, tag, attrs):
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if tag in ("script", "style"):
            self.in_script = True
            kind = dict(attrs).get("type") or ""
            # JSON data blocks (JSON-LD, Material's config) hold text safely as long as they parse
            self.scripts.append([kind, dict(attrs).get("src") or ""])
        # Elements only the payloads would bring, and any element carrying a payload in an active
        # attribute. (Our redirect pages' meta refresh is checked by linkcheck: a local URL.)
        if tag in ("iframe", "object", "embed", "base", "math", "mglyph", "frame", "applet") or \
                any(v and ("pwned" in v or "alert(" in v) for name, v in attrs if name in ACTIVE_ATTRS):
            self.dangerous.append(f"<{tag} {attrs}>")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1][1] += data
        else:
            self.text.append(data)


def test_every_text_field_carries_a_payload(hostile_site):
    study = hostile_site.read("evidence/studies/paper-a.yaml")
    assert "onerror" in study and "javascript:" in study and "<script>" in study
    texts = [line for line in study.splitlines() if line.strip().startswith(("population:", "country:", "comparator:"))]
    assert texts and all("<" in line or "[" in line or "{{" in line for line in texts), texts


def test_the_html_files_hold_no_script_handler_or_unsafe_link_of_ours(hostile_site):
    site_dir = hostile_site.root / "site"
    unsafe = [p for p in linkcheck.check(site_dir, "https://example.org/") if "runs code" in p.message]
    assert not unsafe, "\n".join(map(str, unsafe))
    for path in html_files(hostile_site):
        inventory = _Inventory()
        inventory.feed(path.read_text(encoding="utf-8"))
        assert not inventory.handlers, (path, inventory.handlers)
        for kind, body in inventory.scripts:
            if kind.endswith("json"):
                json.loads(body)  # data, not code: it parsed, so no payload ended the element
            else:
                assert not ("pwned" in body or "alert(" in body or "display:none}" in body), (path, body[:200])
        assert not inventory.dangerous, (path, inventory.dangerous)


def test_payloads_are_shown_as_the_characters_typed(hostile_site):
    """Escaped, not stripped: a reader sees the text an editor wrote."""
    page = hostile_site.html("studies/paper-a/index.html")
    inventory = _Inventory()
    inventory.feed(page)
    text = " ".join("".join(inventory.text).split())
    for payload in SHORT:
        assert payload in text, payload
    assert "[r]: javascript:window.__pwned=12" in text and "# Heading {: onclick=" in text
    assert "&lt;script&gt;window.__pwned=16&lt;/script&gt;" in text  # typed entities stay as typed


def test_hand_written_page_tags_and_glossary_show_their_text(hostile_site):
    """The hostile hand-written page, the tags page and glossary tooltips carry the payloads as text."""
    page = hostile_site.html("hostile/index.html")
    inventory = _Inventory()
    inventory.feed(page)
    text = " ".join("".join(inventory.text).split())
    assert "<script>window.__pwned=44</script>" in text and "<img src=x onerror=window.__pwned=48>" in text
    assert "Heading <script>window.__pwned=43</script>" in text  # the heading and its table-of-contents entry
    assert "<img src=x onerror=window.__pwned=41>" in text  # a tag, as typed
    assert "window.__pwned=45" not in page, "a comment is not published"
    assert re.search(r'<abbr title="[^"]*&lt;script&gt;window.__pwned=1', page), "glossary tooltips hold the expansion as text"
    glossary = hostile_site.html("glossary/index.html")
    inventory = _Inventory()
    inventory.feed(glossary)
    assert short(5, 400) in " ".join("".join(inventory.text).split()), "an explanation is shown as typed"
    tags = hostile_site.html("tags/index.html")
    inventory = _Inventory()
    inventory.feed(tags)
    assert "<img src=x onerror=window.__pwned=41>" in " ".join("".join(inventory.text).split())


def test_our_templates_stay_valid_html_with_hostile_text(hostile_site):
    errors, _, _ = validate(html_files(hostile_site), hostile_site.root / "site")
    assert not errors, "\n".join(map(str, errors))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(hostile_site):
    handler = functools.partial(_QuietHandler, directory=str(hostile_site.root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists(), "chromium", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright", "pip install -r requirements.lock")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


UNSAFE_IN_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (attr.name.startsWith('on') || (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(attr.name)
          && /^(javascript|data|vbscript):/.test(value))) bad.push(el.tagName + ' ' + attr.name + '=' + attr.value.slice(0, 80));
    }
  }
  return bad;
}"""


# Hosts a page may contact: only our own server (hooks/theme/partials/source.html stops
# Material's call to api.github.com for repository stars).
ALLOWED_HOSTS = {"127.0.0.1"}


def test_no_script_runs_in_chromium(hostile_site, served, browser, capsys):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    requests: list[str] = []
    failed: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.url.startswith(served) else None)
    page.add_init_script("window.__pwned = undefined;")
    visited = 0
    for path in html_files(hostile_site):
        url = served + path.relative_to(hostile_site.root / "site").as_posix()
        page.goto(url, wait_until="load")
        page.wait_for_timeout(150)  # let Material's bundle and any deferred handler run
        pwned = [frame.evaluate("() => window.__pwned") for frame in page.frames]
        assert pwned == [None] * len(page.frames), (url, pwned)
        assert page.evaluate(UNSAFE_IN_DOM) == [], url
        visited += 1
    # The checker places hostile band labels and authorities with its own script: use it.
    checkers = [p for p in html_files(hostile_site) if p.parent.name == "checker"]
    for path in checkers:
        page.goto(served + path.relative_to(hostile_site.root / "site").as_posix(), wait_until="load")
        for value in ("20", "80", "400"):
            page.fill("#checker-value", value)
            page.locator("#checker button[type=submit], #checker input[type=submit]").first.click()
            page.wait_for_timeout(100)
            assert page.locator("#checker-result").inner_text().strip(), "the checker showed no result"
            assert page.evaluate("() => window.__pwned") is None and page.evaluate(UNSAFE_IN_DOM) == []
    # Material's search shows titles and text from the search index: search for the payloads.
    page.goto(served + "studies/paper-a/", wait_until="networkidle")
    searches = 0
    for query in ("onerror", "ontoggle", "Intro", "javascript"):
        box = page.locator("input.md-search__input")
        box.click()
        box.fill("")
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        page.wait_for_timeout(200)
        searches += 1
        assert page.evaluate("() => window.__pwned") is None, query
        assert page.evaluate(UNSAFE_IN_DOM) == [], query
    assert not dialogs, dialogs
    # An injected <img src=x> or <iframe> would have asked for a file that does not exist.
    assert not failed, failed
    outside = sorted({urlsplit(url).hostname for url in requests if urlsplit(url).scheme in ("http", "https")} - ALLOWED_HOSTS)
    assert not outside, outside
    assert not [url for url in requests if not url.startswith(("http:", "https:"))], "a javascript: or data: URL was loaded"
    with capsys.disabled():
        print(f"\n[inert] {visited} pages, {len(checkers)} checker(s) used and {searches} searches in Chromium: no script ran, no unsafe link, "
              f"{len(requests)} requests, none failed")
