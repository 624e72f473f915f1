"""`evidence-site review TOPIC`: record that an editor re-read each statement of a topic against
the evidence computed now.

The command writes `written_for: {level, trials, direction}` into each conclusion of the topic's
file (one flow-style line, replacing an older one), so the stale-statement guard
(derive/statements.py) can tell when the evidence moves on. It edits lines, not the parsed YAML, so
comments and folded text stay as the editor wrote them.
"""
from __future__ import annotations

import json
from pathlib import Path

from evidence_site.derive.levels import compute, stale
from evidence_site.derive.statements import describe
from evidence_site.derive.trials import resolve_trials
from evidence_site.errors import EvidenceError, did_you_mean
from evidence_site.records.evidence_base import EvidenceBase


def written_for_line(indent: str, signature: dict) -> str:
    values = ", ".join(f"{k}: {json.dumps(v) if v is not None else 'null'}" for k, v in signature.items())
    return f"{indent}written_for: {{{values}}}\n"


def review_topic(base: EvidenceBase, evidence_dir: Path, topic_id: str, only: str | None = None) -> list[str]:
    """Write written_for for the topic's conclusions (or one of them); returns one line per conclusion."""
    if topic_id not in base.topics:
        raise EvidenceError("evidence/topics", 0, "topic", f"unknown topic '{topic_id}'", did_you_mean(topic_id, base.topics))
    topic, trials = base.topics[topic_id], resolve_trials(base)
    path = Path(evidence_dir) / "topics" / f"{topic_id}.yaml"  # file_of is for display: it may be relative to elsewhere
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    report, edits = [], []
    for i, conclusion in enumerate(topic.conclusions):
        if only and conclusion.id != only:
            continue
        result = compute(base, conclusion, trials)
        changed = conclusion.written_for is None or stale(conclusion, result)
        report.append(f"{conclusion.id}: {describe(result)}" + (" (updated)" if changed else " (unchanged)"))
        if changed:
            edits.append((i, result.signature()))
    for i, signature in sorted(edits, reverse=True):  # bottom up: earlier line numbers stay right
        _set_written_for(base, topic_id, i, lines, signature)
    if edits:
        path.write_text("".join(lines), encoding="utf-8")
    return report


def _set_written_for(base: EvidenceBase, topic_id: str, i: int, lines: list[str], signature: dict) -> None:
    origin = base.origins[("topics", topic_id)]
    statement = origin.lines.get(("conclusions", i, "statement"))
    existing = origin.lines.get(("conclusions", i, "written_for"))
    if statement is None:
        raise EvidenceError(origin.file, 1, f"conclusions[{i}].statement", "no statement line found", "")
    indent = lines[statement - 1][: len(lines[statement - 1]) - len(lines[statement - 1].lstrip())]
    new = written_for_line(indent, signature)
    if existing is not None:
        if not lines[existing - 1].lstrip().startswith("written_for: {"):
            raise EvidenceError(origin.file, existing, f"conclusions[{i}].written_for",
                                "written_for is not on one line", "write it as written_for: {level: ..., trials: ..., direction: ...}")
        lines[existing - 1] = new
    else:
        lines.insert(statement - 1, new)
