"""Questions first and plain words first, on the fixture site: the home page's questions with
their computed levels, the questions page, an agent's "what trials found" computed from its
trials (with the outcomes no trial looked at), a study page that opens with what it found, and
conclusions that give their plain words before the technical statement."""
from __future__ import annotations

import re

QUESTION = """id: does-form-a-help
question: Does form A help bone?
answer: In one trial, form A did not change bone density.
conclusions: [vitd-bone-density]
agent: form-a
measure: level
order: 10
"""
RELAPSES = """id: relapses
name: Relapses
order: 40
patient_important: true
"""


def _build(mini_site, population: str | None = "fixture patients"):
    mini_site.write("evidence/questions/does-form-a-help.yaml", QUESTION)
    mini_site.write("evidence/outcomes/relapses.yaml", RELAPSES)
    outcome = mini_site.read("evidence/outcomes/bone-density.yaml")
    mini_site.write("evidence/outcomes/bone-density.yaml", outcome + "patient_important: true\n")
    if population:
        mini_site.write("evidence/site.yaml", mini_site.read("evidence/site.yaml") + f"population: {population}\n")
    home = mini_site.read("content/index.md")
    mini_site.write("content/index.md", home.replace("# Fixture home\n", "# Fixture home\n\n<!-- evidence:questions -->\n"))
    result = mini_site.build()
    assert result.returncode == 0, result.stderr


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_page_answers_each_question_with_its_computed_level_and_direction(mini_site):
    _build(mini_site)
    home = mini_site.html("index.html")
    block = re.search(r'<section class="reader-question" id="q-does-form-a-help">(.*?)</section>', home, re.S)
    assert block, "the marker became no question block"
    words = _text(block.group(1))
    assert "Does form A help bone?" in words and "In one trial, form A did not change bone density." in words
    # level and direction computed from the conclusion's trials, never typed in the question
    assert "Bone density : Level 1b Moderate evidence no difference, 1 trial at this level" in words
    assert "Tested in fixture patients only for bone density, in one trial; no trial has looked at relapses." in words
    assert 'href="questions/#q-does-form-a-help"' in block.group(1)
    assert 'href="agents/form-a/#trials-found"' in block.group(1) and 'href="checker/"' in block.group(1)
    # the answer is a claim that cites the conclusion's source into the home page's reference list
    answer = re.search(r'<p class="question-answer" data-claim>(.*?)</p>', block.group(1), re.S).group(1)
    assert 'class="citation" href="#ref-paper-a"' in answer
    assert "<!-- evidence:questions -->" not in home

    page = mini_site.html("questions/index.html")
    assert "Vitamin D did not change bone density." in page  # the conclusion's plain words
    assert 'href="../topics/bone/#c-vitd-bone-density"' in page


def test_a_question_whose_level_changes_shows_the_new_level_without_editing_it(mini_site):
    mini_site.write("evidence/topics/bone.yaml", mini_site.read("evidence/topics/bone.yaml")
                    .replace('written_for: {level: "1b", trials: 1, direction: "no-difference"}\n    ', ""))
    _build(mini_site)
    words = _text(mini_site.html("index.html"))
    assert "Being updated" in words


def test_agent_page_opens_with_what_trials_found_computed_from_the_trials(mini_site):
    _build(mini_site)
    page = mini_site.html("agents/form-a/index.html")
    content = page[page.index('<article'):]
    first_h2 = re.search(r"<h2[^>]*>(.*?)</h2>", content, re.S).group(1)
    assert _text(first_h2).strip().startswith("What fixture patients trials found")
    summary = re.search(r'<p class="trials-found-summary" data-claim>(.*?)</p>', content, re.S).group(1)
    assert _text(summary).startswith("Tested in fixture patients only for bone density, in one trial; "
                                     "no trial has looked at relapses.")
    assert 'class="citation"' in summary
    assert re.search(r"<strong>Bone density</strong>: .*Level 1b.*no difference, 1 trial at this level", content)
    # form B has no study: no trial of it looked at either outcome readers ask about
    other = _text(mini_site.html("agents/form-b/index.html"))
    assert "No trial in fixture patients has looked at bone density or relapses." in other


def test_without_a_population_the_heading_names_none(mini_site):
    _build(mini_site, population=None)
    page = mini_site.html("agents/form-a/index.html")
    assert re.search(r'<h2 id="trials-found">What trials found', page)
    assert "Tested only for bone density, in one trial" in _text(page)


def test_study_page_opens_with_what_it_found_and_conclusions_with_plain_words(mini_site):
    _build(mini_site)
    study = mini_site.html("studies/paper-a/index.html")
    content = study[study.index('<article'):]
    found = content.index('class="study-found"')
    assert found < content.index('class="study-citation"') < content.index("Study details")
    assert "What it found: Bone density: no difference." in _text(content[found:found + 600])
    assert "Study record" not in content and 'class="md-tags" hidden' in study
    topic = mini_site.html("topics/bone/index.html")
    assert topic.index('class="plain"') < topic.index('class="statement"')
    assert "Topic record" not in topic
