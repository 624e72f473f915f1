"""Figures rendered at build time as static, deterministic, accessible inline SVG (matplotlib).

No chart script runs in the reader's browser. Each SVG gets role="img", a <title> and a <desc>
that state every number it shows, and scales with the page. Colours that carry no meaning are
drawn in a sentinel colour and turned into `currentColor`, so a chart follows the page's light
or dark scheme; meaning is carried by position, shape, hatching and text, never colour alone.
The same evidence gives byte-identical SVG: fixed hash salt per chart, no date metadata.
"""
from __future__ import annotations

import hashlib
import io
import re
import textwrap
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from evidence_site.derive.trials import trial_key
from evidence_site.load.parse_cache import cache_dir, write_cache_file
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.labels import short_label
from evidence_site.records.models import Measure, ThresholdSet
from evidence_site.render.checker import canonical, convert, ordered_bands, ordered_measures, ordered_sets, range_text

FG = "#010203"  # sentinel: becomes currentColor
BAND_FILLS = [("#9e9e9e", 0.12, ""), ("#9e9e9e", 0.38, "////"), ("#9e9e9e", 0.22, ".."), ("#9e9e9e", 0.50, "\\\\\\\\"),
              ("#9e9e9e", 0.30, "xx"), ("#9e9e9e", 0.55, "--")]
# The SVG's width in points: a phone's column (about 358 px at 390 px) shows it at about 1.27x, so the
# smallest text (SMALL_PT) renders at 11 px or more; site.css caps the width on a desktop.
WIDTH_IN = 3.9
SMALL_PT = 9
FONT = "font-family: 'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"
SHAPES = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p"]


def _cache_dir() -> Path | None:
    """Where rendered charts are kept between builds (EVIDENCE_SITE_CACHE=off disables it)."""
    base = cache_dir()
    return base / "charts" if base else None


def cached(kind: str, data: object, render) -> str:
    """render(), or its earlier output for the same inputs and code: charts are deterministic, and
    importing and running matplotlib costs about a second a build."""
    from importlib.metadata import version

    code = Path(__file__).read_bytes()
    key = hashlib.sha256(repr((kind, data, version("matplotlib"))).encode() + code).hexdigest()
    folder = _cache_dir()
    path = folder / f"{key}.svg" if folder else None
    if path is not None and path.exists():
        return path.read_text(encoding="utf-8")
    svg = render()
    if path is not None:
        write_cache_file(path, svg.encode("utf-8"))  # a read-only home only costs time
    return svg


@dataclass(frozen=True)
class ArmRow:
    """One arm's before/after values, kept in the unit the paper reported and in the measure's
    canonical unit, the one its charts are drawn in."""

    study: str
    label: str  # 'Author 2020'
    arm: str
    unit: str
    before: float | None
    after: float | None
    timepoint: str | None
    sources: tuple[str, ...]
    measure: Measure
    also: tuple[str, ...] = ()  # other papers on the same trial that report this arm: one line, not one per paper

    def canonical(self, value: float | None) -> float | None:
        return None if value is None else convert(value, self.unit, canonical(self.measure), self.measure)


def arm_rows(base: EvidenceBase, measure: Measure) -> list[ArmRow]:
    """One row per arm of each TRIAL for one measure, by study year then study id, in record order.

    Papers on one trial report the same arm; the arm is drawn once, from the first paper (by
    year) that gives it, and the row names the other papers that report it too. The arms of one
    trial stay together, even when a later paper gives one of them: a control arm drawn apart
    from its trial's other arms, under another trial's line, reads as a separate study."""
    rows: dict[tuple[str, str], ArmRow] = {}
    studies = sorted(base.studies.values(), key=lambda s: (study_year(base, s) or 0, s.id))
    for study in studies:
        for r in study.arm_results:
            if (r.before is None and r.after is None) or r.measure != measure.id:
                continue
            label, key = short_label(base.sources[study.source]), (trial_key(study), r.arm)
            if key in rows:
                rows[key] = replace(rows[key], also=rows[key].also + (study.label or label,))
                continue
            rows[key] = ArmRow(study.id, study.label or label, r.arm, r.unit, r.before, r.after,
                               r.timepoint, tuple(r.sources), measure)
    first = {}
    for trial, _ in rows:
        first.setdefault(trial, len(first))
    return [row for _, row in sorted(rows.items(), key=lambda item: first[item[0][0]])]


