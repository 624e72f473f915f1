"""The site generator's compiled templates, kept between a preview server's rebuilds.

MkDocs makes a new template environment for each rebuild and would compile every theme
template again; a Jinja bytecode cache that lives in the serve session spares that.
"""
from __future__ import annotations

from jinja2 import BytecodeCache


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates in memory, by template and source checksum (Jinja checks both)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
