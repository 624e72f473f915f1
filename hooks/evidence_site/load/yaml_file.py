"""Safe YAML reading that remembers the line of every key and list item.

PyYAML's safe loader alone loses line numbers and silently accepts duplicate keys, anchors
(the "billion laughs" alias bomb) and custom tags. Records come from strangers' pull requests,
so we compose the node tree ourselves and build plain Python values from it, refusing anything
a record never needs.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
from typing import Any, Union

import yaml

import evidence_site.load.fast_yaml as fastyaml
from evidence_site.errors import EvidenceError, field_path

MAX_BYTES = 1_000_000
MAX_DEPTH = 20  # records nest a few levels (levels[0].rule.designs[1]); deeper is an attack
_TOO_DEEP = (f"values are nested more than {MAX_DEPTH} levels deep", "records never nest this deep")
Path = tuple[object, ...]
PathLike = Union[str, "os.PathLike[str]"]

_ALLOWED_TAGS = frozenset({
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
})


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


# Open without following a symbolic link and without waiting on a FIFO: then one fstat of the
# open file says whether it is a regular file (four system calls a file; 24,000 files a build).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read(path: PathLike, file: str) -> str:
    """The text of a record file: a regular file (no symlink out of the repository), read no further
    than the size limit (a multi-gigabyte file is refused, not loaded)."""
    try:
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
            raise _not_regular(path, file)
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            raise _not_regular(path, file) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # before open(fd), which refuses a folder in its own words
            os.close(fd)
            raise _not_regular(path, file)
        with open(fd, "rb") as handle:
            # Ask for the size fstat gave (asking for MAX_BYTES allocates a megabyte a file), and
            # read on if the file grew meanwhile.
            raw = handle.read(min(info.st_size, MAX_BYTES) + 1)
            if info.st_size < len(raw) <= MAX_BYTES:
                raw += handle.read(MAX_BYTES + 1 - len(raw))
    except OSError as exc:
        raise EvidenceError(file, 1, "", f"cannot read the file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise _too_big(file, max(info.st_size, len(raw)))
    return decode(raw, file)


def _not_regular(path: PathLike, file: str) -> Exception:
    """Why a record file could not be opened, or is no regular file, as editors are told it."""
    if os.path.islink(path):
        return EvidenceError(file, 1, "", "symbolic links are not allowed", "commit the record file itself")
    if not os.path.isfile(path):
        return EvidenceError(file, 1, "", "not a regular file", "a record is one .yaml file")
    try:  # a regular file that cannot be opened: say why
        with open(path, "rb"):
            pass
    except OSError as exc:
        return exc
    return EvidenceError(file, 1, "", "cannot read the file")


def _too_big(file: str, size: int) -> EvidenceError:
    return EvidenceError(file, 1, "", f"file is {size:,} bytes, more than the limit of {MAX_BYTES:,}",
                         "split it or remove pasted material")


def utf8_text(raw: bytes, file: str, noun: str) -> str:
    """raw as UTF-8 text, or one line naming the line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvidenceError(file, line, "", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                            f"save the {noun} as UTF-8") from None


def decode(raw: bytes, file: str) -> str:
    """Bytes to text, refusing what would surprise an editor later."""
    if len(raw) > MAX_BYTES:
        raise _too_big(file, len(raw))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise EvidenceError(file, 1, "", "file starts with a byte-order mark", "save it as UTF-8 without BOM")
    text = utf8_text(raw, file, "file")
    if not text.strip():
        raise EvidenceError(file, 1, "", "file is empty", "a record is a YAML mapping of fields")
    return text


def parse(text: str, file: str, paths: dict | None = None) -> tuple[dict[str, Any], dict[Path, int]]:
    """Parse one record: returns its mapping and a {field path: line} map.

    paths, shared by the records of one load, makes equal field paths of their line maps one
    tuple object (see _shared); without it the paths of this record alone are shared."""
    node, composed_in_python = _compose(text, file)
    lines: dict[Path, int] = {(): 1}
    ctor = yaml.SafeLoader("")
    try:
        data = _build(node, (), lines, set(), ctor, {} if paths is None else paths)
    except _Refused as r:
        if not composed_in_python and _deeper_than(node, 5 * MAX_DEPTH):
            # What the pure composer would have reported: it overflows the stack this deep.
            raise EvidenceError(file, _too_deep_line(text), "", *_TOO_DEEP) from None
        raise EvidenceError(file, r.line, field_path(r.loc), r.message, r.hint) from None
    finally:
        # A loader refers to itself (its parser's state is a bound method): without dispose it and
        # the node tree it constructed from wait for the cyclic collector, which a one-shot build
        # pauses and then freezes (records/memo.gc_paused), so they would stay until the process exits.
        ctor.dispose()
    return data, lines


def values(text: str, file: str) -> dict[str, Any]:
    """parse() without the line map: the same mapping, or the same error.

    Records are checked by field path and a line is wanted only for a problem, so loading makes
    no line map (one dict entry and path tuple per key and list item: a fifth of the parse);
    a file with a problem is parsed again with parse() (load/lines.py). Anything this builder
    refuses is parsed again by parse() too, which words the error and finds its line."""
    node, _ = _compose(text, file)
    ctor = yaml.SafeLoader("")
    try:
        return _plain(node, 0, set(), ctor)
    except _Refused:
        pass
    finally:
        ctor.dispose()
    return parse(text, file)[0]  # raises the error, with its line


def _compose(text: str, file: str) -> tuple[yaml.MappingNode, bool]:
    """The node tree of a record's text, and whether the pure-Python composer made it; raises
    EvidenceError for text that is not one YAML mapping."""
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
            node = fastyaml.compose(text, fallback=_Loader)  # libyaml does not overflow: see below
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
    return node, loader is not None


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


# Control characters (Cc, except tab and newline) and lone surrogates (Cs): the same set as
# unicodedata.category(ch) in ("Cc", "Cs"), as one pattern, so each value costs one C-level scan.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Field paths as keys of every record's line map, one tuple per distinct path: 24,000 records
# share a few hundred paths, and a tuple each per record would take about 55 MB. The table is
# the caller's (loader.Reading, one per load of evidence/); bounded, for a long-lived server fed
# files with endless distinct keys.
_MAX_PATHS = 100_000


def _shared(path: Path, paths: dict[Path, Path]) -> Path:
    found = paths.get(path)
    if found is None:
        if len(paths) >= _MAX_PATHS:
            return path
        found = paths[path] = path
    return found


_STR_TAG = "tag:yaml.org,2002:str"


def _check_text(text: str, line: int, loc: Path) -> None:
    """Refuse control characters (kept only: tab, newline) and lone surrogates in keys and values.

    YAML lets a double-quoted string spell any of them as an escape; none belongs in a record, a
    NUL or lone surrogate breaks writing the page, and an escape sequence paints terminals.
    """
    found = _CONTROL.search(text)
    if found:
        raise _Refused(line, loc, *_bad_char(found.group()))


def _build(node: yaml.Node, loc: Path, lines: dict[Path, int], seen: set[int], ctor: yaml.SafeLoader,
           paths: dict[Path, Path]) -> Any:
    """The Python value of node, noting in lines the line of every key and list item below it.

    Called once per node of every record (hundreds of thousands for a large base), so the
    common case, a plain string, is handled first and inline."""
    if len(loc) > MAX_DEPTH:
        raise _Refused(node.start_mark.line + 1, loc, *_TOO_DEEP)
    if id(node) in seen:
        raise _Refused(lines.get(loc, node.start_mark.line + 1), loc, *_NO_ALIASES)  # defence in depth: _Loader stops first
    seen.add(id(node))
    tag = node.tag
    if tag == _STR_TAG and node.__class__ is yaml.ScalarNode:  # most values; the constructor would return node.value
        value = node.value
        if _CONTROL.search(value):
            _check_text(value, node.start_mark.line + 1, loc)
        return value
    if tag not in _ALLOWED_TAGS:
        raise _Refused(node.start_mark.line + 1, loc, f"YAML tag '{tag}' is not allowed", "remove the '!' tag")
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, loc, lines, seen, ctor, paths)
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            here = _shared(loc + (i,), paths)
            lines[here] = item.start_mark.line + 1
            out.append(_build(item, here, lines, seen, ctor, paths))
        return out
    return _scalar(node, loc, ctor)


def _scalar(node: yaml.ScalarNode, loc: Path, ctor: yaml.SafeLoader) -> Any:
    """A scalar that is not a plain string: a number, boolean, null or date (or a string whose
    tag a document spelled out)."""
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


def _build_mapping(node: yaml.MappingNode, loc: Path, lines, seen, ctor, paths) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(_line(key_node), loc, "keys must be plain names", "remove '<<' merges and complex keys")
        key = key_node.value
        line = key_node.start_mark.line + 1
        if _CONTROL.search(key):
            _check_text(key, line, loc)
        here = _shared(loc + (key,), paths)
        if key in out:
            raise _Refused(line, here, f"duplicate key '{key}'", f"first given on line {lines[here]}")
        lines[here] = line
        out[key] = _build(value_node, here, lines, seen, ctor, paths)
    return out


def _plain(node: yaml.Node, depth: int, seen: set[int], ctor: yaml.SafeLoader) -> Any:
    """_build without the line map and field paths: the same value, or _Refused (without a
    useful line or path: values() asks _build for those) wherever _build refuses."""
    if depth > MAX_DEPTH or id(node) in seen:
        raise _Refused(0, (), "")
    seen.add(id(node))
    tag = node.tag
    if tag == _STR_TAG and node.__class__ is yaml.ScalarNode:
        if _CONTROL.search(node.value):
            raise _Refused(0, (), "")
        return node.value
    if tag not in _ALLOWED_TAGS:
        raise _Refused(0, (), "")
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(0, (), "")
            key = key_node.value
            if key in out or _CONTROL.search(key):
                raise _Refused(0, (), "")
            out[key] = _plain(value_node, depth + 1, seen, ctor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, depth + 1, seen, ctor) for item in node.value]
    return _scalar(node, (), ctor)
