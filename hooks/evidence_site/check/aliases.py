"""Aliases (old URLs of a record) become redirect files in the site: each must be a path no other
file of the site has, so an alias can never replace a page, an asset, an export or a file the
site generator writes (the sitemap, the 404 page)."""
from __future__ import annotations

import posixpath
from typing import AbstractSet

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase


def alias_file(alias: str) -> str:
    """Output file for an alias path such as '/1541' → '1541/index.html'."""
    path = alias.strip("/")
    return posixpath.join(path, "index.html") if path else "index.html"


def alias_problems(base: EvidenceBase, site_files: AbstractSet[str]) -> list[EvidenceError]:
    """site_files: every file the site has besides redirects (see pipeline.site_files). An alias
    may not take the first path segment of any of them: '/disclaimer/' would replace a page,
    '/404.html/' would make a folder where a file goes."""
    tops = {path.split("/", 1)[0] for path in site_files}
    out, seen = [], {}
    for key, study in base.studies.items():
        for i, alias in enumerate(study.aliases):
            file, line = base.where("studies", key, ("aliases", i))
            segments = alias.strip("/").split("/")
            if any(seg in (".", "..", "") for seg in segments) and alias != "/":
                out.append(EvidenceError(file, line, f"aliases[{i}]", f"alias '{alias}' has an empty, '.' or '..' segment",
                                         "give the old URL path exactly, e.g. '/1541'"))
            elif alias == "/" or segments[0] in tops:
                out.append(EvidenceError(file, line, f"aliases[{i}]", f"alias '{alias}' would replace "
                                         f"{_taken(alias, site_files)}, a file of this site",
                                         "aliases are old URLs from other sites"))
            elif alias.rstrip("/") in seen:
                out.append(EvidenceError(file, line, f"aliases[{i}]", f"alias '{alias}' is already used",
                                         f"by study '{seen[alias.rstrip('/')]}'"))
            seen.setdefault(alias.rstrip("/"), key)
    return out


def _taken(alias: str, site_files: AbstractSet[str]) -> str:
    """The file of the site an alias collides with: the one at its own path, else the nearest in its folder."""
    exact = [p for p in (alias_file(alias), alias.strip("/")) if p in site_files]
    top = alias.strip("/").split("/", 1)[0]
    near = sorted((p for p in site_files if p.split("/", 1)[0] == top), key=lambda p: (p.count("/"), p))
    return (exact or near or ["index.html"])[0]
