"""The GitHub workflows, read (they cannot run here): would they work, and are they safe?"""
from __future__ import annotations

import re

import yaml

from conftest import ROOT

WORKFLOWS = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / ".github/workflows").glob("*.yml")}


def test_every_action_is_pinned_by_commit():
    for name, text in WORKFLOWS.items():
        for action in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"{name}: {action} is not pinned by commit"


def test_deploy_publishes_only_after_the_tests_pass():
    jobs = yaml.safe_load(WORKFLOWS["deploy.yml"])["jobs"]
    assert any("bash .ci/run" in step.get("run", "") for step in jobs["test"]["steps"])
    assert jobs["build"]["needs"] == "test" and jobs["deploy"]["needs"] == "build"


def test_pull_requests_get_annotations_and_cached_system_packages():
    steps = yaml.safe_load(WORKFLOWS["pull-request.yml"])["jobs"]["check-build-test"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "python3 tasks.py check --format github" in runs
    cache = next(i for i, step in enumerate(steps) if "actions/cache@" in step.get("uses", ""))
    install = runs.index("bash .ci/system-packages")
    assert cache < install < runs.index("bash .ci/run")
    assert "/var/cache/apt/archives" in steps[cache]["with"]["path"]


def test_contributing_documents_the_one_time_pages_setting():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "Settings → Pages" in contributing and "GitHub Actions" in contributing
