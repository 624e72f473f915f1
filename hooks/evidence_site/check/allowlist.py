"""What a page's content may hold: the allowlist the output gate (render/sanitize.py) enforces and
the content check (markup.py) tells editors about, so both speak of the same elements.

It is what the site's own templates and Material's Markdown extensions write: admonitions,
details, tables, abbreviations, headings with permalinks, the checker's form and the SVG figures.
"""
from __future__ import annotations

import nh3

SVG_TAGS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
            "use", "defs", "clipPath", "pattern", "title", "desc", "symbol", "marker", "linearGradient", "stop"}
FORM_TAGS = {"form", "fieldset", "legend", "label", "input", "button", "select", "option", "output"}
TAGS = set(nh3.ALLOWED_TAGS) | {"section", "main", "abbr", "details", "summary", "figure", "figcaption",
                                "caption", "tfoot"} | SVG_TAGS | FORM_TAGS

GENERIC = {"id", "class", "title", "lang", "dir", "hidden", "role", "tabindex", "data-claim", "data-label", "data-sort"}
SVG_ATTRS = {"viewBox", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height",
             "points", "transform", "clip-path", "fill", "stroke", "stroke-width", "opacity", "focusable",
             "patternUnits", "preserveAspectRatio", "xlink:href", "href", "text-anchor", "offset", "style"}
ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": GENERIC,
    "a": {"href", "hreflang", "rel", "download"},
    "details": {"open"},
    "th": set(nh3.ALLOWED_ATTRIBUTES["th"]) | {"style"},
    "td": set(nh3.ALLOWED_ATTRIBUTES["td"]) | {"style"},
    "img": set(nh3.ALLOWED_ATTRIBUTES["img"]) | {"loading"},
    "ol": {"start", "type", "reversed"},
    "form": {"novalidate"},
    "label": {"for"},
    "input": {"type", "name", "value", "checked", "inputmode", "autocomplete", "spellcheck", "placeholder",
              "disabled", "min", "max", "step", "required"},
    "button": {"type", "disabled"},
    "select": {"name", "disabled"},
    "option": {"value", "selected"},
    "output": {"for", "name"},
    **{tag: SVG_ATTRS for tag in SVG_TAGS},
}
# Style declarations the tables extension (text-align) and the figures (SVG paint) write.
STYLE_PROPERTIES = {"text-align", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity",
                    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "opacity",
                    "font-size", "font-style", "font-weight", "font-family", "text-anchor"}
URL_SCHEMES = {"http", "https", "mailto"}
