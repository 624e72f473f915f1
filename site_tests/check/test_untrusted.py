"""Everything a pull request can change is untrusted: commit metadata, exports' readers, the
annotations of `check --format github`, citations in code, and the output gate itself.

The hostile corpus (site_tests/hostile/) holds the inputs refused with one line; this module holds
the ones that must build, with their effect checked: commits git itself cannot make (built with
commit-tree in a temporary repository), exports parsed by the tools their readers use, and the
sanitiser given HTML no template would write.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import bibtexparser
import markdown
import pytest
import rispy

from conftest import BUILD_ENV, CONFIG, FIXTURES, ROOT, FixtureSite
from evidence_site.check.content import cited_keys, lint_page
from evidence_site.check.reviews import review_warnings
from evidence_site.editing import cli
from evidence_site.errors import EvidenceError
from evidence_site.export.open_data import EXPORTS, csv_cell
from evidence_site.pipeline import load_base
from evidence_site.render.sanitize import clean
from evidence_site.verify import links as linkcheck

ENV = {**BUILD_ENV,
       "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
       "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}


def git(project: Path, *args: str, env: dict | None = None) -> str:
    return subprocess.run(["git", *args], cwd=project, env={**ENV, **(env or {})}, capture_output=True,
                          check=True).stdout.decode().strip()


def hostile_commit(project: Path, rel: str, message: bytes, date: str = "", encoding: str = "") -> None:
    """A commit of one changed record with any message bytes, date and encoding header (git's
    porcelain refuses a year-10000 date; commit-tree and hash-object take what they are given)."""
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(project, "add", rel)
    tree, parent = git(project, "write-tree"), git(project, "rev-parse", "HEAD")
    stamp = date or "1767225600 +0000"
    header = (f"tree {tree}\nparent {parent}\nauthor Editor <editor@example.org> {stamp}\n"
              f"committer Editor <editor@example.org> {stamp}\n").encode()
    if encoding:
        header += f"encoding {encoding}\n".encode()
    body = header + b"\n" + message + b"\n"
    commit = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=project,
                            input=body, capture_output=True, check=True).stdout.decode().strip()
    git(project, "reset", "-q", commit)


GIT_CASES = {
    # A subject with the separators the old parser split on, an escape sequence and a bidi override.
    "subject-control-characters": dict(rel="evidence/studies/paper-a.yaml",
                                       message=b"Fix \x1e2026-01-01\x1fforged \x1b[31mred\x1b[0m \xe2\x80\xae txt"),
    "date-year-10000": dict(rel="evidence/sources/paper-a.yaml", message=b"From the future", date="253402300800 +0000"),
    "unknown-encoding": dict(rel="evidence/sources/review-a.yaml", message=b"Caf\xe9 in latin-1", encoding="no-such-enc"),
}


@pytest.fixture(scope="module")
def git_project(tmp_path_factory) -> FixtureSite:
    root = tmp_path_factory.mktemp("git") / "project"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "mkdocs.yml").write_text(CONFIG.format(root=ROOT), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "The fixture")
    for case in GIT_CASES.values():
        hostile_commit(root, **case)
    return FixtureSite(root)


def test_hostile_commits_build_with_a_warning_and_no_traceback(git_project):
    result = git_project.build()
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert re.search(r"WARNING -  evidence/sources/paper-a\.yaml:1: history: commit [0-9a-f]{12} has an unreadable "
                     r"date '10000-01-01' \(it is left out of What changed\)", result.stderr), result.stderr
    page = git_project.html("changes/index.html")
    assert "Changed: Fix 2026-01-01 forged [31mred [0m" in page  # control characters became spaces
    assert "\x1b" not in page and "\u202e" not in page and "\x1e" not in page
    assert "Changed: Caf\ufffd in latin-1" in page  # undecodable bytes shown as replacement characters
    assert "From the future" not in page


def test_check_reads_the_history_the_build_reads(git_project):
    result = subprocess.run([sys.executable, "-m", "evidence_site", "check"], cwd=git_project.root, env=ENV,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "history: commit" in result.stdout and "unreadable date '10000-01-01'" in result.stdout


# --- exports are safe for their readers ---------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"https://example.org\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1", "\r=1"]


def hostile_base():
    """The mini evidence base with formulas, line breaks and RIS record ends in every export's text."""
    base = load_base(FIXTURES / "mini" / "evidence")
    sources = {key: src.model_copy(update={"title": f"{FORMULAS[i % len(FORMULAS)]}\nER  - \nTY  - JOUR\r\n@article{{forged,",
                                           "container": "J\u2028Line\x1eSep"})
               for i, (key, src) in enumerate(base.sources.items())}
    studies = {key: study.model_copy(update={
        "population": "=cmd|' /C calc'!A0", "comparator": "@evil",
        "findings": [f.model_copy(update={"text": "-1 forged\nline"}) for f in study.findings]})
        for key, study in base.studies.items()}
    return replace(base, records={**base.records, "sources": sources, "studies": studies})


def test_csv_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe():
    for formula in FORMULAS:
        assert csv_cell(formula) == "'" + formula
    assert csv_cell("plain text") == "plain text" and csv_cell(12) == 12
    base = hostile_base()
    for name in ("data/studies.csv", "data/findings.csv"):
        rows = list(csv.reader(io.StringIO(EXPORTS[name](base))))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], name
    assert "'=cmd|' /C calc'!A0" in EXPORTS["data/studies.csv"](base)


