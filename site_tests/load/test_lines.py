"""Line maps are made only for files with a problem, and name the lines parsing with marks gives."""
from __future__ import annotations

import shutil

import evidence_site.load.yaml_file as yamlfile
from conftest import FIXTURES
from evidence_site.load.loader import load_all


def test_loading_makes_no_line_map_until_a_line_is_asked_for(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    loaded, errors = load_all(evidence)
    assert loaded and not errors
    assert all("_lines" not in item.lines.__dict__ for item in loaded)
    item = next(item for item in loaded if item.kind == "studies")
    path = evidence / "studies" / f"{item.record.id}.yaml"
    assert dict(item.lines) == yamlfile.parse(path.read_text(encoding="utf-8"), item.file)[1]


def test_values_are_what_parse_gives_and_refusals_are_worded_the_same():
    texts = ["id: a\nlist: [1, 2.5, yes, ~, 2026-01-02, '3']\nb: {c: d}\n",
             "id: a\nid: b\n", "id: a\nb: !foo x\n", "id: a\nb: \"\\x07\"\n", "id: a\nb: 2026-02-30\n",
             "id: a\n<<: {b: c}\n", "id: a\nb: 2026-01-02 10:00:00\n", "id: a\n" + "x:\n" + "".join(
                 "  " * i + f"k{i}:\n" for i in range(1, 24)) + "  " * 24 + "v\n"]
    for text in texts:
        try:
            expected = yamlfile.parse(text, "x.yaml")[0]
        except Exception as exc:  # noqa: BLE001 - the same error, word for word
            expected = str(exc)
        try:
            got = yamlfile.values(text, "x.yaml")
        except Exception as exc:  # noqa: BLE001
            got = str(exc)
        assert got == expected, text
