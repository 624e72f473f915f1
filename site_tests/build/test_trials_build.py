"""The trial as the unit, end to end on the fixture site: every conclusion on one trial agrees,
and a statement cannot go stale silently."""
from __future__ import annotations

import re
import subprocess
import sys

STUDY = "evidence/studies/paper-a.yaml"
TOPIC = "evidence/topics/bone.yaml"


def _section(page: str, conclusion: str) -> str:
    return re.search(rf'<section class="conclusion" id="c-{conclusion}".*?</section>', page, re.S).group(0)


def _check(site) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evidence_site", "check"], cwd=site.root,
                          capture_output=True, text=True, timeout=120)


def _second_paper(site, score: int) -> None:
    """A second paper on the fixture trial with its own, lower quality score."""
    paper = site.read(STUDY).replace("id: paper-a", "id: paper-b").replace("score: 7", f"score: {score}")
    site.write("evidence/studies/paper-b.yaml", paper.replace("aliases: [/old-page]\n", ""))


def test_a_second_scored_paper_on_a_trial_makes_every_conclusion_on_that_trial_agree(mini_site):
    _second_paper(mini_site, 5)
    topic = mini_site.read(TOPIC)
    first = topic[topic.index("  - id: vitd-bone-density"):]
    second = (first.replace("id: vitd-bone-density", "id: vitd-bone-density-b")
              .replace("studies: [paper-a]", "studies: [paper-b]").replace("    written_for:", "    # written_for:"))
    mini_site.write(TOPIC, topic + second)
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("topics/bone/index.html")
    one, two = _section(page, "vitd-bone-density"), _section(page, "vitd-bone-density-b")
    for section in (one, two):  # the same trial, whichever paper is cited: one quality, one level
        assert 'class="level level-2"' in section and "PEDro 5/10" in section, section
        assert "PEDro 7/10" not in section
    for key in ("paper-a", "paper-b"):
        study = mini_site.html(f"studies/{key}/index.html")
        assert re.search(r"PEDro score of the trial</th><td>5/10", study), key
        assert "The scores given for its papers differ: 7 for" in study and "the trial uses the lowest" in study
    assert "1 trial with 40 participants" in mini_site.html("comparisons/forms/index.html")  # counted once


def test_the_stale_statement_guard_names_the_line_and_readers_see_a_notice(mini_site):
    assert "Being updated" not in (mini_site.build(), mini_site.html("topics/bone/index.html"))[1]
    other = mini_site.read(STUDY).replace("id: paper-a", "id: paper-b").replace("trial: fixture-trial", "trial: other")
    mini_site.write("evidence/studies/paper-b.yaml", other.replace("aliases: [/old-page]\n", ""))
    mini_site.write(TOPIC, mini_site.read(TOPIC).replace("studies: [paper-a]", "studies: [paper-a, paper-b]"))
    checked = _check(mini_site)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # a warning: the site still builds
    assert ("warning: evidence/topics/bone.yaml:10: conclusions[0].statement: the evidence changed "
            "(now 1a, 2 trials, no difference); re-read the statement and run evidence-site review bone"
            ) in checked.stdout.splitlines(), checked.stdout
    assert mini_site.build().returncode == 0
    assert "Being updated" in _section(mini_site.html("topics/bone/index.html"), "vitd-bone-density")
    reviewed = subprocess.run([sys.executable, "-m", "evidence_site", "review", "bone"], cwd=mini_site.root,
                              capture_output=True, text=True, timeout=120)
    assert reviewed.stdout == "vitd-bone-density: 1a, 2 trials, no difference (updated)\n", reviewed
    assert 'written_for: {level: "1a", trials: 2, direction: "no-difference"}' in mini_site.read(TOPIC)
    assert "the evidence changed" not in _check(mini_site).stdout
    assert mini_site.build().returncode == 0
    assert "Being updated" not in mini_site.html("topics/bone/index.html")


def test_a_conclusion_never_reviewed_shows_the_notice_and_a_warning(mini_site):
    topic = mini_site.read(TOPIC)
    mini_site.write(TOPIC, re.sub(r"    written_for: .*\n", "", topic))
    checked = _check(mini_site)
    assert ("evidence/topics/bone.yaml:9: conclusions[0].written_for: the statement was never reviewed against the "
            "computed evidence (1b, 1 trial, no difference)") in checked.stdout, checked.stdout
    assert mini_site.build().returncode == 0
    assert "No editor has yet confirmed this statement" in mini_site.html("topics/bone/index.html")


# --- the real evidence base: one quality per trial, and every view counts the same ----------

def _real_pages():
    from conftest import ROOT
    from evidence_site.pipeline import load_base
    from evidence_site.render.renderer import render_site
    base = load_base(ROOT / "evidence")
    return base, render_site(base)


def test_real_site_shows_each_trial_with_one_quality_and_no_chart_review_as_a_trial():
    base, pages = _real_pages()
    seen: dict[str, set[str]] = {}
    for page in pages.values():
        text = re.sub(r"<[^>]+>", "", page.markdown)
        for trial, score in re.findall(r"(NCT\d{8}) \([^()]*?; [^;,()]*, PEDro (\d+)/10", text):
            seen.setdefault(trial, set()).add(score)
    assert seen and all(len(scores) == 1 for scores in seen.values()), seen
    assert seen["NCT00785473"] == {"8"}
    scheme = base.scheme
    observational = {d.id for d in scheme.designs if not d.trial}
    for key, study in base.studies.items():
        if study.design in observational:
            assert "observational" in pages[f"studies/{key}.md"].markdown


def test_real_site_agent_pages_and_comparison_count_the_same_trials():
    base, pages = _real_pages()
    from evidence_site.derive.aggregates import agent_studies, trial_count
    from evidence_site.render.template_globals import count_text
    comparison = next(p.markdown for src, p in pages.items() if src.startswith("comparisons/") and src != "comparisons/index.md")
    for key in base.agents:
        studies = agent_studies(base, key)
        if not studies:
            continue
        text = count_text(trial_count(base, studies, key))
        assert text in pages[f"agents/{key}.md"].markdown and text in comparison, (key, text)
    assert "11 trials with 963 participants and 1 observational study in which 28 people took it" in comparison
