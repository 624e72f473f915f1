"""Each kind of bad record gives one line naming the file, the line and the field."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import check_project, load_base

GOOD_STUDY = (FIXTURES / "mini/evidence/studies/paper-a.yaml").read_text()


def errors_for(tmp_path: Path, rel: str, text: str | bytes) -> list[str]:
    """Copy the fixture evidence, write one file, and return the error lines of a check."""
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    path = evidence / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(EvidenceCheckFailed) as failed:
        check_project(evidence, FIXTURES / "mini/content")
    return [str(e) for e in failed.value.errors]


def test_the_fixture_is_valid():
    base = load_base(FIXTURES / "mini/evidence")
    assert set(base.studies) == {"paper-a"}


@pytest.mark.parametrize("rel, text, expected", [
    ("studies/paper-a.yaml", "id: paper-a\nsource: [unclosed\n",
     "evidence/studies/paper-a.yaml:3: invalid YAML"),
    ("studies/paper-a.yaml", GOOD_STUDY.replace("n_initial: 40", "n_initial: forty"),
     "evidence/studies/paper-a.yaml:8: n_initial: Input should be a valid integer"),
    ("studies/paper-a.yaml", GOOD_STUDY.replace("design: rct\n", ""),
     "evidence/studies/paper-a.yaml:1: design: missing required field (add 'design:')"),
    ("studies/paper-a.yaml", GOOD_STUDY.replace("country: Norway", "countyr: Norway"),
     "evidence/studies/paper-a.yaml:5: countyr: unknown field 'countyr' (did you mean 'country'?)"),
    ("studies/paper-a.yaml", GOOD_STUDY.replace("    sources: [paper-a]\n    outcome", "    sources: [paper-b]\n    outcome"),
     "evidence/studies/paper-a.yaml:19: findings[0].sources[0]: unknown source 'paper-b' (did you mean 'paper-a'?)"),
    ("studies/paper-a.yaml", GOOD_STUDY.replace("    sources: [paper-a]\n    outcome", "    sources: []\n    outcome"),
     "evidence/studies/paper-a.yaml:19: findings[0].sources: a claim needs at least one source"),
    ("studies/paper-b.yaml", GOOD_STUDY,
     "evidence/studies/paper-b.yaml:1: id: duplicate id 'paper-a' (already used by evidence/studies/paper-a.yaml)"),
    ("studies/paper-c.yaml", GOOD_STUDY.replace("id: paper-a", "id: paper-c").replace("n_final: 38", "n_final: 41"),
     "evidence/studies/paper-c.yaml:9: n_final: final N 41 is larger than initial N 40"),
    ("studies/paper-c.yaml", GOOD_STUDY.replace("id: paper-a", "id: paper-c").replace("/old-page", "/../etc"),
     "evidence/studies/paper-c.yaml:28: aliases[0]: alias '/../etc' has an empty, '.' or '..' segment"),
    ("studies/paper-c.yaml", GOOD_STUDY.replace("id: paper-a", "id: paper-c").replace("design: rct", "design: rtc"),
     "evidence/studies/paper-c.yaml:6: design: unknown design 'rtc' (did you mean 'rct'?)"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: journal-article\ntitle: No locator\n",
     "evidence/sources/paper-x.yaml:1: source has no locator"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: journal-article\ntitle: T\npmid: PMID123\n",
     "evidence/sources/paper-x.yaml:4: pmid: 'PMID123' is not a PubMed id (digits only"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: journal-article\ntitle: T\ntitle: U\nurl: https://a.org\n",
     "evidence/sources/paper-x.yaml:4: title: duplicate key 'title' (first given on line 3)"),
    ("sources/paper-x.yaml", "id: Paper_X\nkind: web-page\ntitle: T\nurl: https://a.org\n",
     "evidence/sources/paper-x.yaml:1: id: 'Paper_X' is not a valid id"),
    ("sources/paper-x.yaml", "id: paper-y\nkind: web-page\ntitle: T\nurl: https://a.org\n",
     "evidence/sources/paper-x.yaml:1: id: id 'paper-y' does not match the file name (rename the file to paper-y.yaml"),
    ("sources/paper-x.yaml", "- id: paper-x\n",
     "evidence/sources/paper-x.yaml:1: a record must be a mapping of fields at the top level"),
    ("sources/paper-x.yaml", "",
     "evidence/sources/paper-x.yaml:1: file is empty"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: web-page\ntitle: !!python/object/apply:os.system [ls]\nurl: https://a.org\n",
     "evidence/sources/paper-x.yaml:3: title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: web-page\ntitle: T\nurl: javascript:alert(1)\n",
     "evidence/sources/paper-x.yaml:4: url: 'javascript:alert(1)' is not an http(s) URL"),
    ("sources/paper-x.yaml", b"id: paper-x\nkind: web-page\ntitle: caf\xe9\n",
     "evidence/sources/paper-x.yaml:3: byte 0xe9 is not valid UTF-8 (save the file as UTF-8)"),
    ("sources/paper-x.yaml", "id: paper-x\nkind: web-page\n\ttitle: T\n",
     "evidence/sources/paper-x.yaml:3: invalid YAML: found character '\\t' that cannot start any token (indent with spaces, not tabs)"),
    ("stuides/paper-x.yaml", "id: paper-x\n",
     "evidence/stuides:1: not a known record kind (did you mean 'studies'?)"),
])
def test_bad_record_gives_one_line_error(tmp_path, rel, text, expected):
    errors = errors_for(tmp_path, rel, text)
    assert any(e.startswith(expected) for e in errors), errors
    assert all("\n" not in e and "Traceback" not in e for e in errors)


def test_all_errors_of_a_run_are_reported(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    (evidence / "sources/x-1.yaml").write_text("id: x-1\nkind: web-page\ntitle: T\n")
    (evidence / "sources/x-2.yaml").write_text("id: x-2\nkind: nonsense\ntitle: T\nurl: https://a.org\n")
    with pytest.raises(EvidenceCheckFailed) as failed:
        load_base(evidence)
    files = {e.file for e in failed.value.errors}
    assert files == {"evidence/sources/x-1.yaml", "evidence/sources/x-2.yaml"}


def test_a_work_marked_not_evidence_can_be_checked_but_not_cited(tmp_path):
    article = "id: blog-x\nkind: web-article\ntitle: A popular article\nevidence: false\n"
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    (evidence / "sources/blog-x.yaml").write_text(article)
    load_base(evidence)  # no locator needed while nothing cites it as evidence
    study = (evidence / "studies/paper-a.yaml").read_text().replace("    sources: [review-a]", "    sources: [blog-x]")
    (evidence / "studies/paper-a.yaml").write_text(study)
    with pytest.raises(EvidenceCheckFailed) as failed:
        load_base(evidence)
    assert [str(e) for e in failed.value.errors] == [
        "evidence/studies/paper-a.yaml:23: findings[1].sources[0]: source 'blog-x' is marked 'evidence: false' and "
        "cannot be cited (cite the paper, label or guideline instead; it may only be a claim check's claimed_in)"]


def test_a_conclusion_id_may_be_used_once_across_topics(tmp_path):
    topic = (FIXTURES / "mini/evidence/topics/bone.yaml").read_text().replace("id: bone\n", "id: bone-again\n")
    errors = errors_for(tmp_path, "topics/bone-again.yaml", topic)
    assert errors == ["evidence/topics/bone-again.yaml:8: conclusions[0].id: duplicate conclusion id "
                      "'vitd-bone-density' (already used in topic 'bone')"]


@pytest.mark.parametrize("alias", ["/disclaimer/", "/methods/", "/claims/", "/data/", "/404.html", "/sitemap.xml"])
def test_an_alias_cannot_take_the_path_of_any_file_of_the_real_site(tmp_path, alias):
    """One registry of paths: hand-written pages, generated pages, exports and the generator's files."""
    evidence = tmp_path / "evidence"
    shutil.copytree(ROOT / "evidence", evidence)
    study = evidence / "studies/steffensen-2011.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("aliases:\n", f"aliases:\n  - {alias}\n", 1), encoding="utf-8")
    with pytest.raises(EvidenceCheckFailed) as failed:
        check_project(evidence, ROOT / "content")
    lines = [str(e) for e in failed.value.errors]
    line = study.read_text(encoding="utf-8").splitlines().index("aliases:") + 2  # the alias added first under it
    assert len(lines) == 1 and lines[0].startswith(f"evidence/studies/steffensen-2011.yaml:{line}: aliases[0]: alias "
                                                   f"'{alias}' would replace "), lines
