"""A clean checkout checks without a warning (a pull request starts with no annotations), and the
warnings it had are now encoded in the records: where they are explained, the check is quiet; where
the explanation goes stale, it speaks again."""
from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES, ROOT
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import check_project


def test_a_clean_checkout_checks_with_zero_warnings():
    base, _ = check_project(ROOT / "evidence", ROOT / "content")
    assert [str(w) for w in base.warnings] == []


def _copy(tmp_path, source):
    shutil.copytree(source / "evidence", tmp_path / "evidence")
    shutil.copytree(source / "content", tmp_path / "content")
    return tmp_path / "evidence"


def test_a_property_known_not_to_be_recorded_warns_no_more_and_a_stale_entry_is_an_error(tmp_path):
    evidence = _copy(tmp_path, FIXTURES / "mini")
    forms = evidence / "comparisons/forms.yaml"
    text = forms.read_text(encoding="utf-8")
    base, _ = check_project(evidence, tmp_path / "content")
    missing = [w for w in base.warnings if "have no property" in w.message]
    assert missing, "the fixture should lack a property for one agent"
    agent = missing[0].message.split("agent(s) ")[1].split(" ")[0]
    row = text.splitlines()[missing[0].line - 1]
    forms.write_text(text.replace(row, row.replace("}", f", not_recorded: [{agent}]}}")), encoding="utf-8")
    base, _ = check_project(evidence, tmp_path / "content")
    assert not [w for w in base.warnings if w.line == missing[0].line]
    other = "form-a" if agent == "form-b" else "form-b"
    forms.write_text(text.replace(row, row.replace("}", f", not_recorded: [{other}]}}")), encoding="utf-8")
    with pytest.raises(EvidenceCheckFailed) as failed:
        check_project(evidence, tmp_path / "content")
    assert any("not_recorded" in e.field and other in e.message for e in failed.value.errors)


def test_papers_of_one_trial_that_disagree_warn_unless_a_note_states_both_values(tmp_path):
    evidence = _copy(tmp_path, ROOT)
    study = evidence / "studies/steffensen-2013.yaml"
    text = study.read_text(encoding="utf-8")
    assert "a PEDro score of 8" in text
    study.write_text(text.replace("a PEDro score of 8", "a PEDro score"), encoding="utf-8")
    base, _ = check_project(evidence, tmp_path / "content")
    assert [w.file for w in base.warnings if "differs from" in w.message] == ["evidence/studies/steffensen-2013.yaml"]
