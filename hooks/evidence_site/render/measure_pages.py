"""Pages for readers rather than editors: a checker per measure, the figures and the glossary.

Kept apart from renderer.py so the reader-facing pages grow without touching the record pages;
the Renderer calls reader_pages() once and each function here makes one Page. What a page is
called and what it says about its measure come from the measure record: a site without
measures has no checker, and its figures page shows only what its studies give.
"""
from __future__ import annotations

import evidence_site.render.charts as charts
import evidence_site.render.checker as checker
from evidence_site.render.glossary import glossary_items

FIGURES_SRC = "figures/index.md"
GLOSSARY_SRC = "glossary/index.md"


def checker_page(renderer, measure):
    src = checker.checker_src(renderer.base, measure)
    text = measure.checker
    title = text.title if text else f"{measure.name} checker"
    description = text.description if text else (
        f"Check a {measure.abbreviation} result against each authority's bands, in "
        f"{' or '.join(u.unit for u in measure.units)}. Works offline; not medical advice.")
    return renderer.page(
        "checker.md.j2", src, title, meta={"description": description},
        measure=measure, sets=checker.set_views(renderer.base, measure), units=[u.unit for u in measure.units],
        canonical=checker.canonical(measure), conversions=measure.units[1:],
        script=checker.asset_link(src, checker.SCRIPT, renderer.directory_urls), **checker.TEMPLATE_GLOBALS)


def figures_page(renderer):
    figs = charts.figures(renderer.base)
    names = " and ".join(section.measure.name for section in figs.measures)
    description = (f"Charts of {names} before and after, per study arm, against each authority's bands, and of "
                   "the studies by year and design, with their data tables." if names else
                   "A chart of the studies by year and design, with its data table.")
    checkers = {m.id: checker.checker_src(renderer.base, m) for m in renderer.base.measures.values()}
    return renderer.page("figures.md.j2", FIGURES_SRC, "Figures", meta={"description": description},
                         figs=figs, checkers=checkers, number=charts._number)


def glossary_page(renderer):
    """Every abbreviation with its expansion and, where the record gives one, its plain explanation."""
    return renderer.page("glossary.md.j2", GLOSSARY_SRC, "Glossary", record=("glossary", renderer.base.glossary.id),
                         meta={"description": "What the abbreviations on this site stand for, in plain words."},
                         items=glossary_items(renderer.base.glossary))


def reader_pages(renderer) -> list:
    """(path, function making the page) for every reader page of the renderer's evidence base."""
    base = renderer.base
    pages = [(checker.checker_src(base, m), lambda m=m: checker_page(renderer, m)) for m in checker.ordered_measures(base)]
    if base.measures or any(base.sources[s.source].year is not None for s in base.studies.values()):
        pages.append((FIGURES_SRC, lambda: figures_page(renderer)))
    if base.glossary is not None and base.glossary.terms:
        pages.append((GLOSSARY_SRC, lambda: glossary_page(renderer)))
    return pages
