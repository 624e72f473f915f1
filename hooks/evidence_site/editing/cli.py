"""The editors' command: `evidence-site check`, `new`, `review`, `schema`, `verify-site` and `render`."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from evidence_site.check.config import read_options
from evidence_site.check.reviews import review_warnings
from evidence_site.derive.history import read_history
from evidence_site.editing.new_record import IDENTIFIERS, new_record
from evidence_site.editing.review import review_topic
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.pipeline import check_project, load_base
from evidence_site.records.json_schema import write_schemas
from evidence_site.records.kinds import SCAFFOLDS
from evidence_site.verify.claims import verify_site


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value (file=...): also ':' and ',', which end a property;
    a file name with ',line=1' would otherwise forge where the annotation points."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _print(problem, fmt: str) -> None:
    """One problem as a plain line, or as a GitHub Actions annotation on the file's line."""
    if fmt == "github":
        level = "warning" if problem.warning else "error"
        message = (f"{problem.field}: " if problem.field else "") + problem.message + (f" ({problem.hint})" if problem.hint else "")
        print(f"::{level} file={_property(problem.file)},line={problem.line},title=evidence check::{_data(message)}")
    else:
        print(f"warning: {problem}" if problem.warning else str(problem))


def _new(args: argparse.Namespace) -> int:
    identifiers = {field: getattr(args, field) for field in IDENTIFIERS}
    try:
        paths = new_record(Path(args.evidence), args.kind, args.id, identifiers=identifiers)
    except EvidenceError as err:
        print(str(err))
        return 1
    for path in paths:
        print(f"Wrote {path}.")
    print("Fill in every TODO (or delete its line), then run: evidence-site check")
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        evidence = Path(args.evidence)
        options = read_options(evidence.resolve().parent / "mkdocs.yml")
        base, _ = check_project(evidence, Path(args.content))
        # What the build reads besides the records, so a tree that passes check builds.
        more = review_warnings(base, options.review_max_age_days, dt.date.today()) + read_history(evidence)[1]
        base = replace(base, warnings=base.warnings + tuple(more))
    except EvidenceCheckFailed as failed:
        for error in failed.errors:
            _print(error, args.format)
        print(f"{len(failed.errors)} problem(s) found.", file=sys.stderr)
        return 1
    for warning in base.warnings:
        _print(warning, args.format)
    changed = write_schemas(Path(args.evidence), base)
    if changed:  # new ids: the editors' completion lists follow
        print(f"Updated {len(changed)} schema file(s) in {args.evidence}/_schemas/ with the current ids.", file=sys.stderr)
    counts = ", ".join(f"{len(recs)} {kind}" for kind, recs in base.records.items())
    print(f"OK: {counts}.", file=sys.stderr)
    return 0


def _review(args: argparse.Namespace) -> int:
    """After re-reading a topic's statements: record the evidence they were written for."""
    try:
        base = load_base(Path(args.evidence))
        report = review_topic(base, Path(args.evidence), args.topic, args.conclusion)
    except EvidenceCheckFailed as failed:
        for error in failed.errors:
            print(error)
        return 1
    except EvidenceError as err:
        print(str(err))
        return 1
    for line in report:
        print(line)
    if args.conclusion and not report:
        print(f"no conclusion '{args.conclusion}' in topic '{args.topic}'")
        return 1
    return 0


def _schema(args: argparse.Namespace) -> int:
    try:
        base, _ = check_project(Path(args.evidence), Path(args.content))
    except EvidenceCheckFailed as failed:
        print(f"{len(failed.errors)} problem(s) found: the schemas list the ids of checked records, "
              "so run `evidence-site check` and fix them first.", file=sys.stderr)
        return 1
    changed = write_schemas(Path(args.evidence), base)
    print(f"{len(changed)} schema file(s) updated." if changed else "Schemas are up to date.")
    return 0


def _verify_site(args: argparse.Namespace) -> int:
    report = verify_site(Path(args.site))
    for problem in report.problems:
        print(problem)
    print(f"Checked {report.claims} claims and {report.citations} citations on {report.pages} pages: "
          f"{len(report.problems)} problem(s).", file=sys.stderr)
    return 1 if report.problems or not report.pages else 0


def _render(args: argparse.Namespace) -> int:
    from evidence_site.editing.docs_tree import render_tree

    try:
        pages, warnings = render_tree(Path(args.evidence).resolve().parent, Path(args.dir), force=args.force)
    except EvidenceCheckFailed as failed:
        for problem in failed.errors:
            print(str(problem))
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Wrote {pages} pages and {args.dir}/mkdocs.yml; build them with: cd {args.dir} && zensical build")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evidence-site", description="Check and maintain the evidence records.")
    parser.add_argument("--evidence", default="evidence", help="the evidence folder (default: ./evidence)")
    parser.add_argument("--content", default="content", help="hand-written pages to lint (default: ./content)")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate every record and print every problem as file:line: field: message")
    check.add_argument("--format", choices=["text", "github"], default="text",
                       help="github: print GitHub Actions annotations that show on the pull request's lines")
    new = sub.add_parser("new", help="write a new record from a template with TODO markers to fill in")
    new.add_argument("kind", choices=sorted(SCAFFOLDS))
    new.add_argument("id", help="the new record's id, e.g. kampman-2012")
    for field, (_, _, example) in IDENTIFIERS.items():
        new.add_argument(f"--{field}", help=f"the source's {field} as the primary record gives it, e.g. {example}")
    review = sub.add_parser("review", help="after re-reading a topic's statements, record the computed evidence "
                                           "they were written for (written_for)")
    review.add_argument("topic", help="the topic's id: its file name in evidence/topics/ without .yaml")
    review.add_argument("--conclusion", help="review only this conclusion")
    sub.add_parser("schema", help="regenerate the JSON Schemas in evidence/_schemas/")
    verify = sub.add_parser("verify-site", help="check every claim in a built site cites a reference with a locator")
    verify.add_argument("site", nargs="?", default="site")
    render = sub.add_parser("render", help="write the whole site as a plain Markdown docs tree with its mkdocs.yml, "
                                           "for a generator that runs no hook (Zensical)")
    render.add_argument("dir", help="an empty folder outside content/ and evidence/, e.g. out/")
    render.add_argument("--force", action="store_true", help="replace what DIR holds")
    args = parser.parse_args(argv)
    return {"check": _check, "schema": _schema, "verify-site": _verify_site, "new": _new,
            "review": _review, "render": _render}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
