"""Open data: the evidence base as JSON and CSV, references as BibTeX, RIS and CSL-JSON, and
machine-readable citation metadata for study pages. All output is sorted and deterministic."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Callable, Iterator, Sequence

import bibtexparser
import rispy

from evidence_site.derive.levels import compute
from evidence_site.derive.trials import resolve_trials
from evidence_site.records.evidence_base import EvidenceBase, settings_of
from evidence_site.records.memo import Memo
from evidence_site.records.models import Registry, Source, Study
from evidence_site.render.csl import author_name, locator_links, reference_style
from evidence_site.render.metadata import FILES, SCHEMA_VERSION  # noqa: F401  (the files described on the data page)

# The BibTeX and RIS type of each CSL type (csl.CSL_TYPES gives a source's CSL type).
BIB_TYPES = {"article-journal": "article", "paper-conference": "inproceedings", "thesis": "phdthesis", "book": "book",
             "report": "techreport"}
RIS_TYPES = {"article-journal": "JOUR", "paper-conference": "ABST", "thesis": "THES", "book": "BOOK", "report": "RPRT",
             "document": "GEN", "dataset": "DBASE", "webpage": "ELEC", "post-weblog": "ELEC"}


def _dump(record: Any) -> dict:
    return record.model_dump(mode="json", exclude_none=True)


def _json(value: Any) -> str:
    """Compact JSON: json's fast C encoder only runs without indent (about 10x faster)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"  # never 'Infinity'


def _record_json(record: Any) -> str:
    return json.dumps(_dump(record), ensure_ascii=False, sort_keys=True, allow_nan=False)


def evidence_json(base: EvidenceBase, memo: Memo | None = None) -> str:
    """The text _json() gives the document, written record by record: memo, a preview
    server's, keeps each record's JSON for the next call (10,000 studies take a second to
    encode again); without one nothing is kept (a build that runs once would only hold the
    texts until it exits). json.dumps's default separators are ', ' and ': '."""
    kinds = sorted(base.records.items())  # sort_keys orders the kinds
    records = [r for _, recs in kinds for r in recs.values()]
    texts = iter(memo.each("record json", records, _record_json) if memo else map(_record_json, records))
    parts = [f"{json.dumps(kind, ensure_ascii=False)}: [{', '.join(next(texts) for _ in recs)}]" for kind, recs in kinds]
    return (f'{{"computed_levels": {_json(_computed_levels(base))[:-1]}, "records": {{{", ".join(parts)}}}, '
            f'"schema_version": {json.dumps(SCHEMA_VERSION, ensure_ascii=False)}}}\n')


def _computed_levels(base: EvidenceBase) -> dict[str, dict[str, Any]]:
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
    return levels


# A cell a spreadsheet would read as a formula ('=HYPERLINK(...)', '+1+cmd|...', '@SUM(...)').
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Line breaks and record separators: in RIS a line break starts a new tag ('ER  -' ends a record).
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def csv_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets the usual leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def one_line(text: str) -> str:
    return _BREAKS.sub(" ", text)


def _csv(rows: list[dict[str, Any]], columns: list[str], header: bool = True) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    if header:
        writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    return out.getvalue()


def _per_study(base: EvidenceBase, memo: Memo | None, name: str, columns: list[str],
               rows: Callable[[Study, Source | None], list[dict[str, Any]]]) -> str:
    """A CSV file of rows(study, its source) for every study; with a memo (a preview
    server's), each study's lines are kept while the study and its source are the same objects."""
    studies = [(s, base.sources.get(s.source)) for s in base.studies.values()]
    if memo is None:
        return _csv([row for s, src in studies for row in rows(s, src)], columns)
    lines = [memo.kept(name, (), (s, src), lambda s=s, src=src: _csv(rows(s, src), columns, header=False))
             for s, src in studies]
    return _csv([], columns) + "".join(lines)


STUDY_COLUMNS = ["id", "source", "title", "year", "trial", "country", "design", "quality", "n_initial", "n_final",
                 "population", "interventions", "agents", "comparator", "outcomes", "findings", "reviewed"]
