"""JSON Schemas for editors' IDEs, generated from the models and committed under evidence/_schemas/.

Each record file starts with `# yaml-language-server: $schema=../_schemas/<kind>.schema.json`,
so VS Code (with the YAML extension) and other editors complete and validate while typing.
A test fails when the committed schemas differ from what the models generate.
"""
from __future__ import annotations

import json
from pathlib import Path

from evidence_site.records.kinds import BY_NAME, KINDS


def schema_header(kind: str, single: bool = False) -> str:
    prefix = "_schemas" if single else "../_schemas"
    return f"# yaml-language-server: $schema={prefix}/{BY_NAME[kind].schema}.schema.json"


def schemas() -> dict[str, str]:
    """File name → JSON text for every record kind."""
    out = {}
    for kind in KINDS:
        schema = kind.model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{kind.model.__name__} record (evidence/{kind.name}{'.yaml' if kind.single_file else '/*.yaml'})"
        out[f"{kind.schema}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
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
