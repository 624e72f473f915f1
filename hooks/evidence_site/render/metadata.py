"""Machine-readable facts about pages and data: citation_* tags and JSON-LD for study pages, and the
open-data files the data page describes (the export stage writes exactly these files)."""
from __future__ import annotations

import json
from typing import Any, Sequence

from evidence_site.records.models import Registry, Source, Study
from evidence_site.render.csl import author_name, locator_links, real_authors

SCHEMA_VERSION = "2.0"  # 2.0: a study's quality score and the computed trials row were renamed
FILES = {
    "data/evidence.json": "The whole evidence base: every record, plus the computed levels (JSON).",
    "data/studies.csv": "One row per study record (CSV).",
    "data/findings.csv": "One row per numbered finding of every study (CSV).",
    "data/references.bib": "Every source as BibTeX.",
    "data/references.ris": "Every source as RIS (for EndNote, Zotero, Mendeley).",
    "data/references.csl.json": "Every source as CSL-JSON (for citation processors).",
}


def safe_json(value: Any) -> str:
    """JSON that can sit inside an HTML <script> element without ending it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def citation_meta(item: dict[str, Any], study: Study | None = None) -> list[list[str]]:
    """Highwire Press citation_* tags (Google Scholar, Zotero) for a study page, from the source's
    CSL-JSON record (csl.csl_item), the one the exports are made from."""
    tags = [["citation_title", study.title if study and study.title else item["title"]]]
    tags += [["citation_author", author_name(a)] for a in item.get("author", [])]
    year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
    for name, value in (("citation_publication_date", str(year) if year else None),
                        ("citation_journal_title", item.get("container-title")),
                        ("citation_volume", item.get("volume")),
                        ("citation_issue", item.get("issue")), ("citation_doi", item.get("DOI")),
                        ("citation_pmid", item.get("PMID"))):
        if value:
            tags.append([name, value])
    if item.get("page"):
        first, _, last = item["page"].partition("-")
        tags.append(["citation_firstpage", first])
        if last:
            tags.append(["citation_lastpage", last])
    return tags


def study_jsonld(src: Source, study: Study, page_url: str, registries: Sequence[Registry] = ()) -> str:
    """schema.org description of the study page: a page about one scholarly article."""
    article: dict[str, Any] = {"@type": "ScholarlyArticle", "headline": src.title,
                               "author": [{"@type": "Person", "name": a} for a in real_authors(src)],
                               "sameAs": [url for _, url in locator_links(src, registries)]}
    if src.year:
        article["datePublished"] = str(src.year)
    if src.container:
        article["isPartOf"] = {"@type": "Periodical", "name": src.container}
    if src.doi:
        article["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": src.doi}
    doc = {"@context": "https://schema.org", "@type": "WebPage", "name": study.title or src.title,
           "url": page_url, "about": article, "isAccessibleForFree": True}
    if study.reviewed:
        doc["lastReviewed"] = study.reviewed.isoformat()
    return safe_json(doc)
