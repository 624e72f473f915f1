"""`evidence-site render DIR`: the whole site as a plain Markdown docs tree with its own config,
for a site generator that runs no MkDocs hook (Zensical reads mkdocs.yml but runs no hooks).

DIR/mkdocs.yml is the project's config pointed at DIR/docs (every generated page, the
hand-written pages with citations and abbreviations resolved, the assets, the redirects and the
exports) and at DIR/overrides (the theme overrides), without the hook. The pages come from
pipeline.Built.markdown_tree(), the code the hook runs, so the two cannot drift. The tree is
written beside DIR and put in place at the end (export/publish.py): a failed run leaves DIR as
it was.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from evidence_site import pipeline
from evidence_site.check.config import evidence_options
from evidence_site.check.content import content_pages
from evidence_site.errors import EvidenceCheckFailed, EvidenceError
from evidence_site.export import publish

CONFIG = "mkdocs.yml"
THEME_DIR = "hooks/theme"
# Theme overrides that are copies of a Material 9.8.1 partial: Zensical's markup differs (its own
# search box works; this one would show its parts unstyled).
NOT_FOR_ZENSICAL = frozenset({"partials/search.html"})
MARKDOWN_EXTENSION = "evidence_site.render.markdown_ext"  # claim marks and the gate on hand-written pages


def _problem(out: Path, message: str, hint: str) -> EvidenceCheckFailed:
    return EvidenceCheckFailed([EvidenceError(str(out), 1, "render", message, hint)])


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def target_problems(root: Path, out: Path, force: bool) -> None:
    """Refuse a DIR the render must not write: inside what the build reads, the project itself
    or a folder holding it, a file, or a folder with files in it (unless force)."""
    target = out.resolve()
    for name in ("content", "evidence", "hooks"):
        if _inside(target, (root / name).resolve()):
            raise _problem(out, f"is inside {name}/, which the build reads", "choose a folder outside the project's sources, e.g. out/")
    if _inside(root.resolve(), target):
        raise _problem(out, "holds the project itself", "choose a new folder, e.g. out/")
    if target.exists() and not target.is_dir():
        raise _problem(out, "is a file, not a folder", "choose a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise _problem(out, "is not empty", "pass --force to replace what it holds, or choose an empty folder")


def zensical_config(root: Path) -> str:
    """The project's mkdocs.yml for the rendered tree: no hook, docs/ and overrides/ inside DIR."""
    config = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8")) or {}
    config.pop("hooks", None)
    config["docs_dir"], config["site_dir"] = "docs", "site"
    config["markdown_extensions"] = [*(config.get("markdown_extensions") or []), MARKDOWN_EXTENSION]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = "overrides"
    if isinstance(theme, dict) and theme.get("name") == "material":
        theme.setdefault("variant", "classic")  # Zensical's look of Material, which site.css is made for
    if isinstance(theme, dict) and isinstance(theme.get("features"), list):
        # Zensical takes no edit URL from a page, so the theme's edit button of a generated page
        # would open content/<page>.md, which does not exist; its "Edit this record" link is right.
        theme["features"] = [f for f in theme["features"] if f != "content.action.edit"]
    head = ("# Written by `evidence-site render`: the site as plain Markdown, for a generator that runs no\n"
            "# MkDocs hook (e.g. `zensical build`). Edit the project's records and pages, not this tree.\n")
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def render_tree(root: Path, out: Path, force: bool = False) -> tuple[int, tuple[EvidenceError, ...]]:
    """Write the docs tree into out; returns the number of pages and the build's warnings.
    Raises EvidenceCheckFailed."""
    root, out = Path(root), Path(out)
    target_problems(root, out, force)
    config = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8")) or {}
    docs = root / str(config.get("docs_dir", "docs"))
    options = evidence_options((config.get("extra") or {}).get("evidence"), root / CONFIG)
    built = pipeline.build(root / "evidence", docs, directory_urls=config.get("use_directory_urls", True),
                           review_max_age_days=options.review_max_age_days, site_url=config.get("site_url"),
                           links=pipeline.site_links(config.get("repo_url"), config.get("edit_uri")))
    shown = os.path.relpath(docs, root).replace(os.sep, "/")
    written = content_pages(docs, shown)
    staging = publish.staging_dir(out)
    try:
        pages = 0
        for rel, text in built.markdown_tree(written, shown):
            path = staging / "docs" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            pages += rel.endswith(".md")
        for path in sorted(docs.rglob("*")):  # the assets: everything under content/ but the pages
            rel = path.relative_to(docs).as_posix()
            if path.is_file() and not rel.endswith(".md"):
                (staging / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, staging / "docs" / rel)
        if (root / THEME_DIR).is_dir():
            shutil.copytree(root / THEME_DIR, staging / "overrides", ignore=lambda folder, names: [
                name for name in names if Path(folder, name).relative_to(root / THEME_DIR).as_posix() in NOT_FOR_ZENSICAL])
        (staging / CONFIG).write_text(zensical_config(root), encoding="utf-8")
    except BaseException:
        publish.discard(staging)
        raise
    publish.publish(staging, out)  # in place of what out held (--force), at once
    return pages, built.warnings
