"""The real site, built once per session from the repository's own evidence/ and content/:
nothing lost, no broken link or anchor, byte-identical rebuilds, valid HTML."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import evidence_site.pipeline as site
import evidence_site.verify.links as linkcheck
from conftest import BUILD_ENV, ROOT
from evidence_site.records.kinds import PAGED as PAGED_KINDS
from evidence_site.render.links import page_path, url_of
from nuchecker import validate

SITE_URL = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)
BASE_PATH = urlsplit(SITE_URL).path or "/"
# Text keys of a claim (anything with 'sources' that the site asserts).
CLAIM_TEXT = ("text", "statement", "plain", "quote", "explanation", "answer")


# --- the link checker itself ------------------------------------------------------------------------

BROKEN_SITE = {
    "index.html": """<!doctype html><html><head><title>t</title>
<meta http-equiv="refresh" content="0; url=moved/"></head><body id="top">
<a href="a/">ok</a> <a href="a/#x">ok anchor</a> <a href="#top">ok top</a> <a href="https://example.org/">external</a>
<a href="/sub/a/">absolute, inside the site's path</a> <img src="pic.png" srcset="pic.png 1x, big.png 2x">
<a href="b/">missing page</a>
<a href="#nope">missing anchor</a>
<a href="a/#y">missing anchor elsewhere</a>
<a href="javascript:alert(1)">js</a>
<a href="JaVa&#9;ScRiPt:alert(1)">js with a tab</a>
<iframe src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>
<a href="../../etc/passwd">outside</a>
<a href="/other/">outside the site's path</a>
<a href="tel:+100">a scheme that is not http(s) or mailto</a> <a href="mailto:a@example.org">mail</a>
<p onclick="alert(1)">a handler</p><script src="https://cdn.example.org/x.js"></script>
<article class="md-content__inner"><script>alert(1)</script><script type="application/json">{}</script>
<script src="../assets/checker.js"></script></article><script>theme()</script>
</body></html>""",
    "a/index.html": '<!doctype html><html><body><h2 id="x">x</h2><a name="legacy"></a></body></html>',
    "pic.png": "",
}


def test_the_link_checker_finds_every_kind_of_problem(tmp_path):
    for rel, text in BROKEN_SITE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    problems = [str(p) for p in linkcheck.check(tmp_path, "https://example.org/sub/")]
    assert problems == [
        "index.html:2: moved/: no such file: moved/index.html",
        "index.html:4: big.png: no such file: big.png",
        "index.html:5: b/: no such file: b/index.html",
        "index.html:6: #nope: no id 'nope' on index.html",
        "index.html:7: a/#y: no id 'y' on a/index.html",
        "index.html:8: javascript:alert(1): <a href> runs code or embeds data",
        "index.html:9: JaVa\tScRiPt:alert(1): <a href> runs code or embeds data",
        "index.html:10: data:text/html,<script>alert(1)</script>: <iframe src> runs code or embeds data",
        "index.html:11: ../../etc/passwd: points outside the site",
        "index.html:12: /other/: points outside the site",
        "index.html:13: tel:+100: <a href> is not an http(s), mailto or relative link",
        "index.html:14: <p onclick>: an event-handler attribute: runs code",
        "index.html:14: <script src=https://cdn.example.org/x.js>: a script from outside the site: runs code",
        "index.html:15: <script>: a script in the page content, not from the theme or assets/: runs code",
        "index.html:16: ../assets/checker.js: points outside the site",
    ]


# --- the real site ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(real_site) -> dict[str, linkcheck.PageLinks]:
    return linkcheck.scan(real_site)


def test_real_site_has_no_broken_links_anchors_or_unsafe_links(real_site, pages, capsys):
    problems = linkcheck.check(real_site, SITE_URL, pages)
    links = [link for page in pages.values() for link in page.links]
    local = [link for link in links if linkcheck.resolve(link, real_site, BASE_PATH)[0] is not None]
    with capsys.disabled():
        print(f"\n[links] {len(pages)} pages, {len(links)} links, {len(local)} local, "
              f"{sum('#' in link.url for link in local)} with an anchor: {len(problems)} problem(s)")
    assert not problems, "\n".join(map(str, problems))


class _Text(HTMLParser):
    """The text a reader sees: character data outside script and style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split())


def claim_texts(value) -> list[str]:
    """Every claim text in a record dump: the text keys of anything that has 'sources'."""
    found = []
    if isinstance(value, dict):
        if "sources" in value:
            found += [value[k] for k in CLAIM_TEXT if isinstance(value.get(k), str)]
        for sub in value.values():
            found += claim_texts(sub)
    elif isinstance(value, list):
        for sub in value:
            found += claim_texts(sub)
    return found


def page_file(kind: str, key: str | None = None) -> str:
    url = url_of(page_path(kind, key))
    return url + "index.html" if url.endswith("/") or not url else url


# Kinds whose claims the site does not show yet: a known gap, printed on every run. The test fails
# when a listed kind's claims do appear, so that this list only ever shrinks.
NOT_SHOWN_YET: dict[str, str] = {}  # e.g. {"thresholds": "no page shows threshold sets yet"}


