"""References are the source's one CSL-JSON record formatted by citeproc-py in the site's named CSL
style; identifiers stay links; record text stays text whatever markup it holds."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from html import escape

import pytest

from conftest import ROOT
from evidence_site.export.open_data import EXPORTS
from evidence_site.pipeline import load_base
from evidence_site.records.evidence_base import settings_of
from evidence_site.records.memo import Memo
from evidence_site.render.csl import STYLES, ReferenceStyle, author_name, csl_item, locator_links, reference_style
from evidence_site.render.metadata import citation_meta
from evidence_site.render.reference_list import References, reference_html
from evidence_site.render.renderer import Renderer
from evidence_site.render.sanitize import clean

BASE = load_base(ROOT / "evidence")
REGISTRIES = settings_of(BASE).registries


@pytest.fixture(scope="module", params=sorted(STYLES))
def style(request) -> ReferenceStyle:
    return ReferenceStyle(request.param, REGISTRIES)


def test_every_source_keeps_what_its_reference_showed_before(style):
    """Title, authors, container, year, volume, issue, pages, every identifier as a link and the title-only note,
    for every kind of source (articles, labels, guidelines, registry records, web pages)."""
    kinds = set()
    for src in BASE.sources.values():
        html = reference_html(src, style)
        text = re.sub(r"<[^>]+>", "", html)
        kinds.add(src.kind)
        words = lambda s: re.sub(r"\W+", " ", s).lower().split()  # styles change case and dashes
        assert " ".join(words(escape(src.title))) in " ".join(words(text)), (src.id, text)
        for value in (src.container, str(src.year) if src.year else None, src.volume, src.issue):
            if value:
                assert " ".join(words(escape(value))) in " ".join(words(text)), (src.id, value, text)
        if src.pages:  # styles shorten a range ('1624–31'), never drop its first page
            assert src.pages.split("-")[0] in text, (src.id, src.pages, text)
        if src.authors and src.authors[0].lower() not in ("et al.", "et al"):
            assert escape(src.authors[0].split(" ")[0]) in text, (src.id, text)
        for label, url in locator_links(src, REGISTRIES):
            assert f'<a href="{escape(url)}" rel="' in html and f">{escape(label)}</a>" in html, (src.id, label)
        assert ("located-by-title" in html) == (src.located == "title-only"), src.id
        assert not re.match(r"\s*\d+\.", text), "the page's <ol> numbers the entries, not the style"
    assert {"journal-article", "drug-label", "guideline", "registry", "web-page"} <= kinds


def test_the_two_styles_differ_as_their_manuals_do():
    src = BASE.sources["steffensen-2011"]
    vancouver, ama = (str(ReferenceStyle(name, REGISTRIES).entry(src)) for name in ("vancouver", "ama"))
    assert "J Neurol. 2011;258(9):1624–31." in vancouver and "<i>" not in vancouver
    assert "<i>J Neurol</i>. 2011;258(9):1624-1631." in ama
    assert vancouver.startswith("Steffensen LH, Jørgensen L,") and ama.startswith("Steffensen LH, Jørgensen L,")


def test_a_work_without_authors_shows_its_title_once(style):
    for src in BASE.sources.values():
        if not src.authors:
            text = str(style.entry(src))
            assert text.count(escape(src.title)[:40]) <= 1, text


HOSTILE = {"title": '<script>alert(1)</script> <b onmouseover="x()">bold</b> & "q" [x](javascript:alert(1)) \ue001',
           "authors": ["O'Brien <img src=x onerror=alert(1)> LH", "<i>Org</i> & Co"],
           "container": "J <Co> & Sons. Ltd", "volume": "<u>3</u>"}


def test_markup_in_a_record_stays_text_through_citeproc_and_the_gate(style):
    src = BASE.sources["steffensen-2011"].model_copy(update=HOSTILE)
    html = str(reference_html(src, style))
    for tag in ("<script", "<b ", "<img", "<u>", "<i>Org", "<Co>"):
        assert tag not in html, (tag, html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\ue001" not in html and "\ufffd" in html, "a stand-in character in the record cannot become markup"
    gated = clean(html)
    assert "<script" not in gated and "&lt;script&gt;alert(1)" in gated
    assert not [tag for tag in re.findall(r"<[^>]+>", gated) if "onerror" in tag or "onmouseover" in tag]
    assert "J &lt;Co&gt; &amp; Sons. Ltd" in html, "periods in a container's name are kept"


def test_a_hostile_title_renders_as_text_on_the_source_and_study_pages():
    sources = {**BASE.sources, "steffensen-2011": BASE.sources["steffensen-2011"].model_copy(update=HOSTILE)}
    base = replace(BASE, records={**BASE.records, "sources": sources})
    renderer = Renderer(base)
    for page in (renderer.source("steffensen-2011"), renderer.study("steffensen-2011")):
        markdown = clean(page.markdown.split("\n---\n", 1)[1])  # the front matter is data the theme escapes
        assert "<script" not in markdown and "<img" not in markdown and "&lt;script&gt;" in markdown


def test_references_citation_tags_and_exports_come_from_one_record():
    exported = {item["id"]: item for item in json.loads(EXPORTS["data/references.csl.json"](BASE))}
    for key, src in BASE.sources.items():
        item = csl_item(src, REGISTRIES)
        assert exported[key] == item
        tags = dict((name, value) for name, value in citation_meta(item) if name != "citation_author")
        authors = [value for name, value in citation_meta(item) if name == "citation_author"]
        assert authors == [author_name(a) for a in item.get("author", [])]
        assert tags.get("citation_doi") == item.get("DOI") and tags.get("citation_pmid") == item.get("PMID")
    assert exported["steffensen-2011"]["author"][0] == {"family": "Steffensen", "given": "L. H."}


def test_the_site_style_is_read_from_site_yaml_and_kept_while_it_stays_the_same():
    memo = Memo()
    settings = settings_of(BASE)
    assert settings.citation_style == "vancouver"
    first = reference_style(memo, settings)
    assert reference_style(memo, settings) is first
    ama = reference_style(memo, settings.model_copy(update={"citation_style": "ama"}))
    assert ama is not first and ama.style_name == "ama"
    refs = References(BASE.sources, "topics/x.md", ama)
    refs.cite(["steffensen-2011"])
    assert "<i>J Neurol</i>" in str(refs.html())


def test_a_site_in_ama_style_builds_with_ama_references(mini_site):
    site_yaml = mini_site.read("evidence/site.yaml")
    mini_site.write("evidence/site.yaml", site_yaml.replace("id: site\n", "id: site\ncitation_style: ama\n"))
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("sources/paper-a/index.html")
    assert "<i>J Fixture</i>. Published online 2020." in page, page  # AMA: no volume, so published online


def test_a_citation_label_has_every_ascii_punctuation_as_a_character_reference():
    from evidence_site.render.reference_list import attribute_text

    text = "".join(map(chr, range(0x250))) + "（[x](javascript:alert(1))） Ærø 💊"
    by_character = "".join(f"&#{ord(ch)};" if ch.isascii() and not ch.isalnum() and ch != " " else ch for ch in text)
    assert attribute_text(text) == by_character
    assert not set(attribute_text(text)) & set("[]()<>\"'`")
