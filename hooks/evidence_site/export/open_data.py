"""Open data: the evidence base as JSON and CSV, references as BibTeX, RIS and CSL-JSON, and
machine-readable citation metadata for study pages. All output is sorted and deterministic."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterator

import rispy

from evidence_site.derive.levels import compute
from evidence_site.derive.trials import resolve_trials
from evidence_site.records.evidence_base import EvidenceBase, settings_of
from evidence_site.records.memo import Memo
from evidence_site.render.metadata import FILES, SCHEMA_VERSION, real_authors  # noqa: F401  (the files described on the data page)
from evidence_site.render.reference_list import locator_links

BIB_TYPES = {"journal-article": "article", "review": "misc", "conference-abstract": "inproceedings",
             "thesis": "phdthesis", "book": "book", "report": "techreport"}
RIS_TYPES = {"journal-article": "JOUR", "review": "JOUR", "conference-abstract": "ABST", "thesis": "THES",
             "book": "BOOK", "report": "RPRT", "guideline": "GOVDOC", "drug-label": "GEN", "registry": "DBASE",
             "web-page": "ELEC", "web-article": "ELEC"}
CSL_TYPES = {"journal-article": "article-journal", "review": "article-journal", "conference-abstract": "paper-conference",
             "thesis": "thesis", "book": "book", "report": "report", "guideline": "report", "drug-label": "document",
             "registry": "dataset", "web-page": "webpage", "web-article": "post-weblog"}


def split_author(name: str) -> dict[str, str]:
    """'Steffensen LH' → {'family': 'Steffensen', 'given': 'LH'}; organisations stay literal."""
    family, _, given = name.rpartition(" ")
    if family and given.isupper() and len(given) <= 4:
        return {"family": family, "given": given}
    return {"literal": name}


def _dump(record: Any) -> dict:
    return record.model_dump(mode="json", exclude_none=True)


def _json(value: Any) -> str:
    """Compact JSON: json's fast C encoder only runs without indent (about 10x faster)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"  # never 'Infinity'


def evidence_json(base: EvidenceBase, memo: Memo | None = None) -> str:
    """memo, a preview server's, keeps each record's dump for the next call; without one the
    dumps are not kept (a build that runs once would only hold them until it exits)."""
    kinds = list(base.records.items())
    records = [r for _, recs in kinds for r in recs.values()]
    dumps = iter(memo.each("dumps", records, _dump) if memo else [_dump(r) for r in records])  # one call: it keeps what it saw
    records = {kind: [next(dumps) for _ in recs] for kind, recs in kinds}
    levels, trials = {}, resolve_trials(base)  # each trial resolved once, for every conclusion
    for topic in base.topics.values():
        for c in topic.conclusions:
            r = compute(base, c, trials)
            levels[c.id] = {"topic": topic.id, "level": r.level.id if r.level else None,
                            "tier": r.tier.id if r.tier else None, "conflicting": r.conflicting,
                            "direction": r.direction, "trials_at_level": len(r.best),
                            "trials": [t.name for t in r.counted_trials],
                            "observational_studies": [t.name for t in r.observational],
                            "participants": r.participants,
                            "stated_level": c.stated_level.level if c.stated_level else None}
    doc = {"schema_version": SCHEMA_VERSION, "records": records, "computed_levels": levels}
    return _json(doc)


# A cell a spreadsheet would read as a formula ('=HYPERLINK(...)', '+1+cmd|...', '@SUM(...)').
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Line breaks and record separators: in RIS a line break starts a new tag ('ER  -' ends a record).
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def csv_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets the usual leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def one_line(text: str) -> str:
    return _BREAKS.sub(" ", text)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


def studies_csv(base: EvidenceBase) -> str:
    rows = []
    for s in base.studies.values():
        src = base.sources[s.source]
        rows.append({"id": s.id, "source": s.source, "title": s.title or src.title, "year": src.year or "",
                     "trial": s.trial or "", "country": s.country or "", "design": s.design,
                     "quality": s.quality.score if s.quality else "", "n_initial": "" if s.n_initial is None else s.n_initial,
                     "n_final": "" if s.n_final is None else s.n_final, "population": s.population or "",
                     "interventions": "; ".join(i.name for i in s.interventions),
                     "agents": "; ".join(i.agent for i in s.interventions if i.agent),
                     "comparator": s.comparator or "", "outcomes": "; ".join(s.outcomes),
                     "findings": len(s.findings), "reviewed": s.reviewed.isoformat() if s.reviewed else ""})
    return _csv(rows, list(rows[0]) if rows else ["id"])


