"""Hand-written pages: every sentence that states a number or an effect must cite a source.

A sentence with a number, a percentage or an effect word and no [@key] citation is an error,
unless its paragraph carries `<!-- not-a-claim -->` (a marker a reviewer sees in the diff).
"""
from __future__ import annotations

import re
from pathlib import Path

from evidence_site.check.citation_syntax import CITATION, mask_code, parse_citation
from evidence_site.check.files import docs_pages
from evidence_site.check.markup import front_matter_problems, html_problems, link_problems
from evidence_site.errors import EvidenceError, did_you_mean
from evidence_site.records.evidence_base import EvidenceBase
from evidence_site.records.references import citing_records

NOT_A_CLAIM = "<!-- not-a-claim -->"
NUMBER = re.compile(r"(?<![\w(/.-])\d+(?:[.,]\d+)*(?:\s?%)?(?![\w(])")
EFFECT = re.compile(r"\b(reduc\w*|improv\w*|increas\w*|decreas\w*|lower(?:s|ed)|rais(?:es|ed)|risks?|"
                    r"prevent\w*|protect\w*|effective|benefit\w*|harm\w*|worsen\w*|slow(?:s|ed)?)\b", re.I)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SKIP_LINE = re.compile(r"^\s*(#|\||<|!!!|\?\?\?|---|```|~~~|\*\*\*|\[@?\w[^\]]*\]:)")


def blocks(markdown: str) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph or list item, skipping headings, code, HTML and tables."""
    masked = mask_code(markdown)
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    raw_lines = markdown.splitlines()
    for number, line in enumerate(masked.splitlines(), 1):
        if NOT_A_CLAIM in raw_lines[number - 1]:
            current, start = current + [NOT_A_CLAIM], start if current else number
            continue
        item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line)
        if not line.strip() or _SKIP_LINE.match(line) or item:
            if current:
                out.append((start, " ".join(current)))
            current = []
            if item:
                current, start = [line[item.end():]], number
            continue
        if not current:
            start = number
        current.append(line.strip())
    if current:
        out.append((start, " ".join(current)))
    return out


def sentences(text: str) -> list[str]:
    """Split on sentence ends; a citation after the full stop belongs to the sentence before."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\[(])", text)
    merged: list[str] = []
    for part in parts:
        if merged and part.startswith("[@"):
            cite_end = part.find("]") + 1
            merged[-1] += " " + part[:cite_end]
            part = part[cite_end:].strip()
            if not part:
                continue
        merged.append(part)
    return merged


def is_claim(sentence: str) -> bool:
    plain = _LINK.sub(r"\1", sentence)
    return bool(NUMBER.search(plain) or EFFECT.search(plain))


def lint_page(markdown: str, shown_file: str, sources) -> list[EvidenceError]:
    """Uncited claims and unknown citation keys of one hand-written page."""
    errors = []
    body = re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group(0).count("\n"), markdown, flags=re.S)
    masked = mask_code(body)
    errors += front_matter_problems(markdown, shown_file) + html_problems(masked, shown_file)
    errors += link_problems(masked, shown_file)
    for match in CITATION.finditer(masked):
        for key, _ in parse_citation(match.group(1)) or []:
            if key not in sources:
                line = masked.count("\n", 0, match.start()) + 1
                errors.append(EvidenceError(shown_file, line, "", f"unknown source '{key}'", did_you_mean(key, sources)))
    for line, text in blocks(body):
        if NOT_A_CLAIM in text:
            continue
        for sentence in sentences(text):
            if is_claim(sentence) and not CITATION.search(sentence):
                line = _line_of(body, sentence, line)
                short = sentence if len(sentence) <= 70 else sentence[:67] + "..."
                errors.append(EvidenceError(shown_file, line, "", f"uncited claim: \"{short}\"",
                                            f"add a citation such as [@source-id], or mark the paragraph {NOT_A_CLAIM}"))
    return errors


def _line_of(body: str, sentence: str, block_line: int) -> int:
    """The line where a sentence starts, searching from its block's first line."""
    lines = body.splitlines()
    words = " ".join(sentence.split()[:3])
    for number in range(block_line, len(lines) + 1):
        if words and words in " ".join(lines[number - 1].split()):
            return number
    return block_line


def content_pages(docs_dir: Path | None, shown: str = "content") -> dict[str, str]:
    """page path (relative to the docs folder) → Markdown, for every hand-written page; refuses a
    docs folder holding links, special files or undecodable pages (see files.py)."""
    return docs_pages(docs_dir, shown)


def cited_keys(markdown: str) -> list[str]:
    masked = mask_code(markdown)
    return sorted({k for m in CITATION.finditer(masked) for k, _ in (parse_citation(m.group(1)) or [])})


def page_title(markdown: str, fallback: str) -> str:
    match = re.search(r"^#\s+(.+)$", markdown, re.M)
    return match.group(1).strip() if match else fallback


def check_content(base: EvidenceBase, pages: dict[str, str], shown_dir: str) -> list[EvidenceError]:
    """Unknown citations and uncited claims in hand-written pages, and sources nothing cites."""
    problems = [e for src, md in pages.items() for e in lint_page(md, f"{shown_dir}/{src}", base.sources)]
    cited = {key for md in pages.values() for key in cited_keys(md)} | set(citing_records(base))
    for key in sorted(set(base.sources) - cited):
        file, line = base.where("sources", key)
        problems.append(EvidenceError(file, line, "", f"source '{key}' is not cited anywhere",
                                      "cite it from a record or page, or remove it", warning=True))
    return problems