FINDING_COLUMNS = ["study", "number", "text", "sources", "outcome", "direction"]


def _study_row(s: Study, src: Source | None) -> list[dict[str, Any]]:
    return [{"id": s.id, "source": s.source, "title": s.title or src.title, "year": src.year or "",
             "trial": s.trial or "", "country": s.country or "", "design": s.design,
             "quality": s.quality.score if s.quality else "", "n_initial": "" if s.n_initial is None else s.n_initial,
             "n_final": "" if s.n_final is None else s.n_final, "population": s.population or "",
             "interventions": "; ".join(i.name for i in s.interventions),
             "agents": "; ".join(i.agent for i in s.interventions if i.agent),
             "comparator": s.comparator or "", "outcomes": "; ".join(s.outcomes),
             "findings": len(s.findings), "reviewed": s.reviewed.isoformat() if s.reviewed else ""}]


def _finding_rows(s: Study, _src: Source | None) -> list[dict[str, Any]]:
    return [{"study": s.id, "number": n, "text": f.text, "sources": "; ".join(f.sources), "outcome": f.outcome or "",
             "direction": f.direction or ""} for n, f in enumerate(s.findings, 1)]


def studies_csv(base: EvidenceBase, memo: Memo | None = None) -> str:
    return _per_study(base, memo, "studies csv", STUDY_COLUMNS if base.studies else ["id"], _study_row)


def findings_csv(base: EvidenceBase, memo: Memo | None = None) -> str:
    return _per_study(base, memo, "findings csv", FINDING_COLUMNS, _finding_rows)


def _bib_escape(text: str) -> str:
    text = one_line(text)
    for char, repl in (("\\", "\x00"), ("{", "\\{"), ("}", "\\}"), ("&", "\\&"), ("%", "\\%"),
                       ("$", "\\$"), ("#", "\\#"), ("_", "\\_")):
        text = text.replace(char, repl)
    return text.replace("\x00", "\\textbackslash{}")


def _bib_author(author: dict[str, str]) -> str:
    """'Family, Given'; an organisation in braces, so BibTeX never splits it into names."""
    literal = author.get("literal")
    return "{" + _bib_escape(literal) + "}" if literal else _bib_escape(author_name(author))


def _per_source(base: EvidenceBase, memo: Memo | None, name: str, make: Callable[[Source, dict[str, Any]], Any]
                ) -> list[Any]:
    """make(source, its CSL record) for every source in id order; with a memo (a preview
    server's), kept for each source object while the reference style is the same, so a rebuild
    after one edit makes one entry again, not 10,000."""
    style = reference_style(base.memo, settings_of(base))
    sources = list(base.sources.values())
    if memo is None:
        return [make(src, style.item(src)) for src in sources]
    return memo.each(name, sources, lambda src: make(src, style.item(src)), context=style)


# Each entry is written on its own (bibtexparser's default column alignment is off) and the
# entries are joined as bibtexparser joins a library's blocks.
BIB_INDENT, BIB_SEPARATOR = "  ", "\n"


def _bib_layout() -> bibtexparser.BibtexFormat:
    """A fresh format each time: bibtexparser's format object is mutable, so none is shared."""
    layout = bibtexparser.BibtexFormat()
    layout.indent, layout.block_separator = BIB_INDENT, BIB_SEPARATOR
    return layout