def findings_csv(base: EvidenceBase) -> str:
    rows = [{"study": s.id, "number": n, "text": f.text, "sources": "; ".join(f.sources), "outcome": f.outcome or "",
             "direction": f.direction or ""} for s in base.studies.values() for n, f in enumerate(s.findings, 1)]
    return _csv(rows, ["study", "number", "text", "sources", "outcome", "direction"])


def _bib_escape(text: str) -> str:
    text = one_line(text)
    for char, repl in (("\\", "\\textbackslash{}"), ("{", "\\{"), ("}", "\\}"), ("&", "\\&"), ("%", "\\%"),
                       ("$", "\\$"), ("#", "\\#"), ("_", "\\_")):
        text = text.replace(char, repl) if char != "\\" else text.replace(char, "\x00")
    return text.replace("\x00", "\\textbackslash{}")


def bibtex(base: EvidenceBase) -> str:
    entries = []
    for key, src in base.sources.items():
        fields = [("author", " and ".join(real_authors(src))), ("title", src.title),
                  ("journal" if src.kind in ("journal-article", "review") else "howpublished", src.container or ""),
                  ("year", str(src.year or "")), ("volume", src.volume or ""), ("number", src.issue or ""),
                  ("pages", (src.pages or "").replace("-", "--")), ("doi", src.doi or ""), ("pmid", src.pmid or ""),
                  ("pmcid", src.pmcid or ""), ("url", src.url or ""), ("note", src.registry or "")]
        body = ",\n".join(f"  {name} = {{{_bib_escape(value)}}}" for name, value in fields if value)
        entries.append(f"@{BIB_TYPES.get(src.kind, 'misc')}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def ris(base: EvidenceBase) -> str:
    items = []
    for key, src in base.sources.items():
        item: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(src.kind, "GEN"), "id": key, "title": src.title}
        if real_authors(src):
            item["authors"] = real_authors(src)
        for field, value in (("secondary_title", src.container), ("year", str(src.year) if src.year else None),
                             ("volume", src.volume), ("number", src.issue), ("doi", src.doi)):
            if value:
                item[field] = value
        if src.pages:
            first, _, last = src.pages.partition("-")
            item["start_page"] = first
            if last:
                item["end_page"] = last
        urls = [url for _, url in locator_links(src, settings_of(base).registries)]
        if urls:
            item["urls"] = urls
        if src.pmid:
            item["accession_number"] = f"PMID:{src.pmid}"
        items.append({key: [one_line(v) for v in value] if isinstance(value, list) else one_line(value)
                      for key, value in item.items()})
    return rispy.dumps(items)


def csl_json(base: EvidenceBase) -> str:
    items = []
    for key, src in base.sources.items():
        item: dict[str, Any] = {"id": key, "type": CSL_TYPES.get(src.kind, "document"), "title": src.title}
        if real_authors(src):
            item["author"] = [split_author(a) for a in real_authors(src)]
        if src.year:
            item["issued"] = {"date-parts": [[src.year]]}
        for field, value in (("container-title", src.container), ("volume", src.volume), ("issue", src.issue),
                             ("page", src.pages), ("DOI", src.doi), ("PMID", src.pmid), ("PMCID", src.pmcid),
                             ("URL", src.url or next((u for _, u in locator_links(src, settings_of(base).registries)), None))):
            if value:
                item[field] = value
        items.append(item)
    return _json(items)


EXPORTS = {"data/evidence.json": evidence_json, "data/studies.csv": studies_csv, "data/findings.csv": findings_csv,
           "data/references.bib": bibtex, "data/references.ris": ris, "data/references.csl.json": csl_json}


def export_files(base: EvidenceBase, memo: Memo | None = None) -> Iterator[tuple[str, str]]:
    """(path, text) of each export, made one at a time; memo as for evidence_json."""
    for path, make in sorted(EXPORTS.items()):
        yield path, evidence_json(base, memo) if make is evidence_json else make(base)

