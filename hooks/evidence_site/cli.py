"""The editors' command: `evidence-site check` and `evidence-site schema`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .base import load_base
from .errors import EvidenceCheckFailed
from .schema import write_schemas


def _check(args: argparse.Namespace) -> int:
    try:
        base = load_base(Path(args.evidence))
    except EvidenceCheckFailed as failed:
        for error in failed.errors:
            print(str(error))
        print(f"{len(failed.errors)} problem(s) found.", file=sys.stderr)
        return 1
    for warning in base.warnings:
        print(f"warning: {warning}")
    counts = ", ".join(f"{len(recs)} {kind}" for kind, recs in base.records.items())
    print(f"OK: {counts}.", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace) -> int:
    changed = write_schemas(Path(args.evidence))
    print(f"{len(changed)} schema file(s) updated." if changed else "Schemas are up to date.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evidence-site", description="Check and maintain the evidence records.")
    parser.add_argument("--evidence", default="evidence", help="the evidence folder (default: ./evidence)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate every record and print every problem as file:line: field: message")
    sub.add_parser("schema", help="regenerate the JSON Schemas in evidence/_schemas/")
    args = parser.parse_args(argv)
    return {"check": _check, "schema": _schema}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
