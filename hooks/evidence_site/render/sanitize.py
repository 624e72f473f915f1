"""The one output gate: the content HTML of every page, generated or hand-written, is cleaned here.

Editors change the site through pull requests, and a pull request can change any file, so the
HTML of a page's content is never trusted for what it says: it passes through Ammonia (nh3), an
allowlist sanitiser, configured (check/allowlist.py) for what the site's own templates and
Material's Markdown extensions write. No script, iframe, object or style element, no event-handler
attribute, no srcdoc, and only http(s), mailto and relative URLs survive.

The site's own scripts are allowed by where they come from: the theme and assets/ load them
outside the content, and a generated page (whose text is all escaped by the templates) may hand
its data block (`<script type="application/json">`) and a script from the site's assets through
`trusted=True`. Those blocks are set aside before cleaning behind a random token that page text
cannot know, and put back after; a hand-written page never gets that.
"""
from __future__ import annotations

import re
import secrets
from types import MappingProxyType

import nh3

from evidence_site.check.allowlist import ATTRIBUTES, STYLE_PROPERTIES, TAGS, URL_SCHEMES

_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                       generic_attribute_prefixes={"aria-"}, filter_style_properties=STYLE_PROPERTIES,
                       strip_comments=True)
# A style value that loads something (url() other than a figure's own #pattern, image-set()) or
# hides a character behind a CSS escape.
_LOADING_STYLE = re.compile(r"""\sstyle="[^"]*(?:url\((?!&quot;#[\w-]+&quot;\))|image-set|image\(|expression|@import|\\)"""
                            r"""[^"]*\"""", re.I)
# What a generated page may carry past the gate: its JSON data block, a script from the site's own
# assets (a relative URL, no scheme), and matplotlib's one-rule stylesheet inside a figure.
_TRUSTED = re.compile(r"""<script type="application/(?:ld\+)?json"(?: id="[\w-]+")?>[^<]*</script>"""
                      r"""|<script src="(?:\.\./)*assets/[\w./-]+\.js"(?: defer)?></script>"""
                      r"""|<style type="text/css">[*{}a-z:; -]*</style>""")


# The attributes our templates write bare, as nh3 serialises them ('data-claim=""'), inside a tag:
# in serialised text '>' is always '&gt;' and '"' never follows '=' inside a quoted value, so
# "followed by '>' before any '<'" holds only for an attribute.
_BARE = re.compile(r' (data-claim|hidden|novalidate|checked|open|defer|disabled|selected|required|reversed)=""(?=[^<]*>)')


def clean(html: str, trusted: bool = False) -> str:
    """The HTML with everything outside the allowlist removed. trusted (generated pages only)
    keeps the site's own data blocks and asset scripts, matched exactly."""
    blocks: dict[str, str] = {}
    if trusted:
        nonce = secrets.token_hex(16)

        def set_aside(match: re.Match) -> str:
            token = f"trusted{nonce}n{len(blocks)}x"
            blocks[token] = match.group(0)
            return token
        html = _TRUSTED.sub(set_aside, html)
    out = _BARE.sub(r" \1", _LOADING_STYLE.sub("", _CLEANER.clean(html)))  # as the templates write them
    for token, block in blocks.items():
        out = out.replace(token, block, 1)
    return out


_TEXT_ESCAPES = MappingProxyType(str.maketrans({"<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;"}))


def inert_text(text: str) -> str:
    """Text that the theme prints without escaping (page and heading titles), made inert: MkDocs
    has already stripped tags and kept entities, so '&' stays as it is."""
    return text.translate(_TEXT_ESCAPES)
