"""The editor's path of CONTRIBUTING.md, scripted: scaffold, check catches a typo with a hint,
fix, and see the page in `mkdocs serve`."""
from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import ROOT, free_port, run_cli
from evidence_site.records.models import Study


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


FILLED_SOURCE = """# yaml-language-server: $schema=../_schemas/source.schema.json
id: new-2024
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
FILLED_STUDY = """# yaml-language-server: $schema=../_schemas/study.schema.json
id: new-2024
source: new-2024
details_sources: [new-2024]
country: Norway
design: rct
n_initial: 20
n_final: 20
population: Adults with MS
outcomes: [bone-density]
findings:
  - text: A new finding about bone density.
    sources: [new-2024]
    outcome: bone-density
    direction: no-difference
reviewed: 2026-11-01
"""
# Three mistakes at once: a misspelt field, a source id and an outcome id that do not exist.
BROKEN_STUDY = (FILLED_STUDY.replace("country:", "contry:").replace("    sources: [new-2024]", "    sources: [new2024]")
                .replace("outcome: bone-density", "outcome: bone-densty"))


def wait_for(url: str, text: str, timeout: float = 60) -> str:
    """The page at url once it contains text (serve rebuilds after a save), else its last state."""
    page, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url) or ""
        if text in page:
            break
        time.sleep(0.3)
    return page


def test_new_editor_adds_a_study_as_contributing_describes(mini_site):
    project = mini_site.root
    new = run_cli(project, "new", "study", "new-2024", "--pmid", "PMID: 87654321")
    assert new.returncode == 0, new.stdout
    assert "Wrote evidence/studies/new-2024.yaml." in new.stdout and "Wrote evidence/sources/new-2024.yaml." in new.stdout
    source = (project / "evidence/sources/new-2024.yaml").read_text()
    assert 'pmid: "87654321"' in source and "year: TODO" in source
    todo = run_cli(project, "check")
    assert todo.returncode == 1
    assert "evidence/studies/new-2024.yaml:9: quality.score: still has a TODO marker" in todo.stdout
    assert "evidence/studies/new-2024.yaml:14: interventions[0].name: still has a TODO marker" in todo.stdout
    assert "evidence/sources/new-2024.yaml:7: year: still has a TODO marker" in todo.stdout

    (project / "evidence/sources/new-2024.yaml").write_text(FILLED_SOURCE)
    (project / "evidence/studies/new-2024.yaml").write_text(BROKEN_STUDY)
    broken = run_cli(project, "check")
    assert broken.returncode == 1
    assert broken.stdout.splitlines() == [  # all three in one run, and no other file blamed
        "evidence/studies/new-2024.yaml:5: contry: unknown field 'contry' (did you mean 'country'?)",
        "evidence/studies/new-2024.yaml:13: findings[0].sources[0]: unknown source 'new2024' (did you mean 'new-2024'?)",
        "evidence/studies/new-2024.yaml:14: findings[0].outcome: unknown outcome 'bone-densty' (did you mean 'bone-density'?)",
    ]
    github = run_cli(project, "check", "--format", "github")
    assert github.stdout.startswith("::error file=evidence/studies/new-2024.yaml,line=5,title=evidence check::")

    (project / "evidence/studies/new-2024.yaml").write_text(FILLED_STUDY)
    ok = run_cli(project, "check")
    assert ok.returncode == 0, ok.stdout

    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "properdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/studies/new-2024/"
        assert "A new finding about bone density." in wait_for(url, "A new finding about bone density.", 60)
        study = project / "evidence/studies/new-2024.yaml"
        study.write_text(FILLED_STUDY.replace("A new finding", "An edited finding"))
        assert "An edited finding" in wait_for(url, "An edited finding"), "serve did not rebuild after the record changed"
        # A mistake under serve: the browser says which line, until it is fixed.
        study.write_text(BROKEN_STUDY.replace("A new finding", "An edited finding"))
        page = wait_for(url, 'id="evidence-problems"')
        assert "evidence/studies/new-2024.yaml:5: contry: unknown field" in page
        assert "An edited finding" in page, "the last good page stays under the banner"
        study.write_text(FILLED_STUDY.replace("A new finding", "A fixed finding"))
        page = wait_for(url, "A fixed finding")
        assert "A fixed finding" in page and 'id="evidence-problems"' not in page
    finally:
        server.terminate()
        server.wait(timeout=30)

    built = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict"], cwd=project, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert "A fixed finding" in (project / "site/studies/new-2024/index.html").read_text(encoding="utf-8")


def test_serve_shows_a_record_error_in_the_browser_when_the_first_build_fails(mini_site):
    project = mini_site.root
    study = project / "evidence/studies/paper-a.yaml"
    study.write_text(study.read_text().replace("country:", "contry:"))
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "properdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/", 'id="evidence-problems"', 60)
        assert "evidence/studies/paper-a.yaml:5: contry: unknown field 'contry'" in html.unescape(page)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_scaffold_with_only_its_todo_texts_filled_in_fails_check(mini_site):
    """No placeholder passes as data: a number, a year, a choice or a direction left as the
    scaffold wrote it is still a TODO, so filling in the words is not enough."""
    project = mini_site.root
    for kind in ("source", "study", "claim"):
        assert run_cli(project, "new", kind, f"filled-{kind}").returncode == 0
    for path in project.glob("evidence/*/filled-*.yaml"):
        text = path.read_text()
        data = yaml.safe_load(text)
        assert "direction: no-difference" not in text
        placeholders = [k for k, v in data.items() if isinstance(v, (int, float)) and k != "order"]
        assert not placeholders, f"{path.name}: numbers the editor must supply are written as data: {placeholders}"
        path.write_text(re.sub(r"TODO[-\w]*", "filled-in", text))
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert "TODO" not in result.stdout
    for field in ("year", "kind", "n_initial", "n_final", "design", "quality.score", "findings[0].direction", "verdict"):
        assert f": {field}: " in result.stdout, f"{field} filled with words passed check:\n{result.stdout}"


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


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc to see the process image")
def test_tasks_serve_becomes_the_server_so_stopping_it_stops_the_server():
    """`python3 tasks.py serve` execs properdocs: Ctrl-C or kill reaches the server itself, and no
    child is left serving the port."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "tasks.py"), "serve", "-a", f"127.0.0.1:{port}"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith(f"Preview at http://127.0.0.1:{port}{urlsplit(SITE_URL).path}"), first
        cmdline = b""
        for _ in range(100):
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
            if b"properdocs" in cmdline:
                break
            time.sleep(0.1)
        assert b"properdocs\x00serve" in cmdline, "tasks.py serve still runs the server as a child"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # free again: nothing serves it after the stop


