"""Safe YAML reading that remembers the line of every key and list item.

PyYAML's safe loader alone loses line numbers and silently accepts duplicate keys, anchors
(the "billion laughs" alias bomb) and custom tags. Records come from strangers' pull requests,
so we compose the node tree ourselves and build plain Python values from it, refusing anything
a record never needs.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from . import fastyaml
from .errors import EvidenceError, field_path

MAX_BYTES = 1_000_000
Path = tuple[object, ...]

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}


class _Refused(Exception):
    def __init__(self, line: int, loc: Path, message: str, hint: str = ""):
        self.line, self.loc, self.message, self.hint = line, loc, message, hint


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def decode(raw: bytes, file: str) -> str:
    """Bytes to text, refusing what would surprise an editor later."""
    if len(raw) > MAX_BYTES:
        raise EvidenceError(file, 1, "", f"file is {len(raw):,} bytes, more than the limit of {MAX_BYTES:,}",
                            "split it or remove pasted material")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise EvidenceError(file, 1, "", "file starts with a byte-order mark", "save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvidenceError(file, line, "", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                            "save the file as UTF-8") from None
    if not text.strip():
        raise EvidenceError(file, 1, "", "file is empty", "a record is a YAML mapping of fields")
    return text


def parse(text: str, file: str) -> tuple[dict[str, Any], dict[Path, int]]:
    """Parse one record: returns its mapping and a {field path: line} map."""
    try:
        node = fastyaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "indent with spaces, not tabs" if "\\t" in problem or "tab" in problem else "check indentation and quoting"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            hint = f"{exc.context.strip()} that starts on line {exc.context_mark.line + 1}; {hint}"
        raise EvidenceError(file, line, "", f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        raise EvidenceError(file, 1, "", f"invalid YAML: {exc}") from None
    if node is None:
        raise EvidenceError(file, 1, "", "file is empty", "a record is a YAML mapping of fields")
    if not isinstance(node, yaml.MappingNode):
        raise EvidenceError(file, _line(node), "", "a record must be a mapping of fields at the top level",
                            "start with 'id: ...'")
    lines: dict[Path, int] = {(): 1}
    try:
        data = _build(node, (), lines, set(), yaml.SafeLoader(""))
    except _Refused as r:
        raise EvidenceError(file, r.line, field_path(r.loc), r.message, r.hint) from None
    return data, lines


def _build(node: yaml.Node, loc: Path, lines: dict[Path, int], seen: set[int], ctor: yaml.SafeLoader) -> Any:
    if id(node) in seen:
        raise _Refused(lines.get(loc, _line(node)), loc, "YAML anchors and aliases are not allowed", "write the value out in full")
    seen.add(id(node))
    if node.tag not in _ALLOWED_TAGS:
        raise _Refused(_line(node), loc, f"YAML tag '{node.tag}' is not allowed", "remove the '!' tag")
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, loc, lines, seen, ctor)
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            lines[loc + (i,)] = _line(item)
            out.append(_build(item, loc + (i,), lines, seen, ctor))
        return out
    if node.tag == "tag:yaml.org,2002:str":  # most values; the constructor would return node.value
        return node.value
    value = ctor.construct_object(node)
    if isinstance(value, dt.datetime):
        raise _Refused(_line(node), loc, "a date-time is not allowed here", "write a date as YYYY-MM-DD")
    return value


def _build_mapping(node: yaml.MappingNode, loc: Path, lines, seen, ctor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(_line(key_node), loc, "keys must be plain names", "remove '<<' merges and complex keys")
        key = key_node.value
        if key in out:
            raise _Refused(_line(key_node), loc + (key,), f"duplicate key '{key}'",
                           f"first given on line {lines[loc + (key,)]}")
        lines[loc + (key,)] = _line(key_node)
        out[key] = _build(value_node, loc + (key,), lines, seen, ctor)
    return out
