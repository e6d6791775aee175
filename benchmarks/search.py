"""What a reader downloads to search a built site: bytes per query, in headless Chromium.

Serves the site on 127.0.0.1, opens the search page in a fresh browser (nothing cached)
for each query and adds up every response: the page, its CSS and scripts, Pagefind's
engine and the index chunks the query needed. The baseline is the whole index (what a
reader would download if the index were one file, as it was before Pagefind); the search
page without a query is shown too.

    python benchmarks/search.py --site benchmarks/work/10000/output [--words minister,rates]
"""

from __future__ import annotations

import argparse
import http.server
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def transferred(browser, url: str, wait_for_results: bool) -> tuple[int, int, str]:
    context = browser.new_context()
    page = context.new_page()
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body()) if r.ok else 0))
    page.goto(url)
    if wait_for_results:
        page.wait_for_function(
            "/found|No article/.test(document.querySelector('#search-status').textContent)",
            timeout=60_000,
        )
    else:
        page.wait_for_load_state("networkidle")
    status = page.locator("#search-status").inner_text()
    context.close()
    return sum(sizes), len(sizes), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built site (output folder)")
    parser.add_argument("--words", default="minister,rates,ceasefire,election results")
    parser.add_argument("--topic", default="", help="a topic to filter by, without words")
    args = parser.parse_args()
    site = args.site.resolve()
    bundle = site / "pagefind"
    files = [p for p in bundle.rglob("*") if p.is_file()]
    articles = len(list(bundle.glob("*/fragment/*")))

    def handler(*a, **k):
        return Quiet(*a, directory=str(site), **k)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/search/"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
        page_only, requests, _ = transferred(browser, base, False)
        rows.append(("the search page, no query", page_only, requests, ""))
        queries = [(w, f"?q={w.replace(' ', '+')}") for w in args.words.split(",") if w]
        if args.topic:
            queries.append((f"topic: {args.topic}", f"?topic={args.topic.replace(' ', '+')}"))
        for label, query in queries:
            size, requests, status = transferred(browser, base + query, True)
            rows.append((f"“{label}”", size, requests, status))
        browser.close()
    server.shutdown()
    print(
        f"{articles} articles indexed; bundle {len(files)} files, "
        f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MB on disk, "
        f"largest {max(p.stat().st_size for p in files) / 1024:.0f} KB\n"
    )
    whole = sum(p.stat().st_size for p in files if p.suffix.startswith(".pf_"))
    print(
        f"| query | transferred | requests | × the whole index ({whole / 2**20:.1f} MB) | result |"
    )
    print("| --- | --- | --- | --- | --- |")
    for label, size, requests, status in rows:
        print(f"| {label} | {size / 1024:.0f} KB | {requests} | {size / whole:.3f} | {status} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
