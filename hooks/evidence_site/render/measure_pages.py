"""Pages for readers rather than editors: the vitamin D status checker and the figures.

Kept apart from render.py so the reader-facing pages grow without touching the record pages;
the Renderer calls reader_pages() once and each function here makes one Page.
"""
from __future__ import annotations

import evidence_site.render.charts as charts
import evidence_site.render.checker as checker

FIGURES_SRC = "figures/index.md"


def checker_page(renderer):
    src = checker.CHECKER_SRC
    return renderer.page(
        "checker.md.j2", src, "Vitamin D status checker",
        meta={"description": "Check a 25(OH)D blood test result against each authority's vitamin D bands, "
                             "in nmol/L or ng/mL. Works offline; not medical advice."},
        sets=checker.set_views(renderer.base), units=checker.UNITS, factor=checker.NMOL_PER_NG,
        script=checker.asset_link(src, checker.SCRIPT, renderer.directory_urls), **checker.TEMPLATE_GLOBALS)


def figures_page(renderer):
    return renderer.page(
        "figures.md.j2", FIGURES_SRC, "Figures",
        meta={"description": "Charts of serum 25(OH)D before and after supplementation against each authority's "
                             "bands, and of the studies by year and design, with their data tables."},
        figs=charts.figures(renderer.base), checker_src=checker.CHECKER_SRC, number=charts._number)


def reader_pages(renderer) -> list:
    """(path, function making the page) for every reader page of the renderer's evidence base."""
    return [(checker.CHECKER_SRC, lambda: checker_page(renderer)), (FIGURES_SRC, lambda: figures_page(renderer))]
