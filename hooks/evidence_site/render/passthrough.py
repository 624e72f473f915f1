"""Generated pages' HTML blocks kept out of Python-Markdown's way.

A generated page is mostly HTML the templates wrote (tables, reference lists, figures) with a few
Markdown headings between. Python-Markdown would parse each of those blocks twice (MkDocs looks
for anchor ids in the raw HTML, md_in_html takes every block apart) only to pass it through
unchanged. So before conversion each top-level block that Python-Markdown passes through as it is
(it starts with a block-level tag at the start of a paragraph and closes it at the end, asks for no
Markdown inside, and holds no comment or declaration) is replaced by a token paragraph, and after
conversion the token is replaced by the block again: the HTML is the same, only cheaper to make.
The ids in the blocks are handed back too, so MkDocs still validates links to them.
"""
from __future__ import annotations

import re
import secrets
from html import unescape

# Python-Markdown passes these through as raw HTML blocks when a paragraph starts with one.
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure",
                        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "nav", "ol", "p",
                        "section", "table", "ul"})
_START = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
_TOKEN = re.compile(r"<p>(evidenceblock[0-9a-f]{16}n[0-9]+x)</p>")
_NAMES = re.compile(r"""<a\s[^>]*?(?<=\s)name="([^"]*)\"""")


class SetAside:
    """The blocks of one page, behind tokens that the page's own text cannot know."""

    def __init__(self, markdown: str) -> None:
        self.blocks: dict[str, str] = {}
        nonce = secrets.token_hex(8)
        chunks = markdown.split("\n\n")
        for i, chunk in enumerate(chunks):
            if _passes_through(chunk):
                token = f"evidenceblock{nonce}n{len(self.blocks)}x"
                self.blocks[token] = chunk.strip("\n")
                chunks[i] = token
        self.markdown = "\n\n".join(chunks) if self.blocks else markdown

    def put_back(self, html: str) -> str:
        """The converted page with each token paragraph replaced by its block, as Python-Markdown
        writes a raw block (followed by a newline; none at the very end, which it strips)."""
        if not self.blocks:
            return html
        last = html.endswith("x</p>") and html.rsplit("<p>", 1)[-1][:-len("</p>")] in self.blocks
        html = _TOKEN.sub(lambda m: self.blocks[m.group(1)] + "\n" if m.group(1) in self.blocks else m.group(0), html)
        return html[:-1] if last else html

    def anchor_ids(self) -> set[str]:
        """The ids (and <a name>s) of the blocks, as MkDocs would have found them in the raw HTML.
        Template text and attribute values are escaped, so ' id="' occurs only as an attribute."""
        blocks = "\n".join(self.blocks.values())
        found = set()
        for attribute in (' id="', '\nid="', '\tid="'):
            at = blocks.find(attribute)
            while at >= 0:
                start = at + len(attribute)
                end = blocks.find('"', start)
                found.add(blocks[start:end])
                at = blocks.find(attribute, end)
        found.update(_NAMES.findall(blocks) if "name=" in blocks else ())
        return {unescape(m) for m in found}


def _passes_through(chunk: str) -> bool:
    start = _START.match(chunk)
    if start is None or start.group(1) not in BLOCK_TAGS:
        return False
    tag = start.group(1)
    body = chunk.rstrip("\n")
    if not body.endswith(f"</{tag}>") or "\n\n" in body or "markdown" in body:
        return False
    if "<!" in body or "<?" in body or "\x02" in body or "\x03" in body or "\t" in body:
        return False
    # Balanced: the closing tag at the end closes the opening one at the start.
    return len(re.findall(rf"<{tag}[\s>]", body)) == body.count(f"</{tag}>")
