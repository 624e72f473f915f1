"""Generated pages' HTML blocks set aside from Python-Markdown give the same HTML and anchors."""
from __future__ import annotations

import re

import markdown
import pytest
import yaml
from mkdocs.structure.pages import _HTMLHandler

from conftest import FIXTURES, ROOT

from evidence_site.pipeline import load_base
from evidence_site.render.passthrough import SetAside
from evidence_site.render.renderer import render_site


def _converter() -> markdown.Markdown:
    """Python-Markdown with the site's extensions, as mkdocs.yml lists them."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(re.search(r"(?m)^markdown_extensions:\n(?:[ -].*\n)+", text).group(0))
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            configs[name] = options
    return markdown.Markdown(extensions=names, extension_configs=configs)


def _ids(text: str) -> set[str]:
    parser = _HTMLHandler()  # how MkDocs finds the anchors of a page's raw HTML
    parser.feed(text)
    parser.close()
    return parser.present_anchor_ids


@pytest.mark.parametrize("evidence", [ROOT / "evidence", FIXTURES / "mini/evidence"], ids=["site", "mini"])
def test_every_generated_page_converts_to_the_same_html_with_its_blocks_set_aside(evidence):
    md = _converter()
    pages = render_site(load_base(evidence))
    set_aside = 0
    for src, page in pages.items():
        body = page.markdown.split("\n---\n", 1)[1] if page.markdown.startswith("---\n") else page.markdown
        aside = SetAside(body)
        set_aside += len(aside.blocks)
        assert aside.put_back(md.reset().convert(aside.markdown)) == md.reset().convert(body), src
        assert _ids(aside.markdown) | aside.anchor_ids() == _ids(body), src
    assert set_aside > len(pages)  # most of a generated page is such blocks


def test_blocks_python_markdown_would_not_pass_through_unchanged_stay():
    kept = ["<div markdown>*a*</div>", "<div>a\n<!-- note --></div>", "<div>\n<div>a</div>", "<span>a</span>",
            "text <b>x</b>", "<div>a</div>\ntext", "    <div>indented</div>"]
    for chunk in kept:
        assert SetAside(chunk).blocks == {} and SetAside(chunk).markdown == chunk, chunk
    aside = SetAside('<p id="x">a</p>\n\n## H\n\n<div><a name="n" href="#x">b</a></div>\n')
    assert len(aside.blocks) == 2 and aside.anchor_ids() == {"x", "n"}
    assert "evidenceblock" in aside.markdown and "<p" not in aside.markdown and "## H" in aside.markdown
