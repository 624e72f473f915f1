"""The editor's path of CONTRIBUTING.md, scripted: scaffold, check catches a typo with a hint,
fix, and see the page in `mkdocs serve`."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from conftest import ROOT
from evidence_site.records.models import Study

CLI = [sys.executable, "-m", "evidence_site"]


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "hooks")}
    return subprocess.run(CLI + list(args), cwd=project, env=env, capture_output=True, text=True, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


FILLED_SOURCE = """id: new-2024
kind: journal-article
authors: [New A]
title: A new fixture trial
container: J Fixture
year: 2024
pmid: "87654321"
verified: [pmid]
checked_against: PubMed
reviewed: 2026-11-01
"""
FILLED_STUDY = """id: new-2024
source: new-2024
details_sources: [new-2024]
country: Norway
design: rct
n_initial: 20
n_final: 20
population: Adults with MS
findings:
  - text: A new finding about bone density.
    sources: [new2024]
    outcome: bone-density
    direction: no-difference
reviewed: 2026-11-01
"""


def test_new_editor_adds_a_study_as_contributing_describes(mini_site):
    project = mini_site.root
    assert run_cli(project, "new", "source", "new-2024").returncode == 0
    assert run_cli(project, "new", "study", "new-2024").returncode == 0
    todo = run_cli(project, "check")
    assert todo.returncode == 1 and "evidence/studies/new-2024.yaml:3: source: still has a TODO marker" in todo.stdout

    (project / "evidence/sources/new-2024.yaml").write_text(FILLED_SOURCE)
    (project / "evidence/studies/new-2024.yaml").write_text(FILLED_STUDY)
    typo = run_cli(project, "check")
    assert typo.returncode == 1
    assert typo.stdout.strip() == ("evidence/studies/new-2024.yaml:11: findings[0].sources[0]: unknown source 'new2024' "
                                   "(did you mean 'new-2024'?)")
    github = run_cli(project, "check", "--format", "github")
    assert github.stdout.startswith("::error file=evidence/studies/new-2024.yaml,line=11,title=evidence check::")

    (project / "evidence/studies/new-2024.yaml").write_text(FILLED_STUDY.replace("[new2024]", "[new-2024]"))
    assert run_cli(project, "check").returncode == 0

    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/studies/new-2024/"
        page = None
        for _ in range(120):
            page = fetch(url)
            if page:
                break
            time.sleep(0.5)
        assert page and "A new finding about bone density." in page
        study = project / "evidence/studies/new-2024.yaml"
        study.write_text(study.read_text().replace("A new finding", "An edited finding"))
        for _ in range(120):
            page = fetch(url) or ""
            if "An edited finding about bone density." in page:
                break
            time.sleep(0.5)
        assert "An edited finding about bone density." in page, "serve did not rebuild after the record changed"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_new_refuses_bad_ids_and_existing_records(mini_site):
    bad = run_cli(mini_site.root, "new", "study", "Bad_Id")
    assert bad.returncode == 1 and "'Bad_Id' is not a valid id" in bad.stdout
    taken = run_cli(mini_site.root, "new", "study", "paper-a")
    assert taken.returncode == 1 and "a record with this id already exists" in taken.stdout


def test_the_worked_example_in_contributing_is_the_real_record():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    record = re.search(r"`(evidence/studies/[\w-]+\.yaml)`", text).group(1)
    assert example == (ROOT / record).read_text(encoding="utf-8")
    Study.model_validate(yaml.safe_load(example))


def test_generated_pages_have_edit_and_report_links(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("studies/paper-a/index.html")
    assert '<a href="https://github.com/example/fixture/edit/main/evidence/studies/paper-a.yaml" rel="nofollow">Edit this record</a>' in page
    assert re.search(r'<a href="https://github.com/example/fixture/issues/new\?template=wrong.yml&amp;title=[^"]+" '
                     r'rel="nofollow">Report a problem</a>', page)


def test_stale_records_give_a_warning(mini_site):
    config = mini_site.read("mkdocs.yml") + "extra:\n  evidence:\n    review_max_age_days: 30\n"
    mini_site.write("mkdocs.yml", config)
    result = mini_site.build()
    assert result.returncode == 0
    assert re.search(r"evidence/studies/paper-a.yaml:\d+: reviewed: last reviewed 2026-01-01, more than 30 days ago",
                     result.stderr)


def test_what_changed_lists_records_newest_first(mini_site):
    assert mini_site.build().returncode == 0
    page = mini_site.html("changes/index.html")
    assert '<h2 id="2026-01-01">2026-01-01' in page and 'href="../studies/paper-a/"' in page
