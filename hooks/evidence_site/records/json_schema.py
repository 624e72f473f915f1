"""JSON Schemas for editors' IDEs, generated from the models and committed under evidence/_schemas/.

Each record file starts with `# yaml-language-server: $schema=../_schemas/<kind>.schema.json`,
so VS Code (with the YAML extension) and other editors complete and validate while typing.

Beyond what the models say, the schemas list the ids that exist (designs, outcomes, agents,
sources, studies, tags, ...): an id field with only a pattern completes nothing. The ids are
`examples`, not an `enum`, so an id added a minute ago is not marked wrong before the schemas
are written again (`evidence-site check` rewrites them when the ids changed; a test fails when
the committed ones are stale). Optional fields carry no `default: null`, which an IDE would
insert as `population: null`, and every field has a description (see field_help.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from evidence_site.records.field_help import FIELD_HELP
from evidence_site.records.kinds import BY_NAME, KINDS
from evidence_site.records.references import REFERENCES

if TYPE_CHECKING:
    from evidence_site.records.evidence_base import EvidenceBase

# Fields of free text whose existing values are worth offering (a tag spelt two ways splits a search).
VALUE_FIELDS = {"tags": lambda base: {tag for study in base.studies.values() for tag in study.tags}}


def schema_header(kind: str, single: bool = False) -> str:
    prefix = "_schemas" if single else "../_schemas"
    return f"# yaml-language-server: $schema={prefix}/{BY_NAME[kind].schema}.schema.json"


def existing_ids(base: EvidenceBase | None) -> dict[str, list[str]]:
    """Field name → the values that exist for it, sorted: ids for reference fields, tags."""
    if base is None:
        return {}
    scheme = base.scheme
    by_target = {kind: sorted(base.of(kind)) for kind in base.records}
    by_target["designs"] = sorted(d.id for d in scheme.designs) if scheme else []
    by_target["tiers"] = sorted(t.id for t in scheme.tiers) if scheme else []
    out = {field: by_target.get(target, []) for field, target in REFERENCES.items()}
    out.update({field: sorted(values(base)) for field, values in VALUE_FIELDS.items()})
    return {field: ids for field, ids in out.items() if ids}


def schemas(base: EvidenceBase | None = None) -> dict[str, str]:
    """File name → JSON text for every record kind; with a base, its ids are offered as examples."""
    ids = existing_ids(base)
    out = {}
    for kind in KINDS:
        schema = kind.model.model_json_schema()
        for owner in [schema, *schema.get("$defs", {}).values()]:
            for name, prop in owner.get("properties", {}).items():
                _edit_field(name, prop, ids)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{kind.model.__name__} record (evidence/{kind.name}{'.yaml' if kind.single_file else '/*.yaml'})"
        out[f"{kind.schema}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def _edit_field(name: str, prop: dict[str, Any], ids: Mapping[str, list[str]]) -> None:
    """No null snippet, a description, and the existing values of an id field."""
    if prop.get("default", 0) is None:
        del prop["default"]
    branches = [b for b in prop.get("anyOf", []) if b != {"type": "null"}]
    if "anyOf" in prop and len(branches) == 1:
        del prop["anyOf"]
        prop.update({k: v for k, v in branches[0].items() if k not in prop})
    if "description" not in prop and name in FIELD_HELP:
        prop["description"] = FIELD_HELP[name]
    if name in ids:
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        target["examples"] = list(ids[name])


def write_schemas(evidence_dir: Path, base: EvidenceBase | None = None) -> list[str]:
    """Write the schemas; returns the names of files that changed."""
    target = evidence_dir / "_schemas"
    target.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in schemas(base).items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed
