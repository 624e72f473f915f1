"""Composing YAML into a node tree quickly: libyaml when PyYAML has it, pure Python otherwise.

yamlfile.py builds records from the node tree (to keep every key's line). Composing is most of
the cost of loading evidence/, and libyaml does it about 10x faster than PyYAML's pure-Python
parser. The pure parser stays for documents libyaml refuses: its messages name the open
construct and its line ("while parsing a flow sequence that starts on line 5"), which editors
are used to, and a bad file is rare enough that parsing it twice costs nothing.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import ScalarNode, SequenceNode

WITH_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
_SAFE = yaml.SafeLoader
assert not _SAFE.yaml_path_resolvers, "the shortcuts below assume the safe loader has no path resolvers"
# The safe loader's implicit resolvers by first character, wildcards appended (as resolve() does).
_IMPLICIT = {first: tuple(resolvers + _SAFE.yaml_implicit_resolvers.get(None, []))
             for first, resolvers in _SAFE.yaml_implicit_resolvers.items() if first is not None}
_WILDCARD = tuple(_SAFE.yaml_implicit_resolvers.get(None, []))

if WITH_LIBYAML:
    class LibyamlSafeLoader(yaml.CSafeLoader):
        """libyaml's parser with the safe loader's tag resolution, minus per-node work it never needs.

        libyaml calls back into Python for every node (resolve, descend/ascend). The safe loader
        has no path resolvers, so descend/ascend do nothing, and resolve() reduces to the lookup
        below: the same tags as BaseResolver.resolve for every input.
        """

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                if implicit[0]:
                    for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
                        if regexp.match(value):
                            return tag
                return _SAFE.DEFAULT_SCALAR_TAG
            return _SAFE.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else _SAFE.DEFAULT_MAPPING_TAG

    LOADERS: tuple[type, ...] = (LibyamlSafeLoader, yaml.SafeLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    LOADERS = (yaml.SafeLoader,)


def compose(text: str, fallback: type = yaml.SafeLoader) -> yaml.Node | None:
    """The node tree of one YAML document (None when empty); raises yaml.YAMLError as PyYAML words it.

    fallback is the pure-Python loader that re-reads a document libyaml refuses, for its messages."""
    for loader_class in LOADERS[:-1] + (fallback,):
        loader = loader_class(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            if loader_class is fallback:
                raise
        finally:
            loader.dispose()
    return None


