"""Formatting a reference is made cheaper in three ways that must never change what it reads: the
style tree's XPath searches, roots and child lookups are made once (csl.static_lookups), each
citation item looks its reference up once (csl.CachedItem), and formatted references are kept
on disk between builds (reference_cache.py)."""
from __future__ import annotations

import json
import pytest

import evidence_site.render.csl as csl
from conftest import ROOT
from evidence_site.pipeline import load_base
from evidence_site.records.evidence_base import settings_of
from evidence_site.render.csl import STYLES, ReferenceStyle, csl_item, formatted, load_style, static_lookups

BASE = load_base(ROOT / "evidence")


def replace(src, **changes):
    return src.model_copy(update=changes)
REGISTRIES = settings_of(BASE).registries


def _variants():
    """Every real source, and the shapes a real base may not have: no authors, one author, many
    authors, an organisation, no year, markup in the title."""
    sources = list(BASE.sources.values())
    article = next(s for s in sources if s.kind == "journal-article" and len(s.authors) > 1)
    return sources + [
        replace(article, id="x-none", authors=[]), replace(article, id="x-one", authors=article.authors[:1]),
        replace(article, id="x-many", authors=[f"Author{i} AB" for i in range(12)]),
        replace(article, id="x-org", authors=["World Health Organization"]), replace(article, id="x-year", year=None),
        replace(article, id="x-markup", title="<b>Bold</b> & 'quoted' \"text\""),
    ]


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_reference_reads_the_same_with_the_lookups_kept(name):
    plain, kept = load_style(name), load_style(name)
    found: dict = {}
    for src in _variants():
        item = csl_item(src, REGISTRIES)
        with static_lookups(found):
            fast = formatted(item, kept)
        assert fast == formatted(item, plain), src.id
    assert found, "the speed-up made no lookup: citeproc-py no longer searches the style through xpath_search"
    assert any(expression is None for _, expression in found), "citeproc-py no longer asks get_root"
    assert any(str(expression).startswith("find ") for _, expression in found), "citeproc-py no longer uses find"


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_reference_reads_the_same_with_citeproc_own_citation_items(name, monkeypatch):
    style = load_style(name)
    items = [csl_item(src, REGISTRIES) for src in _variants()]
    fast = [formatted(item, style) for item in items]
    monkeypatch.setattr(csl, "CachedItem", csl.CitationItem)
    assert [formatted(item, style) for item in items] == fast


def test_the_lookups_are_put_back_after_formatting():
    original = csl.CitationStylesElement.xpath_search, csl.CitationStylesElement.get_root
    element = csl.SomewhatObjectifiedElement
    assert "find" not in vars(element)
    with pytest.raises(RuntimeError), static_lookups({}):
        assert "find" in vars(element)
        raise RuntimeError
    assert (csl.CitationStylesElement.xpath_search, csl.CitationStylesElement.get_root) == original
    assert "find" not in vars(element)


def _counting(monkeypatch) -> list:
    calls: list = []
    real = csl.formatted
    monkeypatch.setattr(csl, "formatted", lambda item, style: calls.append(item["id"]) or real(item, style))
    return calls


def test_a_second_build_takes_each_unchanged_reference_from_the_disk(tmp_path, monkeypatch):
    src = next(iter(BASE.sources.values()))
    first = ReferenceStyle("vancouver", REGISTRIES, folder=tmp_path)
    shown = first.entry(src)
    first.save()
    calls = _counting(monkeypatch)
    second = ReferenceStyle("vancouver", REGISTRIES, folder=tmp_path)
    assert second.entry(src) == shown and calls == []
    changed = replace(src, title=src.title + " (corrected)")
    assert "(corrected)" in second.entry(changed) and calls == [src.id]
    assert calls == [src.id] and ReferenceStyle("ama", REGISTRIES, folder=tmp_path).entry(src) and calls == [src.id, src.id]


def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path, monkeypatch):
    src = next(iter(BASE.sources.values()))
    style = ReferenceStyle("vancouver", REGISTRIES, folder=tmp_path)
    style.entry(src)
    style.save()
    (cache_file,) = (tmp_path / "references").glob("vancouver-*.json")
    for text in ("{not json", json.dumps(["a list"]), json.dumps({csl.item_key(style.item(src)): 42})):
        cache_file.write_text(text, encoding="utf-8")
        calls = _counting(monkeypatch)
        assert ReferenceStyle("vancouver", REGISTRIES, folder=tmp_path).entry(src) == style.entry(src)
        assert calls == [src.id], text


def test_off_keeps_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", "off")
    style = ReferenceStyle("vancouver", REGISTRIES)
    style.entry(next(iter(BASE.sources.values())))
    style.save()
    assert style.stored.file is None