SITE_URL = re.search(r"(?m)^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8")).group(1)


def test_contributing_links_to_the_preview_where_serve_puts_it():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    links = re.findall(r"http://127\.0\.0\.1:8000[^\s>)`]*", contributing)
    assert links, "CONTRIBUTING should say where the preview is"
    for link in links:
        assert urlsplit(link).path.startswith(urlsplit(SITE_URL).path), f"{link}: serve puts the site under {SITE_URL}"


def test_new_question_writes_a_record_that_check_refuses_until_filled_in(mini_site):
    """`evidence-site new question` scaffolds evidence/questions/<id>.yaml; its TODOs fail check,
    and once filled in with a real conclusion id it passes."""
    project = mini_site.root
    assert run_cli(project, "new", "question", "does-it-help").returncode == 0
    path = project / "evidence/questions/does-it-help.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../_schemas/question.schema.json")
    first = run_cli(project, "check")
    assert first.returncode == 1 and "evidence/questions/does-it-help.yaml:" in first.stdout
    path.write_text(text.replace("TODO the question as a reader would ask it", "Does it help?")
                    .replace("TODO the answer in plain words, in a sentence or two", "It did not change bone density.")
                    .replace("TODO-conclusion-id", "vitd-bone-density"))
    second = run_cli(project, "check")
    assert second.returncode == 0, second.stdout
