"""A reader's first questions on the real site, answered from the home page: the answer, its
level and direction in words, on the home page itself, and the cited answer one link away."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from evidence_site.render.template_globals import DIRECTIONS

LEVEL = re.compile(r"Level (1a|1b|2|3|4|5)\b")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _question(home: str, pattern: str) -> str:
    for block in re.findall(r'<section class="reader-question" id="q-[^"]+">(.*?)</section>', home, re.S):
        title = re.search(r'class="question-title"[^>]*>(.*?)</h', block, re.S).group(1)
        if re.search(pattern, _text(title), re.I):
            return block
    raise AssertionError(f"no question matching {pattern!r} on the home page")


def _follow(site: Path, from_url: str, href: str) -> tuple[str, str]:
    """(page HTML, fragment) a relative link leads to."""
    parts = urlsplit(urljoin(from_url, href))
    path = parts.path.lstrip("/")
    file = site / (path + "index.html" if path.endswith("/") or not path else path)
    assert file.exists(), f"{href} from {from_url} leads nowhere"
    return file.read_text(encoding="utf-8"), parts.fragment


def test_does_alfacalcidol_help_is_answered_with_level_and_direction_within_two_links(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    block = _question(home, r"alfacalcidol.*help")
    words = _text(block)
    assert LEVEL.search(words), words
    assert any(direction in words for direction in DIRECTIONS.values()), words
    assert "no trial has looked at" in words  # the outcomes never studied, computed from the trials
    assert 'data-claim' in block and 'class="citation"' in block
    # one link to the cited answer: the question on the questions page, with its citations
    href = re.search(r'<a href="([^"]+)">The evidence behind this answer</a>', block).group(1)
    page, fragment = _follow(real_site, "https://example.org/", href)
    cited = re.search(rf'<section class="reader-question" id="{re.escape(fragment)}">(.*?)</section>', page, re.S)
    assert cited and LEVEL.search(_text(cited.group(1))) and 'class="citation"' in cited.group(1)
    # a second link: the agent's page opens with what its trials found
    href = re.search(r'<a href="([^"]+)">What the trials of [^<]+ found</a>', block).group(1)
    agent, fragment = _follow(real_site, "https://example.org/", href)
    assert f'id="{fragment}"' in agent and "Tested in MS only for fatigue, in one trial" in _text(agent)


def test_is_my_level_ok_leads_to_the_checker_in_one_link(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    block = _question(home, r"level OK")
    href = re.search(r'<a href="([^"]*checker/[^"]*)">', block).group(1)
    checker, _ = _follow(real_site, "https://example.org/", href)
    assert "<form" in checker


def test_start_here_leads_with_topics_compare_forms_and_the_evidence_map(real_site):
    home = (real_site / "index.html").read_text(encoding="utf-8")
    start = home[home.index('id="start-here"'):]
    first = re.findall(r'<li><a href="([^"]+)"', start)[:3]
    assert first == ["topics/", "comparisons/vitamin-d-forms/", "evidence-map/"], first
