"""The vitamin D status checker: threshold sets as data for a small in-page script.

The page works without a server: every band of every threshold set is rendered as a cited
table for readers without JavaScript, and the same bands are embedded as JSON for the script
(content/assets/checker.js) that places a reader's result in each set's bands. The functions
here are the reference the script follows; the browser tests hold the two to the same answers.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Iterable

from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.labels import number, short_label
from evidence_site.records.models import Band, ThresholdSet
from evidence_site.render.links import url_of
from evidence_site.render.reference_list import References

NMOL_PER_NG = 2.496  # 1 ng/mL of 25(OH)D is 2.496 nmol/L (molar mass 400.6 g/mol)
UNITS = ("nmol/L", "ng/mL")
# Above these a result is a typing or unit mistake, not a level: toxicity is reported from
# about 375 nmol/L (150 ng/mL), and assays stop well below 1,000 nmol/L.
PLAUSIBLE_MAX = {"nmol/L": 1000.0, "ng/mL": 400.0}
NEAR = 0.02  # a result within 2% of a cut-off is flagged: lab rounding and unit conversion can cross it
STATUS_TEXT = {"current": "Current", "superseded": "Superseded", "no-thresholds": "Endorses no cut-offs"}
CHECKER_SRC = "checker/index.md"
SCRIPT = "assets/checker.js"


def other_unit(unit: str) -> str:
    return UNITS[1] if unit == UNITS[0] else UNITS[0]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """A 25(OH)D value in another unit, rounded to 6 decimals so cut-offs compare exactly."""
    if from_unit == to_unit:
        return value
    out = value * NMOL_PER_NG if to_unit == "nmol/L" else value / NMOL_PER_NG
    return round(out, 6)


def ordered_sets(base: EvidenceBase) -> list[ThresholdSet]:
    return sorted(base.thresholds.values(), key=lambda t: (t.order, t.authority, t.id))


def ordered_bands(tset: ThresholdSet) -> list[Band]:
    return sorted(tset.bands, key=lambda b: (b.lower if b.lower is not None else -1.0))


def band_of(tset: ThresholdSet, value: float, unit: str) -> Band | None:
    """The band of a set a result falls in (lower bound inclusive, upper exclusive), or None."""
    v = convert(value, unit, tset.unit)
    for band in ordered_bands(tset):
        if (band.lower is None or v >= band.lower) and (band.upper is None or v < band.upper):
            return band
    return None


def range_text(lower: float | None, upper: float | None, unit: str) -> str:
    """A band's range in words: 'below 30 nmol/L', '30 to under 50 nmol/L', '125 nmol/L and above'."""
    if lower is None and upper is None:
        return f"any level ({unit})"
    if lower is None:
        return f"below {number(upper)} {unit}"
    if upper is None:
        return f"{number(lower)} {unit} and above"
    return f"{number(lower)} to under {number(upper)} {unit}"


def converted_range(band: Band, unit: str) -> str:
    """The band's range in the other unit, as the reader may have it on a lab report."""
    to = other_unit(unit)
    conv = lambda v: None if v is None else convert(v, unit, to)  # noqa: E731
    return range_text(conv(band.lower), conv(band.upper), to)


def script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _cites(refs: References, keys: Iterable[str]) -> list[dict]:
    return [{"href": f"#ref-{key}", "n": refs.number(key), "label": short_label(refs.sources[key])} for key in keys]


def checker_data(base: EvidenceBase, refs: References) -> dict:
    """Everything the script needs; citation numbers match the page's reference list."""
    sets = []
    for tset in ordered_sets(base):
        sets.append({
            "id": tset.id, "authority": tset.authority, "status": tset.status,
            "statusText": STATUS_TEXT[tset.status], "unit": tset.unit,
            "summary": tset.summary.text, "cites": _cites(refs, tset.summary.sources),
            "bands": [{"label": b.label, "lower": b.lower, "upper": b.upper, "meaning": b.meaning,
                       "range": range_text(b.lower, b.upper, tset.unit), "cites": _cites(refs, b.sources)}
                      for b in ordered_bands(tset)] if tset.status != "no-thresholds" else [],
        })
    return {"factor": NMOL_PER_NG, "units": list(UNITS), "max": PLAUSIBLE_MAX, "near": NEAR, "sets": sets}


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


def set_views(base: EvidenceBase) -> list[SetView]:
    return [SetView(t, ordered_bands(t) if t.status != "no-thresholds" else [], STATUS_TEXT[t.status])
            for t in ordered_sets(base)]


TEMPLATE_GLOBALS = {"range_text": range_text, "converted_range": converted_range, "other_unit": other_unit,
                    "script_json": script_json, "checker_data": checker_data}

