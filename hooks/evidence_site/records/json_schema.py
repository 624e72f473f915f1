"""JSON Schemas for editors' IDEs, generated from the models and committed under evidence/_schemas/.

Each record file starts with `# yaml-language-server: $schema=../_schemas/<kind>.schema.json`,
so VS Code (with the YAML extension) and other editors complete and validate while typing.
A test fails when the committed schemas differ from what the models generate.
"""
from __future__ import annotations

import json
from pathlib import Path

from evidence_site.records.models import KINDS, SINGLE_FILES

SCHEMA_NAMES = {"sources": "source", "studies": "study", "topics": "topic", "agents": "agent",
                "comparisons": "comparison", "thresholds": "threshold-set", "claims": "claim-check",
                "outcomes": "outcome", "schemes": "level-scheme", "glossary": "glossary"}


def schema_header(kind: str, single: bool = False) -> str:
    prefix = "_schemas" if single else "../_schemas"
    return f"# yaml-language-server: $schema={prefix}/{SCHEMA_NAMES[kind]}.schema.json"


def schemas() -> dict[str, str]:
    """File name → JSON text for every record kind."""
    out = {}
    for kind, model in {**KINDS, **SINGLE_FILES}.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{model.__name__} record (evidence/{kind}{'.yaml' if kind in SINGLE_FILES else '/*.yaml'})"
        out[f"{SCHEMA_NAMES[kind]}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def write_schemas(evidence_dir: Path) -> list[str]:
    """Write the schemas; returns the names of files that changed."""
    target = evidence_dir / "_schemas"
    target.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in schemas().items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed
