"""Property-based tests: whatever bytes or YAML a stranger sends, the loader returns records or
raises the project's one error type (EvidenceError, or EvidenceCheckFailed listing them), each a
single line naming the file it came from. Never a traceback, never a hang.

In CI (CI=true) the examples are derandomized so a run is repeatable; locally each run explores
new ones (failures are kept in .hypothesis/ and replayed first). For a long hunt:
HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest site_tests/load/test_properties.py
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evidence_site.load.yaml_file as yamlfile
from conftest import FIXTURES
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.load.loader import load_file
from evidence_site.pipeline import load_base
from evidence_site.records.kinds import FOLDERS as KINDS

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=5000, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))
# Rendering a whole evidence base per example is slow: fewer examples unless hunting.
FEW = settings(max_examples=settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40)

SHOWN = "evidence/sources/x.yaml"
LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>[1-9][0-9]*): [^\n]*$")
GOOD_STUDY = (FIXTURES / "mini/evidence/studies/paper-a.yaml").read_text(encoding="utf-8")
GOOD_SOURCE = (FIXTURES / "mini/evidence/sources/paper-a.yaml").read_text(encoding="utf-8")


def assert_clean(error: BaseException, file: str, text_lines: int | None = None) -> None:
    """The error is ours, printed as one line, naming the file and a line that exists."""
    errors = error.errors if isinstance(error, EvidenceCheckFailed) else [error]
    assert isinstance(error, (EvidenceError, EvidenceCheckFailed)), repr(error)
    assert errors, "EvidenceCheckFailed without errors"
    for err in errors:
        assert isinstance(err, EvidenceError)
        printed = str(err)
        match = LINE.match(printed)
        assert match, f"not one 'file:line: message' line: {printed!r}"
        assert "Traceback" not in printed
        if file:
            assert err.file.endswith(file), printed
        if text_lines is not None:
            assert 1 <= err.line <= text_lines + 1, printed


def parse_bytes(raw: bytes, file: str = SHOWN):
    """decode + parse, the way the loader reads a file."""
    return yamlfile.parse(yamlfile.decode(raw, file), file)


# --- random bytes and random text --------------------------------------------------------------

YAML_ALPHABET = st.sampled_from(list(":-[]{},#&*!|>'\"%@`?~\t\n\r \\/.0123456789abcxyz") +
                                ["id", "title", "\u0430", "\u202e", "\ufeff", "\x00", "\x85", "\u2028", "\ud800", "é"])


@given(st.binary(max_size=400))
def test_random_bytes_give_a_mapping_or_one_clean_error(raw):
    try:
        data, lines = parse_bytes(raw)
    except EvidenceError as err:
        assert_clean(err, SHOWN, raw.count(b"\n") + raw.count(b"\r"))
        return
    assert isinstance(data, dict) and all(isinstance(k, str) for k in data)
    assert all(isinstance(line, int) and line >= 1 for line in lines.values())


@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_random_yaml_looking_text_gives_a_mapping_or_one_clean_error(text):
    try:
        data, _ = yamlfile.parse(text, SHOWN)
    except EvidenceError as err:
        assert_clean(err, SHOWN, len(text.splitlines()) + text.count("\r") + text.count("\x85") + text.count("\u2028"))
        return
    assert isinstance(data, dict)


# --- random YAML documents --------------------------------------------------------------------

FIELD_NAMES = sorted({name for model in KINDS.values() for name in model.model_fields} | {"text", "sources", "score"})
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(min_value=dt.date(1, 1, 1)),
    st.text(max_size=30), st.sampled_from(["paper-a", "review-a", "rct", "bone-density", "<script>x</script>",
                                           "javascript:alert(1)", "10.1000/x", "12345678", "NCT00785473"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), children, max_size=5)),
    max_leaves=25,
)
records = st.fixed_dictionaries({"id": st.sampled_from(["x", "paper-a", "X", "../x"])},
                                optional={name: documents for name in FIELD_NAMES if name != "id"})


def dump(value, flow: bool | None) -> str:
    return yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(documents, records), st.sampled_from(sorted(KINDS)), st.sampled_from([None, True, False]))
def test_random_documents_load_as_records_or_raise_our_error(tmp_path, value, kind, flow):
    path = tmp_path / "evidence" / kind / "x.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(value, flow), encoding="utf-8")
    try:
        loaded = load_file(kind, path)
    except EvidenceCheckFailed as failed:
        assert_clean(failed, f"evidence/{kind}/x.yaml")
        return
    assert loaded.record.id == value["id"] and loaded.kind == kind


# --- good records, randomly damaged ---------------------------------------------------------------

def damaged(text: str) -> st.SearchStrategy[str]:
    """The text with a few random edits: cut, insert YAML punctuation, duplicate a line."""
    def edit(draw_text, ops):
        for op, pos, extra in ops:
            pos %= len(draw_text) + 1
            if op == "cut":
                draw_text = draw_text[:pos] + draw_text[pos + len(extra) + 1:]
            elif op == "insert":
                draw_text = draw_text[:pos] + extra + draw_text[pos:]
            else:
                lines = draw_text.splitlines(keepends=True) or [""]
                i = pos % len(lines)
                draw_text = "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
        return draw_text
    ops = st.lists(st.tuples(st.sampled_from(["cut", "insert", "dup"]), st.integers(0, 10_000),
                             st.lists(YAML_ALPHABET, max_size=4).map("".join)), min_size=1, max_size=4)
    return ops.map(lambda o: edit(text, o))


@pytest.fixture(scope="module")
def evidence_copy():
    """One copy of the mini evidence; each example rewrites one study file in it."""
    root = Path(tempfile.mkdtemp())
    shutil.copytree(FIXTURES / "mini", root / "project")
    yield root / "project/evidence"
    shutil.rmtree(root, ignore_errors=True)


@given(st.one_of(damaged(GOOD_STUDY).map(lambda text: ("studies/paper-a.yaml", text)),
                 damaged(GOOD_SOURCE).map(lambda text: ("sources/paper-a.yaml", text))))
def test_damaged_records_load_or_fail_cleanly_through_the_whole_check(evidence_copy, damage):
    rel, text = damage
    path = evidence_copy / rel
    original = path.read_bytes()
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate: bytes no UTF-8 decoder accepts
    try:
        base = load_base(evidence_copy)
    except EvidenceCheckFailed as failed:
        assert_clean(failed, "")
        assert all(e.file.startswith("evidence/") for e in failed.errors), failed
        return
    finally:
        path.write_bytes(original)
    assert base.studies and base.sources


# --- valid records with any text render -------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(str.strip)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # charts draw any text; fonts lack some
@FEW
@given(st.fixed_dictionaries({"title": texts, "container": texts, "authors": st.lists(texts, max_size=3),
                              "note": texts, "label": texts}),
       st.fixed_dictionaries({"population": texts, "country": texts, "comparator": texts,
                              "tags": st.lists(texts, max_size=3), "finding": texts}))
def test_any_text_in_valid_records_renders(evidence_copy, source_text, study_text):
    """Text fields accept any printable text; rendering the pages never fails on it."""
    import evidence_site.pipeline as site

    source = yaml.safe_load(GOOD_SOURCE) | source_text
    study = yaml.safe_load(GOOD_STUDY)
    finding = study_text.pop("finding")
    study |= study_text
    study["findings"][0]["text"] = finding
    originals = {rel: (evidence_copy / rel).read_bytes() for rel in ("sources/paper-a.yaml", "studies/paper-a.yaml")}
    (evidence_copy / "sources/paper-a.yaml").write_text(dump(source, None), encoding="utf-8")
    (evidence_copy / "studies/paper-a.yaml").write_text(dump(study, None), encoding="utf-8")
    try:
        built = site.build(evidence_copy, evidence_copy.parent / "content")
    except EvidenceCheckFailed as failed:  # e.g. a label longer than 60 characters after stripping
        assert_clean(failed, "")
        return
    finally:
        for rel, data in originals.items():
            (evidence_copy / rel).write_bytes(data)
    assert "studies/paper-a.md" in built.pages and "sources/paper-a.md" in built.pages