def study_year(base: EvidenceBase, study) -> int | None:
    """The study's own year, else its source's (a review standing in for a paper has another year)."""
    return study.year if study.year is not None else base.sources[study.source].year


def _number(value: float | None) -> str:
    if value is None:
        return "not reported"
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(fig, chart_id: str, title: str, desc: str) -> str:
    """The figure as inline SVG: no XML prologue or metadata, scalable, labelled for assistive tech."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"evidence-site-{chart_id}", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
                    transparent=True)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"\s*\n\s*", " ", svg).strip()
    svg = svg.replace(FG, "currentColor")
    svg = re.sub(r"font-family: [^;\"]*", FONT, svg)
    # matplotlib names every group (figure_1, axes_1, ...): drop ids nothing refers to, so several
    # charts on one page never repeat an id; clip paths and markers keep theirs (salted per chart).
    used = set(re.findall(r"#([A-Za-z_][\w.-]*)", svg))
    svg = re.sub(r'\sid="([^"]+)"', lambda m: m.group(0) if m.group(1) in used else "", svg)
    head = re.match(r"<svg [^>]*>", svg).group(0)
    view_box = re.search(r'viewBox="([^"]+)"', head).group(1)
    new_head = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                f'viewBox="{view_box}" class="chart" id="{chart_id}" role="img" '
                f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
                f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>')
    return new_head + svg[len(head):]


def _figure(height: float):
    import matplotlib
    matplotlib.use("Agg")
    # Record text is data: '$' must stay a dollar sign, never start mathtext (which can also fail).
    matplotlib.rcParams["text.parse_math"] = False
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
    fig.set_layout_engine("constrained", h_pad=0.04, w_pad=0.04)
    return fig


def _style(ax) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(FG)
    ax.tick_params(colors=FG, labelsize=9.5)
    ax.xaxis.label.set_color(FG)
    ax.yaxis.label.set_color(FG)


def _x_limit(rows: list[ArmRow], tset: ThresholdSet | None, measure: Measure) -> float:
    """Room for every arm and for the set's cut-offs, except a cut-off far beyond the data (one
    more than four times the largest value would squash the arms into the left edge)."""
    values = [v for r in rows for v in (r.canonical(r.before), r.canonical(r.after)) if v is not None]
    top = max(values) if values else 100.0
    if tset is not None:
        unit = canonical(measure)
        cuts = [convert(c, tset.unit, unit, measure) for b in tset.bands for c in (b.lower, b.upper) if c]
        top = max([top] + [c for c in cuts if c <= 4 * top])
    return top * 1.1


def _fits(label: str, span: float, xmax: float) -> bool:
    """Whether a band's label fits inside its shaded span (SMALL_PT italic, about 0.5 em a character)."""
    axes_points = WIDTH_IN * 72 * 0.92
    return len(label) * SMALL_PT * 0.52 + SMALL_PT <= span / xmax * axes_points


def band_legend_text(tset: ThresholdSet) -> list[str]:
    return [f"{b.label}: {range_text(b.lower, b.upper, tset.unit)}" for b in ordered_bands(tset)]


