"""Glossary tooltips: <abbr title> on generated pages (core) and hand-written pages (abbr extension)."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import FIXTURES
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import load_base
from evidence_site.records.models import Glossary
from evidence_site.render.glossary import abbreviate_html, glossary_items, markdown_definitions

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
    # a reference keeps the cited work's own wording (a journal "MS" is not the disease's expansion)
    ('<ol><li id="r" class="reference">MS Int.</li><li>MS</li></ol>', f'<ol><li id="r" class="reference">MS Int.</li><li>{MS}</li></ol>'),
    ('<p class="referenced">MS</p>', f'<p class="referenced">{MS}</p>'),
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


EXPLAINED = Glossary(id="glossary", terms={
    "MS": "Multiple sclerosis",
    "RCT": {"expansion": "Randomised controlled trial",
            "explanation": "A study in which chance decides who gets the treatment & who the comparison."},
    "N-TX": {"expansion": "N-telopeptide", "explanation": "A bone fragment."},
    "N-Tx": {"expansion": "N-telopeptide"}})


def test_an_explanation_follows_the_expansion_in_the_tooltip():
    html = abbreviate_html("<p>One RCT in MS.</p>", EXPLAINED)
    assert ('<abbr title="Randomised controlled trial. A study in which chance decides who gets the treatment '
            '&amp; who the comparison.">RCT</abbr>') in html
    assert '<abbr title="Multiple sclerosis">MS</abbr>' in html  # a plain expansion stays as it was
    assert "*[RCT]: Randomised controlled trial. A study in which chance decides" in markdown_definitions(EXPLAINED)
    assert "*[N-Tx]: N-telopeptide\n" in markdown_definitions(EXPLAINED)


def test_glossary_items_are_alphabetical_with_distinct_anchors():
    items = glossary_items(EXPLAINED)
    assert [i.term for i in items] == ["MS", "N-TX", "N-Tx", "RCT"]
    assert [i.anchor for i in items] == ["term-ms", "term-n-tx", "term-n-tx-2", "term-rct"]
    assert items[0].explanation is None and items[3].explanation.startswith("A study in which chance")
    assert glossary_items(None) == []


@pytest.mark.parametrize("value, message", [
    ("{expansion: Multiple sclerosis, explain: x}", "evidence/glossary.yaml:5: terms.MS.explain: unknown field 'explain'"),
    ("{explanation: A disease.}", "evidence/glossary.yaml:5: terms.MS.expansion: missing required field (add 'expansion:')"),
    ("[a, b]", "evidence/glossary.yaml:5: terms.MS: expected a mapping of fields, got ['a', 'b'] (write the expansion "
               "as text, or a mapping with expansion: and explanation:)"),
    ('{expansion: Multiple sclerosis, explanation: "two\\nlines"}', "evidence/glossary.yaml:5: terms.MS.explanation: "
     "'two\\nlines' is more than one line (write it on one line, or fold it with '>-')"),
])
def test_a_bad_glossary_entry_is_one_clear_error(tmp_path, value, message):
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    (evidence / "glossary.yaml").write_text(f"id: glossary\nterms:\n  RCT: Randomised controlled trial\n"
                                            f"  IU: International units\n  MS: {value}\n", encoding="utf-8")
    with pytest.raises(EvidenceCheckFailed) as failed:
        load_base(evidence)
    assert [str(e) for e in failed.value.errors] == [message]


def test_the_glossary_page_lists_every_term_with_its_explanation(mini_site):
    text = mini_site.read("evidence/glossary.yaml").replace(
        "  RCT: Randomised controlled trial\n",
        "  RCT:\n    expansion: Randomised controlled trial\n    explanation: >-\n"
        "      A study in which chance decides who gets the treatment.\n")
    mini_site.write("evidence/glossary.yaml", text)
    mini_site.write("content/about.md", "# About\n\nOne RCT.\n")
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("glossary/index.html")
    assert re.search(r'<dt id="term-rct"><dfn>(<abbr [^>]*>)?RCT(</abbr>)?</dfn></dt>\s*<dd><span class="glossary-expansion">'
                     r'Randomised controlled trial</span><br>A study in which chance decides who gets the treatment\.</dd>', page)
    assert page.count("<dt id=") == 4  # every term of the fixture's glossary
    tooltip = '<abbr title="Randomised controlled trial. A study in which chance decides who gets the treatment.">RCT</abbr>'
    assert tooltip in page and tooltip in mini_site.html("about/index.html")  # a generated and a hand-written page


def test_no_glossary_page_without_terms(mini_site):
    mini_site.write("evidence/glossary.yaml", "id: glossary\nterms: {}\n")
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    assert not (mini_site.root / "site/glossary/index.html").exists()
