"""The site's own options (`extra.evidence` in mkdocs.yml), checked like a record.

mkdocs.yml changes through pull requests too, and MkDocs passes `extra` through unchecked: a
quoted number gave a TypeError traceback, other wrong types were silently ignored. Each option
is checked here and refused with one line naming the file, its line and the option.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from evidence_site.errors import EvidenceCheckFailed, EvidenceError, did_you_mean


@dataclass(frozen=True)
class Options:
    """extra.evidence, with defaults for what is not set."""

    review_max_age_days: int = 730


# option → (smallest, largest) value
LIMITS = {"review_max_age_days": (1, 36_500)}


def _line(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def evidence_options(extra: object, config_file: Path) -> Options:
    """The validated options, or EvidenceCheckFailed with one line per wrong value."""
    shown = config_file.name
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    if extra is None:
        return Options()
    if not isinstance(extra, dict):
        raise EvidenceCheckFailed([EvidenceError(shown, _line(text, "evidence"), "extra.evidence",
                                                 "expected a mapping of options", "e.g. review_max_age_days: 730")])
    errors, values = [], {}
    for key, value in extra.items():
        field = f"extra.evidence.{key}"
        if key not in LIMITS:
            errors.append(EvidenceError(shown, _line(text, str(key)), field, f"unknown option '{key}'",
                                        did_you_mean(str(key), LIMITS) or f"options are: {', '.join(LIMITS)}"))
            continue
        low, high = LIMITS[key]
        if isinstance(value, bool) or not isinstance(value, int):
            hint = "write the number without quotes" if isinstance(value, str) else f"e.g. {key}: 730"
            errors.append(EvidenceError(shown, _line(text, key), field, f"expected a whole number, got {value!r}"[:120], hint))
        elif not low <= value <= high:
            errors.append(EvidenceError(shown, _line(text, key), field, f"{value} is out of range",
                                        f"use a number from {low} to {high:,}"))
        else:
            values[key] = value
    if errors:
        raise EvidenceCheckFailed(errors)
    return Options(**values)


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for its `extra` only: MkDocs' own tags (!ENV, !!python/name) become None."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_options(config_file: Path) -> Options:
    """extra.evidence of a config file, for `evidence-site check` (which runs without MkDocs)."""
    if not config_file.is_file():
        return Options()
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return Options()  # MkDocs itself reports a config it cannot read
    extra = config.get("extra") if isinstance(config, dict) else None
    return evidence_options(extra.get("evidence") if isinstance(extra, dict) else None, config_file)
