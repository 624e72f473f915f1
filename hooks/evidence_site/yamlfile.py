"""Safe YAML reading that remembers the line of every key and list item.

PyYAML's safe loader alone loses line numbers and silently accepts duplicate keys, anchors
(the "billion laughs" alias bomb) and custom tags. Records come from strangers' pull requests,
so we compose the node tree ourselves and build plain Python values from it, refusing anything
a record never needs.
"""
from __future__ import annotations

import datetime as dt
import os
import unicodedata
from typing import Any, Union

import yaml

from . import fastyaml
from .errors import EvidenceError, field_path

MAX_BYTES = 1_000_000
MAX_DEPTH = 20  # records nest a few levels (levels[0].rule.designs[1]); deeper is an attack
_TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep", "records never nest this deep")
Path = tuple[object, ...]
PathLike = Union[str, "os.PathLike[str]"]

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that stops at the first alias, where the alias is (the composed node only
    knows where its anchor was): an alias bomb is refused before anything is expanded."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark.line + 1)
        return super().compose_node(parent, index)


class _AliasFound(Exception):
    def __init__(self, line: int):
        self.line = line


_NO_ALIASES = ("YAML anchors and aliases are not allowed", "write the value out in full")


class _Refused(Exception):
    def __init__(self, line: int, loc: Path, message: str, hint: str = ""):
        self.line, self.loc, self.message, self.hint = line, loc, message, hint


def _deeper_than(root: yaml.Node, limit: int) -> bool:
    """Whether the node tree nests more than limit levels (iteratively: no recursion to overflow)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in node.value)
    return False


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def read(path: PathLike, file: str) -> str:
    """The text of a record file: a regular file (no symlink out of the repository), read no further
    than the size limit (a multi-gigabyte file is refused, not loaded)."""
    try:
        if os.path.islink(path):
            raise EvidenceError(file, 1, "", "symbolic links are not allowed", "commit the record file itself")
        if not os.path.isfile(path):
            raise EvidenceError(file, 1, "", "not a regular file", "a record is one .yaml file")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise EvidenceError(file, 1, "", f"cannot read the file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise _too_big(file, max(size, len(raw)))
    return decode(raw, file)


def _too_big(file: str, size: int) -> EvidenceError:
    return EvidenceError(file, 1, "", f"file is {size:,} bytes, more than the limit of {MAX_BYTES:,}",
                         "split it or remove pasted material")


def decode(raw: bytes, file: str) -> str:
    """Bytes to text, refusing what would surprise an editor later."""
    if len(raw) > MAX_BYTES:
        raise _too_big(file, len(raw))
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
    deep = _bracket_depth_line(text)
    if deep:
        raise EvidenceError(file, deep, "", *_TOO_DEEP)
    loader = None
    try:
        if "*" in text or not fastyaml.WITH_LIBYAML:  # an alias is possible: stop at the first one
            loader = _Loader(text)  # checks every character first: may raise ReaderError
            node = loader.get_single_node()
        else:
            yaml.reader.Reader(text)  # the same character check; libyaml then composes ~10x faster
            node = fastyaml.compose(text, fallback=_Loader)
            if node is not None and _deeper_than(node, 5 * MAX_DEPTH):  # libyaml does not overflow
                raise RecursionError
    except _AliasFound as found:
        raise EvidenceError(file, found.line, "", *_NO_ALIASES) from None
    except yaml.reader.ReaderError as exc:
        raise EvidenceError(file, text.count("\n", 0, exc.position) + 1, "", *_bad_char(exc.character)) from None
    except RecursionError:  # the composer recurses once per level; the parser does not
        raise EvidenceError(file, _too_deep_line(text), "", *_TOO_DEEP) from None
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
    finally:
        if loader is not None:
            loader.dispose()
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


def _bad_char(char: object) -> tuple[str, str]:
    code = ord(char) if isinstance(char, str) and len(char) == 1 else 0
    return f"character U+{code:04X} is not allowed", "delete it: records are plain text"


def _bracket_depth_line(text: str, limit: int = 5 * MAX_DEPTH) -> int:
    """Line where unclosed '[' and '{' first pass limit, or 0. PyYAML's scanner takes time
    quadratic in flow nesting (a megabyte of '[' would hang the build), so this cheap count runs
    first; real records have a few brackets, and text in quotes rarely leaves many open."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = 0
    for i, ch in enumerate(text):
        if ch in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, i) + 1
        elif ch in "]}" and depth:
            depth -= 1
    return 0


def _too_deep_line(text: str) -> int:
    """Line where nesting first passes MAX_DEPTH, found with the (non-recursive) event parser."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_DEPTH:
            return event.start_mark.line + 1
    return 1


def _check_text(text: str, line: int, loc: Path) -> None:
    """Refuse control characters (kept only: tab, newline) and lone surrogates in keys and values.

    YAML lets a double-quoted string spell any of them as an escape; none belongs in a record, a
    NUL or lone surrogate breaks writing the page, and an escape sequence paints terminals.
    """
    for ch in text:
        if ch not in "\t\n" and unicodedata.category(ch) in ("Cc", "Cs"):
            raise _Refused(line, loc, *_bad_char(ch))


def _build(node: yaml.Node, loc: Path, lines: dict[Path, int], seen: set[int], ctor: yaml.SafeLoader) -> Any:
    if len(loc) > MAX_DEPTH:
        raise _Refused(_line(node), loc, *_TOO_DEEP)
    if id(node) in seen:
        raise _Refused(lines.get(loc, _line(node)), loc, *_NO_ALIASES)  # defence in depth: _Loader stops first
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
        value = node.value
    else:
        try:
            value = ctor.construct_object(node)
        except ValueError:  # 2026-02-30, or an integer of 5,000 digits
            date = node.tag.endswith(":timestamp")
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            raise _Refused(_line(node), loc, f"'{shown}' is not a valid {'date' if date else 'number'}",
                           "write a real date as YYYY-MM-DD" if date else "quote it if it is text") from None
    if isinstance(value, str):
        _check_text(value, _line(node), loc)
    if isinstance(value, dt.datetime):
        raise _Refused(_line(node), loc, "a date-time is not allowed here", "write a date as YYYY-MM-DD")
    return value


def _build_mapping(node: yaml.MappingNode, loc: Path, lines, seen, ctor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(_line(key_node), loc, "keys must be plain names", "remove '<<' merges and complex keys")
        key = key_node.value
        _check_text(key, _line(key_node), loc)
        if key in out:
            raise _Refused(_line(key_node), loc + (key,), f"duplicate key '{key}'",
                           f"first given on line {lines[loc + (key,)]}")
        lines[loc + (key,)] = _line(key_node)
        out[key] = _build(value_node, loc + (key,), lines, seen, ctor)
    return out