def test_nothing_is_lost(real_site, pages, capsys):
    """Every record yields its page, every finding and claim is on its page, every source page
    exists and something links to it, counted against the records."""
    built = site.build(ROOT / "evidence", ROOT / "content")
    base = built.base
    texts = {rel: page_text(real_site / rel) for rel in pages}
    everything = " ".join(texts.values())
    inbound = linkcheck.links_to(pages, real_site, SITE_URL)
    counts, missing = {}, []
    for (kind, key), origin in sorted(base.origins.items()):
        record_page = page_file(kind, key) if kind in PAGED_KINDS else None
        if record_page:
            counts[f"{kind} pages"] = counts.get(f"{kind} pages", 0) + 1
            if record_page not in texts:
                missing.append(f"{origin.file}: no page {record_page}")
                continue
        where = texts[record_page] if record_page else everything
        for text in claim_texts(origin.record.model_dump(mode="python")):
            shown = " ".join(text.split()) in where
            counts["claims"] = counts.get("claims", 0) + 1
            if kind in NOT_SHOWN_YET:
                counts[f"{kind} claims not shown yet"] = counts.get(f"{kind} claims not shown yet", 0) + (not shown)
                if shown:
                    missing.append(f"{origin.file}: claim now shown: remove '{kind}' from NOT_SHOWN_YET")
            elif not shown:
                missing.append(f"{origin.file}: claim not on {record_page or 'any page'}: {text[:80]!r}")
        if kind == "studies":
            counts["findings"] = counts.get("findings", 0) + len(origin.record.findings)
        if kind == "sources":
            if not inbound.get(record_page, set()) - {record_page}:
                missing.append(f"{origin.file}: nothing links to {record_page}")
    for kind in PAGED_KINDS & set(base.records):
        if page_file(kind) not in texts:
            missing.append(f"no index page for {kind}")
    records = ", ".join(f"{len(recs)} {kind}" for kind, recs in base.records.items())
    with capsys.disabled():
        print(f"\n[nothing lost] records: {records}; HTML pages: {len(pages)}; "
              + ", ".join(f"{n} {what}" for what, n in counts.items())
              + f"; generated pages: {len(built.pages)}; problems: {len(missing)}")
    assert not missing, "\n".join(missing)
    assert counts.get("findings", 0) > 0 and counts.get("sources pages") == len(base.sources)
    assert counts.get("studies pages") == len(base.studies)


# The one tag in which a build by MkDocs 1.6 differs from one by ProperDocs (the engine's name).
GENERATOR_TAG = re.compile(rb'<meta name="generator" content="mkdocs-[^"]*">')  # "mkdocs-ProperDocs 1.6.7, ..."


def test_two_builds_are_byte_identical_and_mkdocs_builds_the_same_site(real_site, tmp_path, capsys):
    """A second build of the same checkout into another folder, some seconds later, by MkDocs 1.6
    instead of ProperDocs: every file is the same, byte for byte, apart from the generator meta
    tag that names the engine (so MkDocs keeps working, and the build is reproducible).

    (Same checkout, not a copy: the changes page reads the records' last commits from git, so git
    history is an input; a copy without .git, or a shallow clone, rightly gives another page.)
    """
    env = BUILD_ENV
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "again" / "site")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = files(real_site), files(tmp_path / "again" / "site")
    assert sorted(first) == sorted(second)
    tagged = [rel for rel in first if first[rel] != second[rel]]
    differ = [rel for rel in tagged if GENERATOR_TAG.sub(b"", first[rel]) != GENERATOR_TAG.sub(b"", second[rel])]
    assert not differ, f"differ between the ProperDocs and the MkDocs build: {differ}"
    assert all(b'content="mkdocs-ProperDocs ' in first[rel] and b'content="mkdocs-1.6.1, ' in second[rel] for rel in tagged)
    assert "sitemap.xml" in first and "sitemap.xml.gz" in first
    with capsys.disabled():
        print(f"\n[reproducible] {len(first)} files in two builds (ProperDocs, then MkDocs): "
              f"{len(first) - len(tagged)} byte-identical, {len(tagged)} differ only in the generator tag")


def test_html_passes_the_nu_checker_with_only_theme_exceptions(real_site, capsys):
    files = sorted(real_site.rglob("*.html"))
    errors, warnings, used = validate(files, real_site)
    with capsys.disabled():
        print(f"\n[nu] {len(files)} pages, {len(errors)} errors; ignored theme errors: "
              + "; ".join(f"{n}x {exc.message[:50]}" for exc, n in used.items())
              + f"; {len(warnings)} warnings (advice, not failures):")
        by_message: dict[str, list] = {}
        for warning in warnings:
            by_message.setdefault(warning.message, []).append(warning)
        for message, items in sorted(by_message.items()):
            print(f"  {len(items)}x warning: {message} e.g. {items[0].file}:{items[0].line} [{items[0].element[:70]}]")
    assert not errors, "\n".join(map(str, errors))