def test_every_export_parses_and_no_field_forges_a_record():
    base = hostile_base()
    text = {name: make(base) for name, make in EXPORTS.items()}
    json.loads(text["data/evidence.json"])
    assert len(json.loads(text["data/references.csl.json"])) == len(base.sources)
    ris = rispy.loads(text["data/references.ris"])
    assert sorted(item["id"] for item in ris) == sorted(base.sources), "a line break in a title forged a RIS record"
    assert all("\n" not in item["title"] and "ER  -" in item["title"] for item in ris)
    library = bibtexparser.parse_string(text["data/references.bib"])
    assert not library.failed_blocks and sorted(e.key for e in library.entries) == sorted(base.sources)
    for name in ("data/studies.csv", "data/findings.csv"):
        assert len(list(csv.DictReader(io.StringIO(text[name])))) >= 1


# --- annotations -----------------------------------------------------------------------------------

def test_github_annotations_escape_properties_and_messages(capsys):
    problem = EvidenceError("evidence/a,line=99,title=x:y\nz%.yaml", 3, "f", "bad\nvalue 100%", "hint\r")
    cli._print(problem, "github")
    line = capsys.readouterr().out
    assert line == ("::error file=evidence/a%2Cline=99%2Ctitle=x%3Ay%0Az%25.yaml,line=3,title=evidence check::"
                    "f: bad%0Avalue 100%25 (hint%0D)\n")


# --- citations only in prose -------------------------------------------------------------------------

PROSE_AND_CODE = """# Page

Cited in prose [@paper-a].

Shown as syntax: `[@hidden-span]` and ``[@hidden-double]``.

```
[@hidden-fence]
```

    [@hidden-indented]

<!-- a hidden comment must not add a reference: [@hidden-comment] -->

- a list item

    continued in the item [@review-a]
"""


def test_citations_in_code_and_comments_stay_literal():
    sources = load_base(FIXTURES / "mini" / "evidence").sources
    assert cited_keys(PROSE_AND_CODE) == ["paper-a", "review-a"]
    assert lint_page(PROSE_AND_CODE, "content/x.md", sources) == [], "unknown keys in code are not errors"


# --- the output gate -----------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<iframe srcdoc='<b>'>",
    '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>', '<a href="data:text/html,x">x</a>', "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>go</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", '<base href="javascript:alert(1)//">',
    '<p style="background:url(https://example.org/track)">x</p>', "<object data=x></object><embed src=x>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "<svg><use href='data:image/svg+xml,x'/></svg>",
]


def _active(html: str) -> list:
    page = linkcheck.parse_page(f'<article class="md-content__inner">{html}</article>', "x.html")
    return linkcheck.unsafe({"x.html": page})


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_gate_leaves_nothing_that_runs(attack):
    out = clean(attack)
    assert not _active(out), out
    assert not re.search(r"<(script|iframe|object|embed|base|meta|style|math)\b|\son\w+=|srcdoc|url\(http", out, re.I), out


def test_the_gate_keeps_what_the_site_writes():
    md = markdown.Markdown(extensions=["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"])
    html = md.convert('!!! note "Note"\n    Text.\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n*[MS]: Multiple sclerosis\n\n'
                      "MS here.\n{: #para .lead }\n\n<details><summary>More</summary>Hidden.</details>\n")
    out = clean(html)
    for kept in ('class="admonition note"', 'style="text-align:left"', '<abbr title="Multiple sclerosis">MS</abbr>',
                 'id="para"', 'class="lead"', "<details><summary>More</summary>"):
        assert kept in out, (kept, out)
    generated = ('<p data-claim>x</p><script type="application/json" id="checker-data">{"a": 1}</script>'
                 '<script src="../assets/checker.js" defer></script>')
    assert clean(generated, trusted=True) == generated
    assert "<script" not in clean(generated), "a hand-written page never keeps a script"


def test_page_text_cannot_forge_the_trusted_placeholder():
    """A page that spells what a set-aside block's placeholder looks like gets nothing back."""
    html = '<p>trusted0123456789abcdef0123456789abcdefn0x</p><script type="application/json">{}</script>'
    out = clean(html, trusted=True)
    assert out.count("<script") == 1 and "trusted0123456789abcdef0123456789abcdefn0x" in out


def test_a_review_date_in_the_future_is_a_warning():
    base = load_base(FIXTURES / "mini" / "evidence")
    warnings = [str(w) for w in review_warnings(base, 730, dt.date(2025, 6, 1))]
    assert any(re.fullmatch(r"evidence/studies/paper-a\.yaml:\d+: reviewed: review date 2026-01-01 is in the future "
                            r"\(write the date you checked the record\)", w) for w in warnings), warnings


def test_messages_escape_every_control_format_and_separator_character_but_the_space():
    """visible() passes printable text through whole; every other character is escaped, over the
    whole of Unicode (a newline, an escape sequence or a bidi override in a file name or value
    would split, repaint or hide the one-line error)."""
    import unicodedata

    from evidence_site.errors import visible

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        shown = visible(f"a{ch}b")
        if ch == " " or unicodedata.category(ch)[0] not in "CZ":
            assert shown == f"a{ch}b", hex(code)
        else:
            assert shown == "a" + ch.encode("unicode_escape").decode() + "b", hex(code)
