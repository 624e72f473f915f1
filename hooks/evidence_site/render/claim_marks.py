"""Mark claims in rendered hand-written pages: a paragraph, list item or table cell that
carries a citation becomes a `data-claim` element, as generated pages already are."""
from __future__ import annotations

from html.parser import HTMLParser

from evidence_site.render import sanitize

CLAIM_TAGS = {"p", "li", "td", "dd", "blockquote"}


class _Finder(HTMLParser):
    """Finds the start offsets of the innermost claim elements that contain a citation."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.stack: list[tuple[str, int, bool]] = []
        self.marked: set[int] = set()

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in CLAIM_TAGS:
            self.stack.append((tag, self._pos(), "data-claim" in attributes))
        if tag == "a" and "citation" in (attributes.get("class") or "").split():
            open_claims = [entry for entry in self.stack]
            if open_claims and not any(has for _, _, has in open_claims):
                self.marked.add(open_claims[-1][1])

    def handle_endtag(self, tag):
        if tag in CLAIM_TAGS:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break


def mark_claims(html: str) -> str:
    """Add data-claim to each innermost p/li/td that holds a citation and is not inside a claim."""
    finder = _Finder(html)
    finder.feed(html)
    finder.close()
    for start in sorted(finder.marked, reverse=True):
        end = html.index(">", start)
        tag_end = end - 1 if html[end - 1] == "/" else end
        html = html[:tag_end] + " data-claim" + html[tag_end:]
    return html


def finish_written_page(html: str) -> str:
    """A hand-written page's content HTML as the site shows it: claim marks, then the one output
    gate. The hook runs it after MkDocs' Markdown; markdown_ext.py after Zensical's."""
    return sanitize.clean(mark_claims(html), trusted=False)
