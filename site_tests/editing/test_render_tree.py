"""`evidence-site render DIR`, then a Zensical build of DIR: the site without the MkDocs hook.

One render and one Zensical build of the real project for the module (Zensical is a pinned test
dependency); the bad-input tests refuse before anything is built.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import evidence_site.pipeline as site
import evidence_site.verify.links as linkcheck
from conftest import BUILD_ENV, ROOT, run_cli
from evidence_site.check.citation_syntax import mask_code
from evidence_site.check.content import content_pages
from evidence_site.render.claim_marks import mark_claims
from evidence_site.render.links import page_path
from evidence_site.verify.claims import verify_site

SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
ZENSICAL = Path(sys.executable).with_name("zensical")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    """The real project rendered into out/ and built there by Zensical."""
    out = tmp_path_factory.mktemp("render") / "out"
    rendered = run_cli(ROOT, "render", str(out))
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert not (out / "mkdocs.yml").read_text(encoding="utf-8").count("mkdocs_hook")
    built = subprocess.run([str(ZENSICAL), "build"], cwd=out, env=BUILD_ENV, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return out / "site"


@pytest.fixture(scope="module")
def built() -> site.Built:
    return site.build(ROOT / "evidence", ROOT / "content")


def test_zensical_builds_every_study_topic_source_and_agent_page(zensical_site, built):
    base = built.base
    wanted = {kind: [page_path(kind, key) for key in getattr(base, kind)]
              for kind in ("studies", "topics", "sources", "agents")}
    missing = [src for srcs in wanted.values() for src in srcs
               if not (zensical_site / site.output_file(src)).is_file()]
    assert not missing, missing
    assert all(wanted.values())
    # every other generated page, hand-written page, redirect and export too
    others = [*built.pages, *content_pages(ROOT / "content"), *built.extra_files()]
    assert [rel for rel in others if not (zensical_site / site.output_file(rel)).is_file()] == []
    holmoy = (zensical_site / "studies/holmoy-2017/index.html").read_text(encoding="utf-8")
    assert 'name="citation_title"' in holmoy and "<abbr title=" in holmoy  # theme overrides, glossary
    assert re.search(r'<meta name="generator" content="zensical-', holmoy)


def test_the_site_verifier_and_the_link_check_pass_on_the_zensical_build(zensical_site):
    report = verify_site(zensical_site)
    assert report.problems == ()
    assert report.pages > 80 and report.claims > 300
    assert [str(p) for p in linkcheck.check(zensical_site, SITE_URL)] == []


def _content(page: str) -> str:
    return page[page.index("<article"):page.index("</article>")]


def test_hand_written_pages_get_their_claim_marks_from_the_markdown_extension(zensical_site):
    """Zensical runs no hook, so the rendered config names evidence_site.render.markdown_ext: on a
    hand-written page it runs what the hook runs after Markdown (claim marks, the output gate).
    Marking again finds nothing left to mark; generated pages keep the marks the render gave them."""
    cited = 0
    for src, markdown in content_pages(ROOT / "content").items():
        content = _content((zensical_site / site.output_file(src)).read_text(encoding="utf-8"))
        assert mark_claims(content) == content, src
        assert "evidence-site: hand-written page" not in content  # the marker is gone with the comments
        if "[@" in markdown:
            cited += 1
            assert "data-claim" in content and 'class="citation"' in content and 'id="references"' in content, src
    assert cited >= 2
    study = (zensical_site / "studies/holmoy-2017/index.html").read_text(encoding="utf-8")
    assert _content(study).count("data-claim") >= 5


def test_what_zensical_does_not_do_is_exactly_the_tags(zensical_site, built):
    """Zensical 0.0.73 runs no tags plugin: the tags page lists no tag, and a page's tags are
    plain chips, not links to it (Material's tags plugin does both under ProperDocs and MkDocs). The theme's edit button is
    left out of the rendered config: Zensical takes no per-page edit URL, so on a generated page
    it would open a content/ file that does not exist ("Edit this record" on the page is right)."""
    tags = _content((zensical_site / "tags/index.html").read_text(encoding="utf-8"))
    assert 'id="tag:' not in tags and 'class="md-tag"' not in tags
    tagged = [(zensical_site / site.output_file(src)).read_text(encoding="utf-8")
              for src, page in built.pages.items() if "\ntags: [" in page.markdown]
    assert tagged and all('<span class="md-tag">' in page and not re.search(r'<a [^>]*class="md-tag"', page)
                          for page in tagged)
    config = yaml.safe_load((zensical_site.parent / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "content.action.edit" not in config["theme"]["features"]
    assert config["markdown_extensions"][-1] == "evidence_site.render.markdown_ext" and "hooks" not in config


def test_render_refuses_a_folder_inside_content(tmp_path):
    result = run_cli(ROOT, "render", "content/rendered")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        "content/rendered:1: render: is inside content/, which the build reads "
        "(choose a folder outside the project's sources, e.g. out/)"]
    assert not (ROOT / "content" / "rendered").exists()


def test_render_refuses_a_folder_that_is_not_empty_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_cli(ROOT, "render", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.strip() == (f"{out}:1: render: is not empty "
                                     "(pass --force to replace what it holds, or choose an empty folder)")
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_render_refuses_a_file_and_the_project_itself(tmp_path):
    file = tmp_path / "file"
    file.write_text("", encoding="utf-8")
    assert run_cli(ROOT, "render", str(file)).stdout.strip() == f"{file}:1: render: is a file, not a folder (choose a folder)"
    assert run_cli(ROOT, "render", ".", "--force").stdout.strip() == \
        ".:1: render: holds the project itself (choose a new folder, e.g. out/)"


def test_render_with_force_replaces_the_folder_and_a_record_error_writes_nothing(mini_site, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.md").write_text("stale", encoding="utf-8")
    result = run_cli(mini_site.root, "render", str(out), "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "old.md").exists() and (out / "mkdocs.yml").is_file() and (out / "docs/index.md").is_file()
    study = next((mini_site.root / "evidence/studies").glob("*.yaml"))
    study.write_text(study.read_text(encoding="utf-8").replace("design:", "desing:", 1), encoding="utf-8")
    shutil.rmtree(out)
    failed = run_cli(mini_site.root, "render", str(out))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stdout and all(re.match(r"^evidence/\S+:\d+: ", line) for line in failed.stdout.splitlines())
    assert not out.exists()


def _normalised(page: str) -> str:
    """A page's content without what the theme, not the site, puts there differently."""
    match = re.search(r"<article[^>]*>(.*?)</article>", page, re.S)
    text = match.group(1) if match else page  # redirect pages have no article
    text = re.sub(r'<nav class="md-tags".*?</nav>', "", text, flags=re.S)  # tag chips: links or not
    text = re.sub(r'<a id="__skip"[^>]*></a>', "", text)
    text = re.sub(r'<a href="[^"]*" title="Edit this page".*?</a>', "", text, flags=re.S)
    text = re.sub(r">\s+<", "><", text.replace("&para;", "¶"))
    return re.sub(r"\s+", " ", text).strip()


def test_the_zensical_build_shows_what_the_properdocs_build_shows(zensical_site, real_site, capsys):
    """Page by page, the content is the same as in the real (ProperDocs) build, apart from the
    tags page; verify-site counts the same claims and citations in both."""
    pages = sorted(p.relative_to(real_site).as_posix() for p in real_site.rglob("*.html"))
    assert pages == sorted(p.relative_to(zensical_site).as_posix() for p in zensical_site.rglob("*.html"))
    differ = [rel for rel in pages if _normalised((real_site / rel).read_text(encoding="utf-8"))
              != _normalised((zensical_site / rel).read_text(encoding="utf-8"))]
    assert differ == ["tags/index.html"]
    ours, theirs = verify_site(zensical_site), verify_site(real_site)
    assert (ours.pages, ours.claims, ours.citations) == (theirs.pages, theirs.claims, theirs.citations)
    with capsys.disabled():
        print(f"\n[zensical] {len(pages) - len(differ)} of {len(pages)} pages show the same content as the "
              f"ProperDocs build; {ours.claims} claims and {ours.citations} citations in both")


def test_links_of_a_rendered_page_are_relative_to_its_file_and_code_stays_as_typed(built):
    """topics/x.md is served at topics/x/: a link the hook hands MkDocs as `../sources/a/` is
    `sources/a/` from the file's folder, which is how Zensical reads raw HTML links. Index pages
    (served from their own folder), fragments, site paths, other schemes and code are unchanged."""
    text = ('<a href="../sources/a/">a</a> <img src="fig.svg"> <a href="#ref-a">1</a> <a href="/x/">x</a> '
            '<a href="https://doi.org/10.1/x">doi</a> `<a href="../kept/">`')
    from_file = built._from_file("methods.md", text, code_masked=mask_code(text))
    assert from_file == ('<a href="sources/a/">a</a> <img src="methods/fig.svg"> <a href="#ref-a">1</a> <a href="/x/">x</a> '
                         '<a href="https://doi.org/10.1/x">doi</a> `<a href="../kept/">`')
    assert built._from_file("topics/index.md", text) == text
