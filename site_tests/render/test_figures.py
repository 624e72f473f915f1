"""Figures: build-time SVG charts with text alternatives and data tables, deterministic output."""
from __future__ import annotations

import re
import shutil

from conftest import FIXTURES
from evidence_site.pipeline import load_base
from evidence_site.render.charts import figures


def test_charts_are_deterministic_accessible_inline_svg(monkeypatch, tmp_path):
    base = load_base(FIXTURES / "mini/evidence")
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", "off")
    first, second = figures(base), figures(base)
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", str(tmp_path))
    assert figures(base) == first and any(tmp_path.rglob("*.svg")) and figures(base) == first  # cached: same bytes
    arm_charts = first.measures[0].arm_charts
    assert [svg for _, svg in arm_charts] == [svg for _, svg in second.measures[0].arm_charts]
    assert first.timeline == second.timeline
    assert [t.id for t, _ in arm_charts] == ["set-a", "set-b", "set-d"]  # no chart for 'no-thresholds'
    for svg in [svg for _, svg in arm_charts] + [first.timeline]:
        assert svg.startswith("<svg ") and 'role="img"' in svg and "<?xml" not in svg and "<metadata" not in svg
        chart_id = re.search(r'id="([^"]+)" role="img"', svg).group(1)
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert "width=" not in svg.split(">", 1)[0]  # scales with the page
        assert "#010203" not in svg and "currentColor" in svg
        assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", arm_charts[0][1]).group(1)
    assert "Author 2020, Vitamin D3: before 50, after 120 nmol/L at 96 weeks" in desc
    assert "Low: below 30 nmol/L" in desc and desc.startswith("Dumbbell chart in nmol/L (ng/mL on the top axis).")
    # ids are unique across the charts of one page
    ids = [i for _, svg in arm_charts for i in re.findall(r'\sid="([^"]+)"', svg)] + re.findall(r'\sid="([^"]+)"', first.timeline)
    assert len(ids) == len(set(ids))


def test_figures_page_has_charts_captions_and_cited_data_tables(mini_site):
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("figures/index.html")
    assert page.count('<figure class="chart-figure"') == 4
    assert page.count("<figcaption>") == 4
    rows = re.findall(r"<tr data-claim>(.*?)</tr>", page, re.S)
    assert len(rows) == 2 + 1 and all('class="citation"' in r for r in rows)
    assert "50 nmol/L" in rows[0] and "120 nmol/L (96 weeks)" in rows[0] and "50 → 120" in rows[0]
    assert "21 ng/mL" in rows[1] and "52.4 → 48.7" in rows[1]
    assert 'href="../studies/paper-a/"' in page
    again = mini_site.build()
    assert again.returncode == 0 and mini_site.html("figures/index.html") == page


def test_figures_page_without_arm_data_or_thresholds_still_builds(mini_site):
    study = mini_site.read("evidence/studies/paper-a.yaml")
    mini_site.write("evidence/studies/paper-a.yaml", study[:study.index("arm_results:")])
    mini_site.remove_threshold_sets()
    result = mini_site.build()
    assert result.returncode == 0, result.stderr
    page = mini_site.html("figures/index.html")
    assert 'id="no-arm-results-level"' in page and page.count('<figure class="chart-figure"') == 1


def test_the_arms_of_one_trial_stay_together_when_a_later_paper_gives_one_of_them(mini_site):
    """A later paper on a trial that reports another arm (its placebo group, say) is drawn beside the
    trial's other arms, not after a trial published in between, and each arm with values has a row."""
    from evidence_site.render.charts import arm_rows

    study = mini_site.read("evidence/studies/paper-a.yaml").replace("aliases: [/old-page]\n", "")
    other = (study.replace("id: paper-a", "id: paper-b").replace("trial: fixture-trial", "trial: other-trial")
             .replace("reviewed: 2026-01-01", "year: 2021\nreviewed: 2026-01-01"))
    later = (study.replace("id: paper-a", "id: paper-c").replace("reviewed: 2026-01-01", "year: 2024\nreviewed: 2026-01-01")
             .replace("arm: Placebo", "arm: Low dose"))
    mini_site.write("evidence/studies/paper-b.yaml", other)
    mini_site.write("evidence/studies/paper-c.yaml", later)
    base = load_base(mini_site.root / "evidence")
    rows = arm_rows(base, base.measures["level"])
    assert [(r.study, r.arm) for r in rows] == [("paper-a", "Vitamin D3"), ("paper-a", "Placebo"),
                                                ("paper-c", "Low dose"), ("paper-b", "Vitamin D3"),
                                                ("paper-b", "Placebo")]
    assert len(rows[0].also) == 1  # paper-c reports the Vitamin D3 arm too: one line, not two
