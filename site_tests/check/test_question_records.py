"""Question records: a reader's question, a plain answer, the conclusions that answer it.

Good input loads; each mistake is one line naming the file, the line and the field, with a fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import check_project

HEADER = "# yaml-language-server: $schema=../_schemas/question.schema.json\n"
GOOD = HEADER + """id: does-it-help
question: Does vitamin D help bone?
answer: In one trial it did not change bone density.
conclusions: [vitd-bone-density]
agent: form-a
order: 10
"""


def _copy(tmp_path: Path, text: str, name: str = "does-it-help") -> Path:
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    (evidence / "questions").mkdir()
    (evidence / "questions" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return evidence


def errors_for(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(EvidenceCheckFailed) as failed:
        check_project(_copy(tmp_path, text), FIXTURES / "mini/content")
    return [str(e) for e in failed.value.errors]


def test_a_good_question_loads_with_its_conclusions(tmp_path):
    base, _ = check_project(_copy(tmp_path, GOOD), FIXTURES / "mini/content")
    question = base.questions["does-it-help"]
    assert question.conclusions == ["vitd-bone-density"] and question.agent == "form-a"


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace("conclusions: [vitd-bone-density]", "conclusions: [vitd-bone-densty]"),
     "evidence/questions/does-it-help.yaml:5: conclusions[0]: unknown conclusion 'vitd-bone-densty' "
     "(did you mean 'vitd-bone-density'?)"),
    (GOOD.replace("conclusions: [vitd-bone-density]\n", ""),
     "evidence/questions/does-it-help.yaml:4: answer: the answer cites nothing "
     "(add conclusions: [<conclusion id>] that answer it, or sources: [<source id>])"),
    (GOOD.replace("order: 10", "ordr: 10"),
     "evidence/questions/does-it-help.yaml:7: ordr: unknown field 'ordr' (did you mean 'order'?)"),
    (GOOD.replace("agent: form-a", "agent: forma"),
     "evidence/questions/does-it-help.yaml:6: agent: unknown agent 'forma' (did you mean 'form-a'?)"),
    (GOOD + "measure: levl\n",
     "evidence/questions/does-it-help.yaml:8: measure: unknown measure 'levl' (did you mean 'level'?)"),
    (GOOD.replace("answer: In one trial it did not change bone density.\n", ""),
     "evidence/questions/does-it-help.yaml:1: answer: missing required field (add 'answer:')"),
])
def test_each_mistake_in_a_question_is_one_line(tmp_path, text, expected):
    errors = errors_for(tmp_path, text)
    assert errors == [expected]


def test_a_conclusion_of_a_topic_that_failed_to_load_is_not_blamed_on_the_question(tmp_path):
    evidence = _copy(tmp_path, GOOD)
    topic = evidence / "topics" / "bone.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("title: Vitamin D and bone", "titel: x"), encoding="utf-8")
    with pytest.raises(EvidenceCheckFailed) as failed:
        check_project(evidence, FIXTURES / "mini/content")
    assert all(e.file.endswith("topics/bone.yaml") for e in failed.value.errors), [str(e) for e in failed.value.errors]