def before_after_chart(rows: list[ArmRow], tset: ThresholdSet | None, chart_id: str, measure: Measure) -> str:
    """A dumbbell per arm (hollow circle before, filled circle after) over one authority's bands,
    in the measure's canonical unit, with its second unit (if any) on the top axis."""
    unit = canonical(measure)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    bands = ordered_bands(tset) if tset is not None else []
    n = len(rows)
    labels = [f"{b.label}: {range_text(b.lower, b.upper, tset.unit)}" for b in bands]
    columns = 2 if all(len(label) <= 24 for label in labels) else 1
    legend_lines = sum(len(textwrap.wrap(label, 40)) for label in labels) + 2
    fig = _figure(1.1 + 0.52 * n + 0.2 * (legend_lines + columns - 1) // columns)
    ax = fig.add_subplot()
    xmax = _x_limit(rows, tset, measure)
    handles = []
    for i, band in enumerate(bands):
        lo = convert(band.lower, tset.unit, unit, measure) if band.lower is not None else 0.0
        hi = convert(band.upper, tset.unit, unit, measure) if band.upper is not None else xmax
        if lo >= xmax:
            hi = lo
        fill, alpha, hatch = BAND_FILLS[i % len(BAND_FILLS)]
        ax.axvspan(lo, min(hi, xmax), facecolor=fill, alpha=alpha, hatch=hatch, edgecolor=FG, linewidth=0)
        if band.lower:
            ax.axvline(lo, color=FG, linewidth=0.7, linestyle=":")
        if _fits(band.label, min(hi, xmax) - lo, xmax):  # label the band where it fits; the legend names all
            ax.text((lo + min(hi, xmax)) / 2, n - 0.15 + 0.17, band.label, ha="center", va="top", fontsize=SMALL_PT,
                    color=FG, style="italic", clip_on=True)
        handles.append(Patch(facecolor=fill, alpha=alpha, hatch=hatch, edgecolor=FG, linewidth=0,
                             label=textwrap.fill(f"{band.label}: {range_text(band.lower, band.upper, tset.unit)}", 40)))
    for i, row in enumerate(rows):
        y = n - 1 - i
        before, after = row.canonical(row.before), row.canonical(row.after)
        if before is not None and after is not None:
            ax.annotate("", xy=(after, y), xytext=(before, y),
                        arrowprops={"arrowstyle": "-|>", "color": FG, "lw": 1.3, "shrinkA": 5, "shrinkB": 5})
        if before is not None:
            ax.plot([before], [y], "o", markersize=8, markerfacecolor="none", markeredgecolor=FG, markeredgewidth=1.5)
        if after is not None:
            ax.plot([after], [y], "o", markersize=8, color=FG)
        ax.text(xmax * 0.01, y + 0.22, f"{row.label}: {row.arm}", fontsize=9.5, color=FG, va="bottom")
    ax.set_xlim(0, xmax)
    ax.set_ylim(-0.55, n - 0.15 + 0.2)
    ax.set_yticks([])
    ax.set_xlabel(f"{measure.name}, {unit}", fontsize=SMALL_PT)
    second = measure.units[1] if len(measure.units) > 1 else None
    if second is not None:
        f = second.factor
        top = ax.secondary_xaxis("top", functions=(lambda x: x / f, lambda x: x * f))
        top.set_xlabel(second.unit, fontsize=SMALL_PT, color=FG)
        top.tick_params(colors=FG, labelsize=SMALL_PT)
        top.spines["top"].set_color(FG)
    _style(ax)
    handles += [Line2D([], [], marker="o", linestyle="none", markerfacecolor="none", markeredgecolor=FG,
                       markeredgewidth=1.5, markersize=7, label="Before"),
                Line2D([], [], marker="o", linestyle="none", color=FG, markersize=7, label="After")]
    legend = fig.legend(handles=handles, loc="outside lower center", ncols=columns, frameon=False, fontsize=SMALL_PT,
                        handlelength=1.6)
    for text in legend.get_texts():
        text.set_color(FG)
    who = f"{tset.authority}'s bands" if tset is not None else "no bands"
    title = f"{measure.name} before and after, per study arm, with {who}"
    parts = [f"{r.label}, {r.arm}: before {_number(r.before)}, after {_number(r.after)} {r.unit}"
             + (f" at {r.timepoint}" if r.timepoint else "") for r in rows]
    axes = f"{unit} ({second.unit} on the top axis)" if second is not None else unit
    desc = (f"Dumbbell chart in {axes}. " +
            (f"Shaded bands of {tset.authority}: {'; '.join(band_legend_text(tset))}. " if bands else "") +
            "Each arm runs from a hollow circle (before) to a filled circle (after): " + "; ".join(parts) + ".")
    return _svg(fig, chart_id, title, desc)


@dataclass(frozen=True)
class TimelineRow:
    study: str
    label: str
    year: int
    design: str
    design_label: str
    participants: int | None


def timeline_rows(base: EvidenceBase) -> list[TimelineRow]:
    labels = {d.id: d.label for d in base.scheme.designs} if base.scheme else {}
    rows = []
    for study in base.studies.values():
        year = study_year(base, study)
        if year is None:
            continue  # listed under the figure by undated_studies(), never dropped silently
        rows.append(TimelineRow(study.id, study.label or short_label(base.sources[study.source]), year, study.design,
                                labels.get(study.design, study.design), study.n_initial))
    return sorted(rows, key=lambda r: (r.year, r.study))


def timeline_chart(base: EvidenceBase, rows: list[TimelineRow], chart_id: str) -> str:
    """Studies by publication year (x) and design (y); marker area grows with participants."""
    order = [d.id for d in base.scheme.designs] if base.scheme else []
    designs = sorted({r.design for r in rows}, key=lambda d: order.index(d) if d in order else len(order))
    fig = _figure(1.0 + 0.55 * len(designs))
    ax = fig.add_subplot()
    seen: dict[tuple[int, str], int] = {}
    years = [r.year for r in rows]
    points: dict[str, tuple[list, list, list]] = {d: ([], [], []) for d in designs}
    for row in rows:
        level = len(designs) - 1 - designs.index(row.design)
        k = seen.get((row.year, row.design), 0)
        seen[(row.year, row.design)] = k + 1
        offset = (0.0, -0.17, 0.15, -0.34, -0.08)[k % 5]  # labels sit above each row
        xs, ys, sizes = points[row.design]
        xs.append(row.year)
        ys.append(level + offset)
        sizes.append(30 + (min(row.participants, 2000) ** 0.5) * 6 if row.participants else 30)
    for i, (xs, ys, sizes) in enumerate(points.values()):  # one call per design: each call rescales the axes
        ax.scatter(xs, ys, s=sizes, marker=SHAPES[i % len(SHAPES)], facecolors="none", edgecolors=FG, linewidths=1.3)
    lo, hi = min(years), max(years)
    ax.set_xlim(lo - 1, hi + 1)
    for i, design in enumerate(designs):  # row labels inside the plot: the chart keeps the full width on a phone
        ax.text(lo - 0.9, len(designs) - 1 - i + 0.3, next(r.design_label for r in rows if r.design == design),
                fontsize=9.5, color=FG, va="bottom")
    ax.set_yticks([])
    ax.set_ylim(-0.6, len(designs) - 0.3 + 0.35)
    from matplotlib.ticker import MaxNLocator, MultipleLocator
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.set_xlabel("Year of publication", fontsize=SMALL_PT)
    ax.grid(axis="x", color=FG, alpha=0.15, linewidth=0.6)
    _style(ax)
    ax.tick_params(axis="x", which="minor", colors=FG, length=2)
    counts = [(d, sum(1 for r in rows if r.design == d)) for d in designs]
    title = f"Studies by year and design: {len(rows)} studies, {lo} to {hi}"
    desc = ("Timeline: each study is a marker at its year of publication, in the row of its design; larger "
            "markers mean more participants. " + "; ".join(
                f"{next(r.design_label for r in rows if r.design == d)}: {c} ("
                + ", ".join(f"{r.label}" + (f", {r.participants} participants" if r.participants else "")
                            for r in rows if r.design == d) + ")" for d, c in counts) + ".")
    return _svg(fig, chart_id, title, desc)


def undated_studies(base: EvidenceBase) -> list:
    """Studies the year figure cannot place: no year on the study or its source."""
    return sorted((s for s in base.studies.values() if study_year(base, s) is None), key=lambda s: s.id)


@dataclass(frozen=True)
class MeasureFigures:
    """The before/after figures of one measure: its arms, and one chart per authority with bands."""

    measure: Measure
    arm_rows: list[ArmRow]
    arm_charts: list[tuple[ThresholdSet | None, str]]


@dataclass(frozen=True)
class Figures:
    measures: list[MeasureFigures]  # one per measure, in the site's order
    timeline_rows: list[TimelineRow]
    timeline: str | None
    undated: list = ()


def measure_figures(base: EvidenceBase, measure: Measure) -> MeasureFigures:
    rows = arm_rows(base, measure)
    sets = [t for t in ordered_sets(base, measure) if t.status != "no-thresholds" and t.bands]
    key = measure.model_dump_json()
    charts = []
    if rows:
        charts = [(t, cached("arms", (rows, key, t.model_dump_json(), f"chart-arms-{t.id}"),
                             lambda t=t: before_after_chart(rows, t, f"chart-arms-{t.id}", measure))) for t in sets] or \
                 [(None, cached("arms", (rows, key, None, f"chart-arms-{measure.id}"),
                                lambda: before_after_chart(rows, None, f"chart-arms-{measure.id}", measure)))]
    return MeasureFigures(measure, rows, charts)


def figures(base: EvidenceBase) -> Figures:
    """Every figure of the Figures page; empty lists when there is nothing to plot."""
    per_measure = [measure_figures(base, m) for m in ordered_measures(base)]
    timeline = timeline_rows(base)
    designs = [d.model_dump_json() for d in base.scheme.designs] if base.scheme else []
    svg = cached("timeline", (timeline, designs), lambda: timeline_chart(base, timeline, "chart-timeline")) if timeline else None
    return Figures(per_measure, timeline, svg, undated_studies(base))
