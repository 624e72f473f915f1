"""The checker of a measure: its threshold sets as data for a small in-page script.

The page works without a server: every band of every threshold set of the measure is rendered
as a cited table for readers without JavaScript, and the same bands are embedded as JSON for the
script (content/assets/checker.js) that places a reader's result in each set's bands. Units and
their conversion factors come from the measure record (evidence/measures/), never from code.
The functions here are the reference the script follows; the browser tests hold the two to the
same answers.

A result opens with one summary line that counts the authorities with cut-offs by the category of
the band the result falls in (below, within or above the authority's recommended range, toxic);
the per-authority bands follow, folded. The wording of each category is here, once, and travels
to the script in the JSON.
"""
from __future__ import annotations

import json
import math
import posixpath
from dataclasses import dataclass
from typing import Iterable

from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.labels import number, short_label
from evidence_site.records.models import Band, Measure, ThresholdSet
from evidence_site.render.links import url_of
from evidence_site.render.reference_list import References

NEAR = 0.02  # a result within 2% of a cut-off is flagged: lab rounding and unit conversion can cross it
STATUS_TEXT = {"current": "Current", "superseded": "Superseded", "no-thresholds": "Endorses no cut-offs"}
SCRIPT = "assets/checker.js"


def ordered_measures(base: EvidenceBase) -> list[Measure]:
    return sorted(base.measures.values(), key=lambda m: (m.order, m.name, m.id))


def checker_src(base: EvidenceBase, measure: Measure) -> str:
    """The first measure's checker is the site's checker/ page; any other one is checker/<id>/."""
    first = ordered_measures(base)[0]
    return "checker/index.md" if measure.id == first.id else f"checker/{measure.id}.md"


def canonical(measure: Measure) -> str:
    return measure.units[0].unit


def factor(measure: Measure, unit: str) -> float:
    return next(u.factor for u in measure.units if u.unit == unit)


def other_units(measure: Measure, unit: str) -> list[str]:
    return [u.unit for u in measure.units if u.unit != unit]


def convert(value: float, from_unit: str, to_unit: str, measure: Measure) -> float:
    """A value in another unit of its measure, rounded to 6 decimals so cut-offs compare exactly."""
    if from_unit == to_unit:
        return value
    return round(value * factor(measure, from_unit) / factor(measure, to_unit), 6)


def ordered_sets(base: EvidenceBase, measure: Measure | None = None) -> list[ThresholdSet]:
    """Threshold sets (of one measure, if given), in the order the site shows them."""
    sets = [t for t in base.thresholds.values() if measure is None or t.measure == measure.id]
    return sorted(sets, key=lambda t: (t.order, t.authority, t.id))


def ordered_bands(tset: ThresholdSet) -> list[Band]:
    return sorted(tset.bands, key=lambda b: (b.lower if b.lower is not None else -1.0))


def band_of(tset: ThresholdSet, value: float, unit: str, measure: Measure) -> Band | None:
    """The band of a set a result falls in (lower bound inclusive, upper exclusive), or None."""
    v = convert(value, unit, tset.unit, measure)
    for band in ordered_bands(tset):
        if (band.lower is None or v >= band.lower) and (band.upper is None or v < band.upper):
            return band
    return None


def range_text(lower: float | None, upper: float | None, unit: str) -> str:
    """A band's range in words: 'below 30 U', '30 to under 50 U', '125 U and above'."""
    if lower is None and upper is None:
        return f"any level ({unit})"
    if lower is None:
        return f"below {number(upper)} {unit}"
    if upper is None:
        return f"{number(lower)} {unit} and above"
    return f"{number(lower)} to under {number(upper)} {unit}"


def shown_bound(value: float) -> float:
    """A cut-off converted to another unit, rounded for display only (half up, as the script's
    Math.round): whole numbers from 10 up, else one decimal. A cut-off of 125 that converts to
    50.08 shows as 50, as sources write it; the band itself keeps the exact value."""
    return math.floor(value + 0.5) if value >= 10 else math.floor(value * 10 + 0.5) / 10


def converted_range(band: Band, unit: str, to: str, measure: Measure) -> str:
    """The band's range in another unit, as the reader may have it on a lab report."""
    conv = lambda v: None if v is None else shown_bound(convert(v, unit, to, measure))  # noqa: E731
    return range_text(conv(band.lower), conv(band.upper), to)


# How the summary line says where one authority (first form) or several (second) place a result;
# A set with cut-offs none of whose bands holds the result: "too-low" when the result is below all
# of them, "too-high" above all, "none" in a gap between two. {value} is the result, or "it".
CATEGORY_WORDS = {
    "toxic": ("puts {value} in its toxic range", "put {value} in their toxic range"),
    "above": ("puts {value} above its recommended range", "put {value} above their recommended range"),
    "below": ("puts {value} below its recommended level", "put {value} below their recommended level"),
    "within": ("puts {value} within its recommended range", "put {value} within their recommended range"),
    "too-low": ("sets no range low enough to include {value}", "set no range low enough to include {value}"),
    "too-high": ("sets no range high enough to include {value}", "set no range high enough to include {value}"),
    "none": ("has no range that includes {value}", "have no range that includes {value}"),
}
CATEGORY_ORDER = ("below", "within", "above", "toxic", "too-low", "too-high", "none")  # ties keep this order
UNPLACED = ("too-low", "too-high", "none")  # always said last
# Shown beside the band in each authority's details.
CATEGORY_NOTE = {"below": "Below this authority's recommended level.",
                 "within": "Within this authority's recommended range.",
                 "above": "Above this authority's recommended range.",
                 "toxic": "In this authority's toxic range."}
