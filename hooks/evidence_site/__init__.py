"""evidence_site: turns YAML evidence records into cited Markdown pages and data exports.

Plain Python; nothing in this package imports MkDocs (hooks/mkdocs_hook.py adapts it to MkDocs).
The pipeline, one folder per stage, each importing only the stages before it:

    records/  what a record is: models, the kinds table, the evidence base (no I/O)
    load/     evidence/ -> records, or one-line errors
    check/    rules over the whole base and the hand-written pages
    derive/   computed facts: trials, levels, aggregates, history
    render/   the evidence base -> {page path: Markdown}
    export/   files beside the pages: open data, redirects, publishing
    verify/   checks over the built HTML
    serve/    what only `mkdocs serve` uses (no stage imports it)
    editing/  the `evidence-site` command and record scaffolds

pipeline.build() runs load -> check -> derive -> render, and its result writes the exports.
"""
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.pipeline import Built, build

__all__ = ["Built", "EvidenceCheckFailed", "EvidenceError", "build"]
