"""`evidence-site new study|source|claim ID`: a record to fill in, with TODO markers that
`check` refuses until an editor has replaced every one."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from evidence_site.errors import EvidenceError
from evidence_site.records.json_schema import schema_header
from evidence_site.records.kinds import SCAFFOLDS
from evidence_site.records.models import ID_PATTERN


def new_record(evidence_dir: Path, kind: str, key: str, today: dt.date | None = None) -> Path:
    """Write evidence/<kind>/<key>.yaml from its template; refuses bad ids and existing files."""
    folder = SCAFFOLDS[kind]
    path = evidence_dir / folder / f"{key}.yaml"
    shown = f"{evidence_dir.name}/{folder}/{key}.yaml"
    if not re.match(ID_PATTERN, key):
        raise EvidenceError(shown, 1, "id", f"'{key}' is not a valid id",
                            "use lower-case ASCII letters, digits and single hyphens, e.g. 'kampman-2012'")
    if path.exists():
        raise EvidenceError(shown, 1, "", "a record with this id already exists", "choose another id or edit that file")
    template = (Path(__file__).parent / "scaffold" / f"{kind}.yaml").read_text(encoding="utf-8")
    text = template.format(header=schema_header(folder), id=key, today=(today or dt.date.today()).isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

