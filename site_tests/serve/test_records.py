"""A fast rebuild reads only the files the watcher reported, and says what a full load would."""
from __future__ import annotations

import os

import pytest

from bench import synth
from evidence_site.load import stamps
from evidence_site.load.loader import load_all
from evidence_site.serve.records import RecordCache


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "RACY_NS", -1)  # the test edits files within the 2 s a real cache waits
    return synth.generate(tmp_path / "p", 12)


def _same_as_a_full_load(cache: RecordCache, evidence, changed: set[str]) -> tuple[list, list]:
    loaded, errors = cache.load_all(evidence, changed=changed)
    full_loaded, full_errors = load_all(evidence)
    assert [(item.kind, item.file, item.record) for item in loaded] == \
        [(item.kind, item.file, item.record) for item in full_loaded]
    assert [str(e) for e in errors] == [str(e) for e in full_errors]
    return loaded, errors


def test_an_edit_swaps_in_the_one_record_and_keeps_every_other_object(project):
    evidence = project.evidence.resolve()
    cache = RecordCache()
    first, _ = cache.load_all(evidence)
    study = project.study_file(3).resolve()
    study.write_text(study.read_text(encoding="utf-8").replace("population: ", "population: Swapped ", 1), encoding="utf-8")
    loaded, errors = _same_as_a_full_load(cache, evidence, {os.path.normpath(str(study))})
    assert cache.stats == 1 and cache.reads == 1 and not errors
    kept = [a is b for a, b in zip(first, loaded, strict=True)]
    assert kept.count(False) == 1 and "Swapped" in loaded[kept.index(False)].record.population


@pytest.mark.parametrize("edit", [
    lambda text: text.replace("id: synthetic-study-0003", "id: synthetic-study-0004"),  # another record's id
    lambda text: text.replace("id: synthetic-study-0003", "id: synthetic-study-0333"),  # not its file name
    lambda text: text.replace("id: synthetic-study-0003", "id: index"),  # reserved
    lambda text: text + "\n  - not: [valid\n",  # does not parse
    lambda text: text.replace("population: ", "populaton: ", 1),  # a misspelt field
], ids=["duplicate", "file-name", "reserved", "yaml", "field"])
def test_an_edit_that_breaks_the_record_is_worded_as_a_full_load_words_it(project, edit):
    evidence = project.evidence.resolve()
    cache = RecordCache()
    cache.load_all(evidence)
    study = project.study_file(3).resolve()
    original = study.read_text(encoding="utf-8")
    study.write_text(edit(original), encoding="utf-8")
    _, errors = _same_as_a_full_load(cache, evidence, {os.path.normpath(str(study))})
    assert errors
    study.write_text(original, encoding="utf-8")  # fixed again: the next rebuild is error-free
    _, errors = _same_as_a_full_load(cache, evidence, {os.path.normpath(str(study))})
    assert not errors
