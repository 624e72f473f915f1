"""One scanner for built HTML pages, shared by the claim check and the link check.

A page is read once: the scanner keeps the stack of open elements (closing any an end tag
skips, as browsers do) and tells each listener about every element it opens, every piece of
text, and every element it closes. Listeners keep what they need on the Element objects
(`data`), so neither check walks the page again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]           # attribute values, '' for a bare attribute
    raw: list[tuple[str, str | None]]  # as written, in order (a repeated attribute stays twice)
    line: int
    data: dict[str, Any] = field(default_factory=dict)  # whatever a listener notes on the element


class Listener(Protocol):
    def opened(self, element: Element, stack: list[Element]) -> None: ...
    def text(self, data: str, stack: list[Element]) -> None: ...
    def closed(self, element: Element, stack: list[Element]) -> None: ...


class Scanner(HTMLParser):
    def __init__(self, listeners: list[Listener]):
        super().__init__(convert_charrefs=True)
        self.listeners, self.stack = listeners, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, void=tag in VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, void=True)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, attrs, self.getpos()[0])
        for listener in self.listeners:
            listener.opened(element, self.stack)
        if void:
            for listener in self.listeners:
                listener.closed(element, self.stack)
        else:
            self.stack.append(element)

    def handle_data(self, data: str) -> None:
        for listener in self.listeners:
            listener.text(data, self.stack)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                while len(self.stack) > i:
                    element = self.stack.pop()
                    for listener in self.listeners:
                        listener.closed(element, self.stack)
                return


def scan(html: str, *listeners: Listener) -> None:
    """Feed one page to the listeners (elements still open at the end are closed)."""
    scanner = Scanner(list(listeners))
    scanner.feed(html)
    scanner.close()
    while scanner.stack:
        element = scanner.stack.pop()
        for listener in scanner.listeners:
            listener.closed(element, scanner.stack)
