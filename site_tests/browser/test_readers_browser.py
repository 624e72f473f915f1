"""On a 390 px phone the home page answers the first questions: the answer and its level and
direction are on screen without sideways scrolling, and the agent and study pages open with what
the trials found."""
from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", ["", "questions/", "agents/alfacalcidol/", "studies/achiron-2015/",
                                  "topics/relapses-disability-fatigue/"])
def test_reader_pages_fit_a_phone(browser, real_server, path):
    page = browser.new_page(viewport=PHONE)
    page.goto(real_server.url + path)
    wide = page.evaluate("""() => [...document.querySelectorAll(
        '.reader-question, .trials-found, .trials-found-summary, .study-found, .conclusion .plain')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.className)""")
    page.close()
    assert not wide, f"{path or 'home'}: wider than the phone: {wide}"


def test_home_page_shows_the_first_answer_with_its_level_and_direction(browser, real_server):
    page = browser.new_page(viewport=PHONE)
    page.goto(real_server.url)
    block = page.locator(".reader-question").filter(has_text="alfacalcidol").first
    block.scroll_into_view_if_needed()
    assert block.locator(".question-answer").is_visible()
    levels = block.locator(".question-levels li").first
    assert levels.is_visible()
    words = levels.inner_text()
    assert "Level" in words and ("favours" in words or "no difference" in words), words
    box = block.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # the first question starts within the first two phone screens
    assert page_top(page.locator(".reader-question").first) < 2 * PHONE["height"]
    page.close()


def page_top(locator) -> float:
    """How far down the page (in CSS px) an element starts."""
    return locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def test_agent_page_opens_with_what_trials_found(browser, real_server):
    page = browser.new_page(viewport=PHONE)
    page.goto(real_server.url + "agents/alfacalcidol/")
    summary = page.locator(".trials-found-summary")
    top = page_top(summary)
    assert top < PHONE["height"], f"the summary starts {top} px down, below the first phone screen"
    assert "no trial has looked at" in summary.inner_text()
    page.close()


def test_study_page_says_what_it_found_on_the_first_phone_screen(browser, real_server):
    page = browser.new_page(viewport=PHONE)
    page.goto(real_server.url + "studies/achiron-2015/")
    found = page.locator(".study-found")
    top = page_top(found)
    assert top < PHONE["height"], f"what the study found starts {top} px down"
    assert "What it found" in found.inner_text()
    page.close()