def _bib_entry(src: Source, item: dict[str, Any]) -> str:
    """One source's BibTeX entry, written by bibtexparser; values are LaTeX-escaped."""
    article = item["type"] == "article-journal"
    year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
    container = item.get("container-title") or item.get("publisher")
    fields = [("title", item["title"]), ("journal" if article else "howpublished", container),
              ("year", str(year) if year else None), ("volume", item.get("volume")), ("number", item.get("issue")),
              ("pages", item.get("page", "").replace("-", "--")), ("doi", item.get("DOI")),
              ("pmid", item.get("PMID")), ("pmcid", item.get("PMCID")), ("url", item.get("URL")),
              ("note", item.get("note"))]
    values = [bibtexparser.model.Field(name, _bib_escape(value)) for name, value in fields if value]
    if item.get("author"):
        values.insert(0, bibtexparser.model.Field("author", " and ".join(_bib_author(a) for a in item["author"])))
    entry = bibtexparser.model.Entry(BIB_TYPES.get(item["type"], "misc"), item["id"], values)
    # The entry is made here and dropped after: the writer may change it in place rather than copy it.
    stack = bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)
    return bibtexparser.write_string(bibtexparser.Library([entry]), unparse_stack=stack, bibtex_format=_bib_layout())


def bibtex(base: EvidenceBase, memo: Memo | None = None) -> str:
    """Every source's CSL record as a BibTeX entry; memo as for _per_source."""
    return BIB_SEPARATOR.join(_per_source(base, memo, "bibtex", _bib_entry))


def _ris_entry(registries: Sequence[Registry]) -> Callable[[Source, dict[str, Any]], dict[str, Any]]:
    def entry_of(src: Source, item: dict[str, Any]) -> dict[str, Any]:
        year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
        entry: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(item["type"], "GEN"), "id": item["id"],
                                 "title": item["title"]}
        if item.get("author"):
            entry["authors"] = [author_name(a) for a in item["author"]]
        container = item.get("container-title") or item.get("publisher")
        for field, value in (("secondary_title", container), ("year", str(year) if year else None),
                             ("volume", item.get("volume")), ("number", item.get("issue")), ("doi", item.get("DOI"))):
            if value:
                entry[field] = value
        if item.get("page"):
            first, _, last = item["page"].partition("-")
            entry["start_page"] = first
            if last:
                entry["end_page"] = last
        urls = [url for _, url in locator_links(src, registries)]  # every identifier's link, not only the first
        if urls:
            entry["urls"] = urls
        if item.get("PMID"):
            entry["accession_number"] = f"PMID:{item['PMID']}"
        return {key: [one_line(v) for v in value] if isinstance(value, list) else one_line(value)
                for key, value in entry.items()}
    return entry_of


def ris(base: EvidenceBase, memo: Memo | None = None) -> str:
    """Every source as an RIS record, written by rispy one record at a time (kept as for
    _per_source) and numbered here as rispy numbers the records of one file."""
    entry_of = _ris_entry(settings_of(base).registries)
    bodies = _per_source(base, memo, "ris", lambda src, item: _ris_body(entry_of(src, item)))
    return "\n\n".join(f"{n}.\n{body}" for n, body in enumerate(bodies, 1)) + "\n" if bodies else rispy.dumps([])


def _ris_body(entry: dict[str, Any]) -> str:
    """An RIS record as rispy writes it in a file of records, without its number: rispy writes
    each record as 'n.', its lines and a blank line between records (so the text of a file of
    records is made from the kept bodies; a test holds it to rispy.dumps of them all)."""
    return rispy.dumps([entry])[len("1.\n"):-1]


def csl_json(base: EvidenceBase, memo: Memo | None = None) -> str:
    """Every source's CSL-JSON record (the one the other reference exports are made from), as
    _json() writes a list of them, from each record's JSON text (kept as for _per_source)."""
    texts = _per_source(base, memo, "csl json",
                        lambda _src, item: json.dumps(item, ensure_ascii=False, sort_keys=True, allow_nan=False))
    return f"[{', '.join(texts)}]\n"


EXPORTS = {"data/evidence.json": evidence_json, "data/studies.csv": studies_csv, "data/findings.csv": findings_csv,
           "data/references.bib": bibtex, "data/references.ris": ris, "data/references.csl.json": csl_json}


def export_files(base: EvidenceBase, memo: Memo | None = None) -> Iterator[tuple[str, str]]:
    """(path, text) of each export, made one at a time; memo as for evidence_json."""
    for path, make in sorted(EXPORTS.items()):
        yield path, make(base, memo)

