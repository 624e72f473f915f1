"""Hand-written pages may use Markdown and a small set of HTML; anything that could run is refused.

The build cleans every page's content through one allowlist (render/sanitize.py), so nothing
from content/ can run in a reader's browser whatever this module misses. But an editor should
hear about a `<script>` or a `javascript:` link before the build silently drops it, so `check`
(and the build, which runs the same checks) refuses, one line each: HTML elements outside the
allowlist, event-handler, style and srcdoc attributes (in HTML or in attr_list's `{: ... }`),
links and images whose URL is not http(s), mailto or relative, and front matter that is not
plain text (the theme prints `title`, `tags` and `description` into every page unescaped).
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import yaml

from evidence_site.check.allowlist import TAGS, URL_SCHEMES
from evidence_site.errors import EvidenceError

_ALLOWED = {tag.lower() for tag in TAGS}
_ACTIVE_ATTRS = {"style", "srcdoc", "formaction"}
_URL_ATTRS = {"href", "src", "action", "cite", "data", "poster", "background", "xlink:href", "srcset"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_LOOSE = re.compile(r"[\x00-\x20]+")
_MD_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)", re.M)
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*=[^{}\n]*)\}")
_ATTR_KEY = re.compile(r"""([^\s=#.'"]+)\s*=\s*("[^"]*"|'[^']*'|[^\s}]*)""")
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.S)
_NOT_PLAIN = re.compile(r"""[<>"`\x00-\x08\x0b-\x1f\x7f]""")
_PLAIN_HINT = "front matter is plain text: leave out < > \" and `"


def unsafe_url(url: str) -> str | None:
    """The scheme of a URL that is not http(s), mailto or relative ('javascript'), else None."""
    match = _SCHEME.match(_LOOSE.sub("", html.unescape(url)).lower())
    return match.group(1) if match and match.group(1) not in URL_SCHEMES else None


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _Tags(HTMLParser):
    def __init__(self, shown_file: str):
        super().__init__(convert_charrefs=True)
        self.shown_file, self.errors = shown_file, []

    def _error(self, message: str, hint: str) -> None:
        self.errors.append(EvidenceError(self.shown_file, self.getpos()[0], "html", message, hint))

    def handle_starttag(self, tag, attrs):
        if tag not in _ALLOWED:
            self._error(f"<{tag}> is not allowed in a hand-written page",
                        "write Markdown or allowed HTML; the site's scripts come from the theme and assets/")
            return
        for name, value in attrs:
            if name.startswith("on") or name in _ACTIVE_ATTRS:
                self._error(f"attribute '{name}' on <{tag}> is not allowed", "remove it; use a class for styling")
            elif name in _URL_ATTRS and value and unsafe_url(value):
                self._error(f"{unsafe_url(value)}: URL in <{tag} {name}> is not allowed",
                            "link with http(s), mailto or a relative URL")

    handle_startendtag = handle_starttag


def html_problems(body: str, shown_file: str) -> list[EvidenceError]:
    """Disallowed elements and attributes in a page's raw HTML (code already blanked out)."""
    parser = _Tags(shown_file)
    parser.feed(body)
    parser.close()
    return parser.errors


def link_problems(body: str, shown_file: str) -> list[EvidenceError]:
    """Markdown links, images and reference definitions with an unsafe URL, and attr_list
    blocks that set handlers, styles or URLs."""
    errors = []
    for match in [*_MD_LINK.finditer(body), *_REF_DEF.finditer(body)]:
        scheme = unsafe_url(match.group(1))
        if scheme:
            errors.append(EvidenceError(shown_file, _line(body, match.start(1)), "link", f"{scheme}: links are not allowed",
                                        "link with http(s), mailto or a relative URL"))
    for match in _ATTR_LIST.finditer(body):
        for key, value in _ATTR_KEY.findall(match.group(1)):
            key = key.lower()
            if key.startswith("on") or key in _ACTIVE_ATTRS or (key in _URL_ATTRS and unsafe_url(value.strip("'\""))):
                errors.append(EvidenceError(shown_file, _line(body, match.start()), "attr_list",
                                            f"attribute '{key}' is not allowed", "attr_list may set ids, classes and titles"))
    return errors


def split_front_matter(markdown: str) -> tuple[str, str]:
    """A page's front matter block ('---' lines included; '' when it has none) and its body."""
    match = _FRONT.match(markdown)
    return (match.group(0), markdown[match.end():]) if match else ("", markdown)


def front_matter_problems(markdown: str, shown_file: str) -> list[EvidenceError]:
    """Front matter must parse and hold plain text only."""
    match = _FRONT.match(markdown)
    if not match:
        return []
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        return [EvidenceError(shown_file, line, "front matter", "not valid YAML", "write key: value lines")]
    if not isinstance(meta, dict):
        return [EvidenceError(shown_file, 2, "front matter", "not a mapping of keys to values", "write key: value lines")]
    errors = []
    for key, value in meta.items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, (dict, list)) or (isinstance(text, str) and _NOT_PLAIN.search(text)):
                line = _line(markdown, markdown.find(f"{key}:")) if f"{key}:" in match.group(1) else 2
                errors.append(EvidenceError(shown_file, line, str(key), "markup is not allowed here", _PLAIN_HINT))
                break
    return errors
