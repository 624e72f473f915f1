"""Search that forgives accents: the folded words added to Material's search index."""
from __future__ import annotations

import json

from evidence_site.export.search_index import FOLDED_CLASS, fold, fold_entries, folded_words


def test_fold_turns_accented_and_special_letters_into_plain_ones():
    assert fold("Tromsø") == "Tromso"
    assert fold("Holmøy") == "Holmoy"
    assert fold("Vojinović Ćosić") == "Vojinovic Cosic"
    assert fold("Dörr Hänninen") == "Dorr Hanninen"
    assert fold("Ærø Straße") == "AEro Strasse"


def test_folded_words_are_those_that_change_once_each_and_ignore_markup_and_symbols():
    text = "<p>The Tromsø trial (Tromsø, Norway) &amp; Holmøy; 1 µg; 25(OH)D ≥ 50 nmol/L</p>"
    assert folded_words(text) == ["Tromso", "Holmoy"]
    assert folded_words("<p>plain ASCII text only</p>") == []


def test_an_accent_written_as_an_entity_is_folded_and_symbols_alone_give_nothing():
    assert folded_words("<p>Holm&oslash;y &amp; Troms&#248;</p>") == ["Holmoy", "Tromso"]
    assert folded_words("<p>25(OH)D ≥ 50 nmol/L – “quoted” &amp; more</p>") == []


def test_the_index_gets_folded_words_in_a_hidden_span_of_the_field_that_has_them():
    plain = {"location": "b/", "title": "Plain", "text": "<p>nothing to fold</p>"}
    docs = [{"location": "a/", "title": "Tromsø trial", "text": "<p>by Holmøy</p>"}, dict(plain)]
    fold_entries(docs)
    first, second = docs
    assert first["title"] == f'Tromsø trial <span class="{FOLDED_CLASS}">Tromso</span>'
    assert first["text"] == f'<p>by Holmøy</p> <span class="{FOLDED_CLASS}">Holmoy</span>'
    assert second == plain  # an entry with nothing to fold is left as it was


def test_entries_of_a_dirty_rebuild_are_folded_once_as_materials_index_merges_them():
    """Under `serve --dirty` Material keeps the previous build's entries (folded then) and adds the
    rebuilt page's: only the new ones are folded, so no word is added twice."""
    from material.plugins.search.plugin import SearchIndex

    config = {"lang": ["en"], "separator": "[\\s]+", "pipeline": [], "fields": {}}
    first = SearchIndex(**config)
    first.entries = [{"location": "a/", "title": "Tromsø", "text": ""}, {"location": "b/", "title": "B", "text": "Holmøy"}]
    fold_entries(first.entries)
    json.loads(first.generate_search_index(None))
    again = SearchIndex(**config)
    again.entries = [{"location": "b/", "title": "B", "text": "Holmøy again"}]
    fold_entries(again.entries)
    docs = json.loads(again.generate_search_index(first))["docs"]
    assert sorted((d["title"], d["text"]) for d in docs) == [
        ("B", f'Holmøy again <span class="{FOLDED_CLASS}">Holmoy</span>'),
        (f'Tromsø <span class="{FOLDED_CLASS}">Tromso</span>', "")]
