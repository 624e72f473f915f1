#!/usr/bin/env python3
"""Lighthouse scores for pages of the built site, in Debian's chromium, on 127.0.0.1.

    python3 tasks.py lighthouse [PAGE ...]      # default: the first study page and the checker

A report, not a test: it prints each category's score (the targets: accessibility, best
practices and SEO 100, performance at least 95) and every audit that lost points. It builds
the site into a temporary folder, serves it on a free loopback port and runs the npm package
`lighthouse` from tools/lighthouse/node_modules (mobile emulation, simulated throttling).
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host does (GitHub Pages, Netlify): text is sent gzip-compressed."""

    COMPRESS = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() or path.suffix not in self.COMPRESS:
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)


def build(out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600")}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT, env=env, check=True)


def default_pages(site: Path) -> list[str]:
    studies = sorted(p.parent.name for p in (site / "studies").glob("*/index.html"))
    return ([f"studies/{studies[0]}/"] if studies else []) + ["checker/"]


def audit(url: str, report: Path) -> dict:
    cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", f"--chrome-flags={FLAGS}",
           f"--only-categories={','.join(CATEGORIES)}", "--quiet", "--no-enable-error-reporting"]
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROME})
    return json.loads(report.read_text(encoding="utf-8"))


def summary(result: dict) -> tuple[dict[str, int], list[str]]:
    scores = {c: round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    lost = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            a = result["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                lost.append(f"  {category}: {a['id']} ({a['score']:.2f}) {a['title']}"
                            + (f" — {a['displayValue']}" if a.get("displayValue") else ""))
    return scores, lost


def main(argv: list[str]) -> int:
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` in tools/lighthouse (python3 tasks.py lighthouse does)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        worst = 0
        try:
            for page in argv or default_pages(site):
                url = f"http://127.0.0.1:{server.server_port}/{page}"
                scores, lost = summary(audit(url, Path(tmp) / "report.json"))
                print(f"{page}: " + ", ".join(f"{c} {s}" for c, s in scores.items()))
                print("\n".join(lost) if lost else "  every weighted audit passed")
                worst = max(worst, sum(1 for c, s in scores.items() if s < TARGETS[c]))
        finally:
            server.shutdown()
    print("All targets met." if not worst else "Below target: see the audits above.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
