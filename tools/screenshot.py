#!/usr/bin/env python3
"""Screenshots of built pages at phone and desktop width, light and dark, for a look by eye.

    .venv/bin/python tools/screenshot.py SITE_DIR OUT_DIR PAGE [PAGE ...] [--fill VALUE UNIT]

PAGE is a path under the site such as 'checker/' or 'studies/x/'. Serves SITE_DIR on
127.0.0.1 and drives Debian's chromium through Playwright; nothing leaves the machine.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("out")
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--fill", nargs=2, metavar=("VALUE", "UNIT"), help="enter a result in the checker first")
    parser.add_argument("--full", action="store_true", help="whole page, not just the first screen")
    args = parser.parse_args()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):  # noqa: D102
            pass

    handler = functools.partial(Quiet, directory=args.site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for page_path in args.pages:
            for size, (w, h) in SIZES.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{server.server_port}/{page_path}")
                    if args.fill:
                        page.fill("#checker-value", args.fill[0])
                        page.check(f"input[name=unit][value='{args.fill[1]}']")
                        page.click("#checker button[type=submit]")
                        if not args.full:  # the first screen shows the result, not the form above it
                            page.locator("#checker-result").scroll_into_view_if_needed()
                            page.evaluate("document.getElementById('checker-result').scrollIntoView(); window.scrollBy(0, -64)")
                    name = page_path.strip("/").replace("/", "_") or "home"
                    target = out / f"{name}-{size}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=args.full)
                    print(target)
                    context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
