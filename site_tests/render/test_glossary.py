"""Glossary tooltips: <abbr title> on generated pages (core) and hand-written pages (abbr extension)."""
from __future__ import annotations

import pytest

from evidence_site.records.models import Glossary
from evidence_site.render.glossary import abbreviate_html, markdown_definitions

GLOSSARY = Glossary(id="glossary", terms={"MS": "Multiple sclerosis", "25(OH)D": "25-hydroxyvitamin D",
                                          "R&D": "Research & development", "amp": "Ampere"})
MS = '<abbr title="Multiple sclerosis">MS</abbr>'


@pytest.mark.parametrize("html, expected", [
    ("<p>People with MS.</p>", f"<p>People with {MS}.</p>"),
    ("<p>MS, MS and MSc or SMS</p>", f"<p>{MS}, {MS} and MSc or SMS</p>"),
    ('<p title="MS">x</p>', '<p title="MS">x</p>'),
    ('<p data-x="a > MS">MS</p>', f'<p data-x="a > MS">{MS}</p>'),
    ('<a href="/MS">MS trial</a> MS', f'<a href="/MS">MS trial</a> {MS}'),
    ("<code>MS</code><pre>MS</pre><p>MS</p>", f"<code>MS</code><pre>MS</pre><p>{MS}</p>"),
    ('<script type="application/json">{"a":"<p>MS"}</script><p>MS</p>', f'<script type="application/json">{{"a":"<p>MS"}}</script><p>{MS}</p>'),
    ('<abbr title="Other">MS</abbr>', '<abbr title="Other">MS</abbr>'),
    ("<svg><title>MS</title><text>MS</text></svg><p>MS</p>", f"<svg><title>MS</title><text>MS</text></svg><p>{MS}</p>"),
    ("<p>Serum 25(OH)D rose</p>", '<p>Serum <abbr title="25-hydroxyvitamin D">25(OH)D</abbr> rose</p>'),
    ("<p>R&amp;D &amp; more</p>", '<p><abbr title="Research &amp; development">R&amp;D</abbr> &amp; more</p>'),
    ("<p>MS<br>MS<!-- MS --></p>", f"<p>{MS}<br>{MS}<!-- MS --></p>"),
])
def test_terms_are_wrapped_only_in_text(html, expected):
    assert abbreviate_html(html, GLOSSARY) == expected


def test_no_glossary_changes_nothing():
    assert abbreviate_html("<p>MS</p>", None) == "<p>MS</p>"
    assert markdown_definitions(None) == ""


def test_markdown_definitions_for_hand_written_pages():
    text = markdown_definitions(GLOSSARY)
    assert "*[MS]: Multiple sclerosis\n" in text and "*[25(OH)D]: 25-hydroxyvitamin D" in text


def test_generated_and_hand_written_pages_get_tooltips(mini_site):
    mini_site.write("content/about.md", "# About\n\nThis site is about MS and the 25(OH)D test.\n")
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    study = mini_site.html("studies/paper-a/index.html")
    assert '<td>Adults with <abbr title="Multiple sclerosis">MS</abbr></td>' in study
    about = mini_site.html("about/index.html")
    assert '<abbr title="Multiple sclerosis">MS</abbr>' in about
    assert '<abbr title="25-hydroxyvitamin D, the form of vitamin D measured in blood">25(OH)D</abbr>' in about
    checker = mini_site.html("checker/index.html")
    assert 'for="checker-value">Your 25(OH)D result</label>' in checker  # not inside a label
