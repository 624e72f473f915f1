"""Record errors shown in the browser while previewing: `serve` keeps serving the last good pages
(or the hand-written ones), each with a banner naming every file:line to fix, until the records
check again. An editor who saved a broken record sees why nothing changed where they look."""
from __future__ import annotations

import re
from typing import Sequence

import jinja2

from evidence_site.errors import EvidenceError

_BODY = re.compile(r"<body[^>]*>", re.I)
LIMIT = 50  # a banner, not a report: check prints them all


def banner(problems: Sequence[EvidenceError]) -> str:
    """The banner's HTML; every text in it comes from records and is escaped. (Made only while
    previewing a tree with errors: its own template environment costs nothing that matters.)"""
    env = jinja2.Environment(loader=jinja2.PackageLoader("evidence_site", "render/templates"), autoescape=True)
    return env.get_template("partials/problems_banner.html.j2").render(problems=[str(p) for p in problems], limit=LIMIT)


def with_banner(html: str, problems: Sequence[EvidenceError]) -> str:
    """A built page with the banner first in its body (or first of all, if it has no body tag)."""
    if not problems:
        return html
    found = _BODY.search(html)
    at = found.end() if found else 0
    return html[:at] + banner(problems) + html[at:]
