"""The vitamin D status checker page: bands from threshold records, safe embedded JSON, a
static cited table for readers without JavaScript, and a page that builds with no sets."""
from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from conftest import FIXTURES
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.pipeline import load_base
from evidence_site.records.models import ThresholdSet
from evidence_site.render.checker import (band_of, converted_range, convert, ordered_sets, range_text, script_json,
                                          shown_bound, summary_line)

BASE = load_base(FIXTURES / "mini/evidence")
LEVEL = BASE.measures["level"]


def embedded(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="checker-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


@pytest.mark.parametrize("set_id, value, unit, band", [
    ("set-a", 29.9, "nmol/L", "Low"), ("set-a", 30, "nmol/L", "Possibly low"),
    ("set-a", 49.99, "nmol/L", "Possibly low"), ("set-a", 50, "nmol/L", "Adequate"),
    ("set-a", 124.9, "nmol/L", "Adequate"), ("set-a", 125, "nmol/L", "Possibly too high"),
    ("set-a", 20.04, "ng/mL", "Adequate"), ("set-a", 20.0, "ng/mL", "Possibly low"),
    ("set-b", 19.99, "ng/mL", "Deficiency"), ("set-b", 20, "ng/mL", "Insufficiency"),
    ("set-b", 49.92, "nmol/L", "Insufficiency"), ("set-b", 49.9, "nmol/L", "Deficiency"),
    ("set-b", 74.88, "nmol/L", "Sufficiency"), ("set-b", 75, "nmol/L", "Sufficiency"), ("set-b", 74.8, "nmol/L", "Insufficiency"),
    ("set-c", 50, "nmol/L", None), ("set-d", 149.9, "ng/mL", None), ("set-d", 374.4, "nmol/L", "Toxicity"),
])
def test_bands_include_the_lower_cut_off_and_exclude_the_upper_in_either_unit(set_id, value, unit, band):
    found = band_of(BASE.thresholds[set_id], value, unit, LEVEL)
    assert (found.label if found else None) == band


def test_unit_conversion_uses_the_measures_factor_and_is_exact_at_cut_offs():
    assert convert(20, "ng/mL", "nmol/L", LEVEL) == 49.92
    assert convert(49.92, "nmol/L", "ng/mL", LEVEL) == 20
    assert convert(75, "nmol/L", "nmol/L", LEVEL) == 75
    assert range_text(None, 30, "nmol/L") == "below 30 nmol/L"
    assert range_text(30, 50, "nmol/L") == "30 to under 50 nmol/L"
    assert range_text(125, None, "nmol/L") == "125 nmol/L and above"


SETS = ordered_sets(BASE, LEVEL)
ONLY = lambda *ids: [BASE.thresholds[i] for i in ids]  # noqa: E731


@pytest.mark.parametrize("sets, value, unit, line", [
    (SETS, 45, "nmol/L", "2 of the 3 authorities that set cut-offs put 45 nmol/L below their recommended level "
                         "and 1 sets no range low enough to include it."),
    (SETS, 18, "ng/mL", "2 of the 3 authorities that set cut-offs put 18 ng/mL below their recommended level "
                        "and 1 sets no range low enough to include it."),
    # 20 ng/mL is 49.92 nmol/L: under set A's 50, at set B's lower cut-off (inclusive), both below
    (SETS, 20, "ng/mL", "2 of the 3 authorities that set cut-offs put 20 ng/mL below their recommended level "
                        "and 1 sets no range low enough to include it."),
    (SETS, 49.92, "nmol/L", "2 of the 3 authorities that set cut-offs put 49.9 nmol/L below their recommended "
                            "level and 1 sets no range low enough to include it."),
    (SETS, 50, "nmol/L", "1 of the 3 authorities that set cut-offs puts 50 nmol/L below its recommended level, "
                         "1 puts it within its recommended range and 1 sets no range low enough to include it."),
    (SETS, 30, "ng/mL", "2 of the 3 authorities that set cut-offs put 30 ng/mL within their recommended range "
                        "and 1 sets no range low enough to include it."),
    (SETS, 125, "nmol/L", "1 of the 3 authorities that set cut-offs puts 125 nmol/L within its recommended range, "
                          "1 puts it above its recommended range and 1 sets no range low enough to include it."),
    (SETS, 124.9, "nmol/L", "2 of the 3 authorities that set cut-offs put 124.9 nmol/L within their recommended "
                            "range and 1 sets no range low enough to include it."),
    # toxic comes first, whatever its count; 150 ng/mL is 374.4 nmol/L, the toxic cut-off (inclusive)
    (SETS, 150, "ng/mL", "1 of the 3 authorities that set cut-offs puts 150 ng/mL in its toxic range, 1 puts it "
                         "within its recommended range and 1 puts it above its recommended range."),
    (SETS, 374.4, "nmol/L", "1 of the 3 authorities that set cut-offs puts 374.4 nmol/L in its toxic range, 1 puts "
                            "it within its recommended range and 1 puts it above its recommended range."),
    (SETS, 374.3, "nmol/L", "1 of the 3 authorities that set cut-offs puts 374.3 nmol/L within its recommended "
                            "range, 1 puts it above its recommended range and 1 sets no range low enough to include it."),
    (ONLY("set-a", "set-b"), 100, "nmol/L", "Both authorities that set cut-offs put 100 nmol/L within their "
                                            "recommended range."),
    (ONLY("set-a", "set-b", "set-c"), 20, "nmol/L", "Both authorities that set cut-offs put 20 nmol/L below their "
                                                    "recommended level."),
    (ONLY("set-d"), 160, "ng/mL", "The only authority that sets cut-offs puts 160 ng/mL in its toxic range."),
    (ONLY("set-c"), 50, "nmol/L", None),  # endorses no cut-offs: nothing to count
    ([], 50, "nmol/L", None),
])
def test_the_summary_line_counts_authorities_by_the_category_of_their_band(sets, value, unit, line):
    assert summary_line(sets, value, unit, LEVEL) == line


def test_the_summary_says_why_a_set_holds_no_band_for_the_result():
    """Below every range, above every range, or in a gap between two: three plain answers."""
    gappy = ThresholdSet.model_validate({
        "id": "gappy", "authority": "Gappy", "status": "current", "measure": "level", "unit": "nmol/L",
        "summary": {"text": "A set with a gap.", "sources": ["guideline-a"]},
        "bands": [{"label": "Low", "category": "below", "lower": 10, "upper": 30, "sources": ["guideline-a"]},
                  {"label": "Fine", "category": "within", "lower": 50, "upper": 100, "sources": ["guideline-a"]}]})
    assert summary_line([gappy], 5, "nmol/L", LEVEL) == \
        "The only authority that sets cut-offs sets no range low enough to include 5 nmol/L."
    assert summary_line([gappy], 40, "nmol/L", LEVEL) == \
        "The only authority that sets cut-offs has no range that includes 40 nmol/L."
    assert summary_line([gappy], 100, "nmol/L", LEVEL) == \
        "The only authority that sets cut-offs sets no range high enough to include 100 nmol/L."
    assert summary_line([gappy, BASE.thresholds["set-a"]], 40, "nmol/L", LEVEL) == \
        "1 of the 2 authorities that set cut-offs puts 40 nmol/L below its recommended level and 1 has no range " \
        "that includes it."


def test_converted_cut_offs_are_rounded_for_display_only():
    iom_like = BASE.thresholds["set-a"]  # 125 nmol/L is 50.08 ng/mL; the band keeps 125
    assert convert(125, "nmol/L", "ng/mL", LEVEL) == 50.080128
    assert converted_range(iom_like.bands[3], "nmol/L", "ng/mL", LEVEL) == "50 ng/mL and above"
    assert converted_range(iom_like.bands[1], "nmol/L", "ng/mL", LEVEL) == "12 to under 20 ng/mL"
    assert [shown_bound(v) for v in (49.92, 74.88, 99.84, 249.6, 374.4, 9.96, 0.44)] == [50, 75, 100, 250, 374, 10, 0.4]
    # placing a result still uses the exact cut-off: 50 ng/mL is 124.8 nmol/L, 50.1 ng/mL is 125.05
    assert band_of(iom_like, 50.0, "ng/mL", LEVEL).label == "Adequate"
    assert band_of(iom_like, 50.1, "ng/mL", LEVEL).label == "Possibly too high"


def test_embedded_json_cannot_close_its_script_element():
    text = script_json({"a": "</script><script>alert(1)</script> & <!--", "b": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script> & <!--", "b": "\u2028"}


def test_checker_page_embeds_every_set_and_shows_a_cited_static_table(mini_site):
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("checker/index.html")
    data = embedded(page)
    assert data["factors"] == {"nmol/L": 1, "ng/mL": 2.496} and data["max"] == {"nmol/L": 1000.0, "ng/mL": 400.0}
    assert data["units"] == ["nmol/L", "ng/mL"] and data["abbreviation"] == "25(OH)D"
    assert "1 ng/mL = 2.496 nmol/L" in page  # the factor, from the measure record
    assert [s["id"] for s in data["sets"]] == ["set-a", "set-b", "set-c", "set-d"]
    assert [s["status"] for s in data["sets"]] == ["current", "superseded", "no-thresholds", "current"]
    assert data["sets"][2]["bands"] == []
    # each citation the script shows points at an entry of this page's reference list
    for s in data["sets"]:
        for cite in s["cites"] + [c for b in s["bands"] for c in b["cites"]]:
            assert f'<li id="ref-{cite["href"][5:]}" class="reference">' in page
    rows = re.findall(r'<tr id="set-[a-z-]+-band-\d+" data-claim>(.*?)</tr>', page, re.S)
    assert len(rows) == 4 + 3 + 1 and all('class="citation"' in r for r in rows)
    assert "12 to under 20 ng/mL" in page  # set A's 30-50 nmol/L band, in the other unit
    assert "50 ng/mL and above" in page and "50.1" not in page  # 125 nmol/L, rounded for display only
    # each band says, without JavaScript too, where it lies against the authority's recommended range
    categories = re.findall(r'<td data-label="Against its recommended range" class="band-category">(\w+)</td>', page)
    assert categories == ["Below", "Below", "Within", "Above", "Below", "Below", "Within", "Toxic"]
    assert 'class="set-status">Superseded</span>' in page and 'class="set-status">Endorses no cut-offs</span>' in page
    assert "endorses no cut-offs" in page and "Not medical advice" in page
    assert re.search(r'<div class="checker-result" id="checker-result" aria-live="polite">', page)
    assert '<label for="checker-value">' in page and 'src="../assets/checker.js"' in page
    assert '<form class="checker" id="checker" hidden novalidate>' in page  # shown by the script only


def test_record_text_in_the_json_is_escaped(mini_site):
    hostile = 'Evil </script><script>alert(1)</script> & Co'
    text = mini_site.read("evidence/thresholds/set-a.yaml").replace("authority: Authority A, 2020", f"authority: '{hostile}'")
    mini_site.write("evidence/thresholds/set-a.yaml", text)
    assert mini_site.build().returncode == 0
    page = mini_site.html("checker/index.html")
    assert "alert(1)</script>" not in page
    assert embedded(page)["sets"][0]["authority"] == hostile
    assert html.escape(hostile, quote=False) in page


def test_the_checker_page_builds_with_no_threshold_sets(mini_site):
    mini_site.remove_threshold_sets()
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("checker/index.html")
    assert embedded(page)["sets"] == []
    assert 'id="no-threshold-sets"' in page


@pytest.mark.parametrize("bands, message", [
    ("  - {label: A, category: below, lower: 50, upper: 30, sources: [guideline-a]}\n", "bands[0]: lower 50 is not below upper 30"),
    ("  - {label: A, category: below, upper: 50, sources: [guideline-a]}\n"
     "  - {label: B, category: within, lower: 40, sources: [guideline-a]}\n",
     "bands[1]: band 'B' overlaps band 'A'"),
    ("  - {label: A, category: above, upper: 50, sources: [guideline-a]}\n"
     "  - {label: B, category: within, lower: 50, sources: [guideline-a]}\n",
     "bands[1].category: 'within' is lower than 'above' of the band below it, 'A' (categories rise with the level: "
     "below, within, above, toxic)"),
    ("  - {label: A, category: toxic, upper: 50, sources: [guideline-a]}\n"
     "  - {label: B, category: below, lower: 50, sources: [guideline-a]}\n",
     "bands[1].category: 'below' is lower than 'toxic'"),
    ("  - {label: A, category: low, upper: 50, sources: [guideline-a]}\n",
     "bands[0].category: 'low' is not one of: below, within, above, toxic (did you mean 'below'?)"),
    ("  - {label: A, upper: 50, sources: [guideline-a]}\n", "bands[0].category: missing required field (add 'category:')"),
])
def test_bad_bands_are_errors(tmp_path, bands, message):
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", evidence)
    text = (evidence / "thresholds/set-a.yaml").read_text()
    (evidence / "thresholds/set-a.yaml").write_text(text[:text.index("bands:")] + "bands:\n" + bands)
    with pytest.raises(EvidenceCheckFailed) as failed:
        load_base(evidence)
    assert any(message in str(e) and str(e).startswith("evidence/thresholds/set-a.yaml:") for e in failed.value.errors), \
        [str(e) for e in failed.value.errors]


def test_each_measure_has_its_own_checker_and_figures_section(mini_site):
    """The first measure (by order) keeps checker/; another gets checker/<id>/ and its own bands."""
    mini_site.write("evidence/measures/grip.yaml", """id: grip
name: Grip strength
abbreviation: GS
order: 200
units:
  - {unit: kg, factor: 1, plausible_max: 100}
  - {unit: lb, factor: 0.4536, plausible_max: 220}
  - {unit: N, factor: 0.10197, plausible_max: 980}
plausible:
  text: A fixture limit.
sources: [paper-a]
""")
    mini_site.write("evidence/thresholds/grip-bands.yaml", """id: grip-bands
authority: Grip authority
status: current
measure: grip
unit: kg
summary: {text: Fixture grip bands., sources: [guideline-a]}
bands:
  - {label: Weak, category: below, upper: 20, sources: [guideline-a]}
  - {label: Strong, category: within, lower: 20, sources: [guideline-a]}
""")
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    first, second = embedded(mini_site.html("checker/index.html")), embedded(mini_site.html("checker/grip/index.html"))
    assert first["units"] == ["nmol/L", "ng/mL"] and "grip-bands" not in [s["id"] for s in first["sets"]]
    assert second["units"] == ["kg", "lb", "N"] and [s["id"] for s in second["sets"]] == ["grip-bands"]
    grip = mini_site.html("checker/grip/index.html")
    assert "1 lb = 0.4536 kg; 1 N = 0.102 kg" in grip and "Range (lb)" in grip and "Range (N)" in grip
    assert "44 lb and above" in grip  # 20 kg (44.09 lb) in pounds, rounded for display, in the static table
    figures = mini_site.html("figures/index.html")
    assert 'id="arms-level"' in figures and 'id="no-arm-results-grip"' in figures
