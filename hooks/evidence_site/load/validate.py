"""Turn pydantic's validation errors into editor-friendly one-line errors with line numbers."""
from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from evidence_site.errors import EvidenceError, did_you_mean, field_path, non_ascii_hint
from evidence_site.records.evidence_base import line_for  # noqa: F401  (used by translate)
from evidence_site.records.models import UNION_TAGS

_PATTERN_HELP = {
    "pmid": ("is not a PubMed id", "digits only, e.g. '21400196'"),
    "pmcid": ("is not a PubMed Central id", "e.g. 'PMC3165120'"),
    "doi": ("is not a DOI", "write it without https://doi.org/, e.g. '10.1007/s00415-011-5980-6'"),
    "registry": ("is not a registry id", "letters, digits, '.', '_' and '-' only, as the registry writes it"),
    "url": ("is not an http(s) URL", "links must start with https:// or http://"),
    "aliases": ("is not a site path", "an old URL path starting with '/', without spaces, quotes, backslashes, '?' or '#'"),
}
_ID_HELP = ("is not a valid id", "use lower-case ASCII letters, digits and single hyphens, e.g. 'kampman-2012'")


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The nested model class that owns the field at loc (for 'did you mean')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Dig the model class out of Optional[list[Model]] and the like."""
    for arg in typing.get_args(annotation) or ():
        found = _unwrap(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _case_hint(value: Any, pattern: str) -> str:
    """An identifier in the wrong case ('nct00785473'): say how the registry writes it."""
    if isinstance(value, str) and pattern and value != value.upper() and re.fullmatch(pattern, value.upper()):
        return f"write it as the registry does: '{value.upper()}'"
    return ""


def _type_hint(kind: str, value: Any) -> str:
    """YAML guesses types from spelling; say how to spell the intended one."""
    if value is None:
        return "the field is empty: give it a value or delete the line"
    if kind == "string_type" and isinstance(value, bool):
        return "YAML reads yes, no, on, off, true and false as true/false: put the text in quotes"
    if kind == "string_type" and isinstance(value, (int, float)):
        return "put it in quotes to keep it as text"
    if kind in ("int_type", "float_type") and isinstance(value, bool):
        return "YAML reads yes, no, on, off, true and false as true/false: write the number"
    if kind in ("int_type", "float_type") and isinstance(value, str):
        return "write the number without quotes"
    return ""


def translate(exc: ValidationError, model: type[BaseModel], file: str, lines: dict[tuple, int]) -> list[EvidenceError]:
    """One EvidenceError per pydantic error, in the editor's words."""
    out = []
    for err in exc.errors(include_url=False):
        tags = [p for p in err["loc"] if isinstance(p, str) and p in UNION_TAGS]
        loc = tuple(p for p in err["loc"] if p not in tags)  # a union's tag is not a field
        kind, name = err["type"], next((p for p in reversed(loc) if isinstance(p, str)), "")
        message, hint = err["msg"], ""
        if kind == "missing":
            message, hint = "missing required field", f"add '{loc[-1]}:'"
        elif kind == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            message = f"unknown field '{loc[-1]}'"
            hint = did_you_mean(str(loc[-1]), owner.model_fields if owner else [])
        elif kind == "string_pattern_mismatch":
            what, hint = _PATTERN_HELP.get(name, _ID_HELP)
            message = f"{_short(err['input'])} {what}"
            hint = non_ascii_hint(err["input"]) or _case_hint(err["input"], err.get("ctx", {}).get("pattern", "")) or hint
        elif kind == "too_short" and name in ("sources", "details_sources"):
            message, hint = "a claim needs at least one source", "list the id of a source record"
        elif kind == "value_error":  # a model's own rule: its message says what is wrong
            loc = tuple(p for p in loc if p != "[key]")
            reason = err["ctx"]["error"].args  # (what is wrong, how to fix it)
            message, hint = f"{_short(err['input'])} {reason[0]}", (reason[1:] or [""])[0]
        elif kind == "literal_error":
            allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            message = f"{_short(err['input'])} is not one of: {', '.join(allowed)}"
            hint = did_you_mean(str(err["input"]), allowed) if isinstance(err["input"], str) else ""
        elif kind.startswith(("date_", "datetime_")):
            message, hint = f"{_short(err['input'])} is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-22"
        elif kind in ("model_type", "dict_type"):
            message = f"expected a mapping of fields, got {_short(err['input'])}"
            hint = next((UNION_TAGS[t] for t in tags if UNION_TAGS[t]), "")
        elif "input" in err and kind not in ("too_short", "too_long"):
            message = f"{err['msg']}, got {_short(err['input'])}"
            hint = _type_hint(kind, err["input"])
        out.append(EvidenceError(file, line_for(lines, loc), field_path(loc), message, hint))
    return out
