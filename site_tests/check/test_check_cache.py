"""Check results kept between runs (check/cache.py): used only for the same records and code."""
from __future__ import annotations

import os
import pickle
import shutil

import pytest

import evidence_site.check.cache as check_cache
import evidence_site.pipeline as pipeline
from conftest import FIXTURES
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import check_project


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The mini fixture with a cache folder of its own, and a count of the checks that ran."""
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", str(tmp_path / "cache"))
    runs = []
    real = pipeline.check
    monkeypatch.setattr(pipeline, "check", lambda *args: runs.append(1) or real(*args))
    return tmp_path / "mini", runs


def _warnings(evidence):
    base, _ = check_project(evidence / "evidence", evidence / "content")
    return [(w.file, w.line, w.field, w.message, w.hint, w.warning) for w in base.warnings]


def test_unchanged_records_are_not_checked_again_and_an_edit_checks_again(project):
    root, runs = project
    first = _warnings(root)
    assert first and len(runs) == 1, "the fixture has warnings of the checks"
    assert _warnings(root) == first and len(runs) == 1  # the same records: the kept problems
    forms = root / "evidence/comparisons/forms.yaml"
    missing = next(w for w in first if "have no property" in w[3])
    agent = missing[3].split("agent(s) ")[1].split(" ")[0]
    text = forms.read_text(encoding="utf-8")
    row = text.splitlines()[missing[1] - 1]
    forms.write_text(text.replace(row, row.replace("}", f", not_recorded: [{agent}]}}")), encoding="utf-8")
    after = _warnings(root)
    assert len(runs) == 2 and missing not in after
    forms.write_text(text, encoding="utf-8")  # back as it was: that result is still kept
    assert _warnings(root) == first and len(runs) == 2


def test_other_code_checks_again(project, monkeypatch):
    root, runs = project
    first = _warnings(root)
    monkeypatch.setattr(check_cache, "_code_version", lambda: b"another version of the code")
    assert _warnings(root) == first and len(runs) == 2


def test_records_that_fail_to_load_are_checked_every_time(project):
    root, runs = project
    (root / "evidence/studies/broken.yaml").write_text("id: broken\ndesign: [\n", encoding="utf-8")
    for expected in (1, 2):
        with pytest.raises(EvidenceCheckFailed):
            check_project(root / "evidence", root / "content")
        assert len(runs) == expected


class _Runs:
    def __reduce__(self):
        return (os.system, ("touch should-never-exist",))


@pytest.mark.parametrize("content", [
    b"not a pickle",
    pickle.dumps({b"k": [("file", "not a line", "", "m", "", False)]}),
    pickle.dumps(["a list, not a mapping"]),
    pickle.dumps(_Runs()),
])
def test_a_broken_or_foreign_cache_file_is_ignored(project, tmp_path, monkeypatch, content):
    root, runs = project
    monkeypatch.chdir(tmp_path)
    first = _warnings(root)
    (tmp_path / "cache/checks.pickle").write_bytes(content)
    assert _warnings(root) == first and len(runs) == 2
    assert not (tmp_path / "should-never-exist").exists()
    assert _warnings(root) == first and len(runs) == 2  # and the file is whole again


def test_the_cache_keeps_the_results_of_a_few_versions_of_the_records(project, tmp_path):
    root, runs = project
    copies = []
    for i in range(check_cache.KEPT + 1):
        copy = tmp_path / f"copy-{i}"
        shutil.copytree(root, copy)
        forms = copy / "evidence/comparisons/forms.yaml"
        forms.write_text(forms.read_text(encoding="utf-8") + f"# copy {i}\n", encoding="utf-8")
        copies.append(copy)
        _warnings(copy)
    assert len(runs) == check_cache.KEPT + 1
    _warnings(copies[-1])
    assert len(runs) == check_cache.KEPT + 1  # the newest is kept
    _warnings(copies[0])
    assert len(runs) == check_cache.KEPT + 2  # the oldest was let go
