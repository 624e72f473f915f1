"""The line of each field of a record, found only when a message needs one.

Loading parses a record without its line map (yaml_file.values): a map is one dict entry and
one path tuple per key and list item, a fifth of the parse and, for 24,000 records, tens of
megabytes kept for the whole build, while only the files a check finds a problem in ever need
one. A LineMap parses its file again, with marks, the first time a line is asked of it.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Callable

import evidence_site.load.yaml_file as yamlfile
from evidence_site.errors import EvidenceError


class LineMap(Mapping):
    """{field path: line} of one record file, made on first use from its text (text() gives it)."""

    def __init__(self, text: Callable[[], str], shown: str, paths: dict | None = None) -> None:
        self._text, self._shown, self._paths = text, shown, paths

    @classmethod
    def of_file(cls, path: Path, shown: str, paths: dict | None = None) -> "LineMap":
        """The map of a record file as it is on disk when a line is first asked for. The file
        was read when its record was loaded; read it again only then (a build reads evidence/
        once; under `serve` a changed file is loaded again, with a map of its own)."""
        return cls(lambda: yamlfile.read(path, shown), shown, paths)

    @cached_property
    def _lines(self) -> dict[tuple, int]:
        try:
            return yamlfile.parse(self._text(), self._shown, self._paths)[1]
        except EvidenceError:  # gone or broken since it loaded: its next load says so
            return {(): 1}

    def __getitem__(self, loc: tuple) -> int:
        return self._lines[loc]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __repr__(self) -> str:
        return f"LineMap({self._shown!r})"