CATEGORY_WORD = {"below": "Below", "within": "Within", "above": "Above", "toxic": "Toxic"}  # the static table's


def with_cut_offs(sets: Iterable[ThresholdSet]) -> list[ThresholdSet]:
    """The sets a summary counts: those that place results in bands (superseded ones too)."""
    return [t for t in sets if t.status != "no-thresholds" and t.bands]


def shown_value(value: float) -> str:
    """A reader's result as the script shows it: one decimal at most, rounded half up (49.92 -> '49.9')."""
    return number(math.floor(value * 10 + 0.5) / 10)


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def unplaced(tset: ThresholdSet, value: float, unit: str, measure: Measure) -> str:
    """Why no band of the set holds the result: below all of them, above all, or between two."""
    v, bands = convert(value, unit, tset.unit, measure), ordered_bands(tset)
    if bands[0].lower is not None and v < bands[0].lower:
        return "too-low"
    if bands[-1].upper is not None and v >= bands[-1].upper:
        return "too-high"
    return "none"


def summary_line(sets: list[ThresholdSet], value: float, unit: str, measure: Measure) -> str | None:
    """'4 of the 5 authorities that set cut-offs put 45 U below their recommended level and 1
    has no range that includes it.' Toxic comes first whatever its count; then the larger groups."""
    counted = with_cut_offs(sets)
    if not counted:
        return None
    counts: dict[str, int] = {}
    for tset in counted:
        band = band_of(tset, value, unit, measure)
        category = band.category if band else unplaced(tset, value, unit, measure)
        counts[category] = counts.get(category, 0) + 1
    groups = sorted(counts.items(), key=lambda kv: (kv[0] != "toxic", kv[0] in UNPLACED, -kv[1],
                                                    CATEGORY_ORDER.index(kv[0])))
    total, shown = len(counted), f"{shown_value(value)} {unit}"
    parts = []
    for i, (category, count) in enumerate(groups):
        words = plural(count, *CATEGORY_WORDS[category]).format(value=shown if i == 0 else "it")
        if i > 0:
            parts.append(f"{count} {words}")
        elif count == total:
            who = ("The only authority that sets" if total == 1 else "Both authorities that set" if total == 2
                   else f"All {total} authorities that set")
            parts.append(f"{who} cut-offs {words}")
        else:
            parts.append(f"{count} of the {total} authorities that set cut-offs {words}")
    if len(parts) > 1:
        parts[-2:] = [f"{parts[-2]} and {parts[-1]}"]
    return ", ".join(parts) + "."


def script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _cites(refs: References, keys: Iterable[str]) -> list[dict]:
    return [{"href": f"#ref-{key}", "n": refs.number(key), "label": short_label(refs.sources[key])} for key in keys]


def checker_data(base: EvidenceBase, refs: References, measure: Measure) -> dict:
    """Everything the script needs; citation numbers match the page's reference list."""
    sets = []
    for tset in ordered_sets(base, measure):
        sets.append({
            "id": tset.id, "authority": tset.authority, "status": tset.status,
            "statusText": STATUS_TEXT[tset.status], "unit": tset.unit,
            "summary": tset.summary.text, "cites": _cites(refs, tset.summary.sources),
            "bands": [{"label": b.label, "lower": b.lower, "upper": b.upper, "meaning": b.meaning,
                       "category": b.category, "range": range_text(b.lower, b.upper, tset.unit),
                       "ranges": {u: converted_range(b, tset.unit, u, measure) for u in other_units(measure, tset.unit)},
                       "cites": _cites(refs, b.sources)}
                      for b in ordered_bands(tset)] if tset.status != "no-thresholds" else [],
        })
    return {"abbreviation": measure.abbreviation, "units": [u.unit for u in measure.units],
            "factors": {u.unit: u.factor for u in measure.units}, "max": {u.unit: u.plausible_max for u in measure.units},
            "near": NEAR, "sets": sets, "words": CATEGORY_WORDS, "order": list(CATEGORY_ORDER), "unplaced": list(UNPLACED),
            "notes": CATEGORY_NOTE}


def asset_link(from_src: str, asset: str, directory_urls: bool = True) -> str:
    """Relative URL from a page to a file under the docs folder (a script, a stylesheet)."""
    here = url_of(from_src, directory_urls)
    folder = here.rstrip("/") if directory_urls and here.endswith("/") else posixpath.dirname(here)
    return posixpath.relpath(asset, folder or ".")


@dataclass(frozen=True)
class SetView:
    """One threshold set as the static table shows it."""

    record: ThresholdSet
    bands: list[Band]
    status_text: str


def set_views(base: EvidenceBase, measure: Measure) -> list[SetView]:
    return [SetView(t, ordered_bands(t) if t.status != "no-thresholds" else [], STATUS_TEXT[t.status])
            for t in ordered_sets(base, measure)]


TEMPLATE_GLOBALS = {"range_text": range_text, "converted_range": converted_range, "other_units": other_units,
                    "script_json": script_json, "checker_data": checker_data, "number": number,
                    "category_word": CATEGORY_WORD}
