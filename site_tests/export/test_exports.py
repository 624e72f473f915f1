"""Open-data exports parse with standard tools and round-trip every study and source."""
from __future__ import annotations

import csv
import io
import json
import re

import bibtexparser
import rispy

from conftest import ROOT
from evidence_site.pipeline import load_base

BASE = load_base(ROOT / "evidence")


def read(real_site, name: str) -> str:
    return (real_site / "data" / name).read_text(encoding="utf-8")


def test_json_export_has_a_schema_version_and_every_record(real_site):
    doc = json.loads(read(real_site, "evidence.json"))
    assert doc["schema_version"] == "2.0"
    for kind, records in BASE.records.items():
        assert sorted(r["id"] for r in doc["records"][kind]) == sorted(records), kind
    study = next(r for r in doc["records"]["studies"] if r["id"] == "steffensen-2011")
    assert study["findings"][0]["text"] == BASE.studies["steffensen-2011"].findings[0].text
    conclusions = [c.id for t in BASE.topics.values() for c in t.conclusions]
    assert sorted(doc["computed_levels"]) == sorted(conclusions)


def test_csv_exports_round_trip_studies_and_findings(real_site):
    studies = list(csv.DictReader(io.StringIO(read(real_site, "studies.csv"))))
    assert sorted(row["id"] for row in studies) == sorted(BASE.studies)
    for row in studies:
        study = BASE.studies[row["id"]]
        assert row["design"] == study.design and row["trial"] == (study.trial or "")
        assert row["n_initial"] == ("" if study.n_initial is None else str(study.n_initial))
    findings = list(csv.DictReader(io.StringIO(read(real_site, "findings.csv"))))
    expected = [(s.id, str(n), f.text) for s in BASE.studies.values() for n, f in enumerate(s.findings, 1)]
    assert sorted((r["study"], r["number"], r["text"]) for r in findings) == sorted(expected)


def test_bibtex_parses_and_round_trips_every_source(real_site):
    library = bibtexparser.parse_string(read(real_site, "references.bib"))
    assert not library.failed_blocks
    entries = {entry.key: entry for entry in library.entries}
    assert sorted(entries) == sorted(BASE.sources)
    for key, src in BASE.sources.items():
        title = entries[key].fields_dict["title"].value
        assert re.sub(r"\\(.)", r"\1", title) == src.title
        if src.doi:
            assert entries[key].fields_dict["doi"].value.replace("\\_", "_") == src.doi
        if src.pmid:
            assert entries[key].fields_dict["pmid"].value == src.pmid


def test_ris_parses_and_round_trips_every_source(real_site):
    items = rispy.loads(read(real_site, "references.ris"))
    by_id = {item["id"]: item for item in items}
    assert sorted(by_id) == sorted(BASE.sources)
    for key, src in BASE.sources.items():
        assert by_id[key]["title"] == src.title
        assert by_id[key].get("doi") == src.doi
        if src.pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/" in by_id[key]["urls"]


def test_csl_json_round_trips_every_source(real_site):
    items = {item["id"]: item for item in json.loads(read(real_site, "references.csl.json"))}
    assert sorted(items) == sorted(BASE.sources)
    for key, src in BASE.sources.items():
        assert items[key]["title"] == src.title and items[key].get("DOI") == src.doi


def test_study_pages_carry_citation_meta_and_json_ld(real_site):
    page = (real_site / "studies/steffensen-2011/index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_pmid" content="21400196">' in page
    assert '<meta name="citation_doi" content="10.1007/s00415-011-5980-6">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["about"]["headline"] == BASE.sources["steffensen-2011"].title
    assert data["url"].endswith("/studies/steffensen-2011/")


def test_data_page_links_every_export(real_site):
    page = (real_site / "data/index.html").read_text(encoding="utf-8")
    for name in ("evidence.json", "studies.csv", "findings.csv", "references.bib", "references.ris", "references.csl.json"):
        assert f'href="{name}"' in page and (real_site / "data" / name).exists()


def test_exports_kept_in_a_memo_match_fresh_exports_after_a_source_changes():
    from dataclasses import replace

    from evidence_site.export.open_data import export_files
    from evidence_site.records.memo import Memo

    memo = Memo()
    first = dict(export_files(BASE, memo))
    assert first == dict(export_files(BASE))
    key = next(iter(BASE.sources))
    edited = BASE.sources[key].model_copy(update={"title": "An edited title & more"})
    records = {**BASE.records, "sources": {**BASE.sources, key: edited}}
    changed = replace(BASE, records=records)
    kept = dict(export_files(changed, memo))  # every other source's entry comes from the memo
    assert kept == dict(export_files(changed))
    for name in ("data/references.bib", "data/references.ris", "data/references.csl.json", "data/studies.csv"):
        assert kept[name] != first[name] and "An edited title" in kept[name], name
    study = next(s for s in BASE.studies.values() if s.findings)
    finding = study.findings[0].model_copy(update={"text": "An edited finding, \"quoted\""})
    records = {**changed.records, "studies": {**changed.studies, study.id: study.model_copy(update={"findings": [finding]})}}
    changed = replace(changed, records=records)
    kept = dict(export_files(changed, memo))
    assert kept == dict(export_files(changed)) and 'An edited finding, ""quoted""' in kept["data/findings.csv"]


def test_json_exports_are_the_text_json_writes_and_ris_the_text_rispy_writes():
    """The exports are written record by record (so a preview server can keep each record's
    text): the files must still be exactly what json.dumps and rispy.dumps give for the whole."""
    from dataclasses import replace

    from evidence_site.export import open_data
    from evidence_site.records.evidence_base import settings_of

    no_sources = replace(BASE, records={**BASE.records, "sources": {}})
    for base in (BASE, no_sources):
        for export in (open_data.evidence_json, open_data.csl_json):
            text = export(base)
            assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
        entry_of = open_data._ris_entry(settings_of(base).registries)
        entries = [entry_of(src, item) for src, item in open_data._per_source(base, None, "test", lambda s, i: (s, i))]
        assert open_data.ris(base) == rispy.dumps(entries)
    assert json.loads(open_data.csl_json(no_sources)) == [] and open_data.ris(no_sources) == ""
