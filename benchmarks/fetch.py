"""Fetch throughput: 500 entries from 10 local sources, concurrent hosts against one at a time.

Each source is a real HTTP server on its own loopback address (127.0.0.11 ... 127.0.0.20,
so that each is a host of its own to the fetcher), answering every request after a fixed
latency, like a distant server. The baseline is the same fetcher with `hosts_at_once: 1`,
in the same run; then a second run over the same state (feeds answer 304, nothing new).

    python benchmarks/fetch.py [--sources 10] [--entries 50] [--latency 0.02] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from newsroom import Answer, Newsroom, article_page  # noqa: E402

from newsdigest.fetch.run import fetch  # noqa: E402

WORDS = (
    "The port authority said on Monday that container traffic rose for the third month running, "
    "helped by new routes to Asia and a faster customs process at the northern terminal."
)


def serve(host: str, entries: int, latency: float) -> Newsroom:
    site = Newsroom(host).__enter__()
    items = []
    for n in range(entries):
        path = f"/news/{n}"
        page = article_page(f"Story {n} from {host}", paragraphs=8, words=WORDS)
        site.route(path, Answer(body=page, headers={"Content-Type": "text/html"}, delay=latency))
        items.append(
            f"<item><title>Story {n}</title><link>{site.url(path)}</link><guid>{n}</guid>"
            "<pubDate>Mon, 02 Nov 2026 12:00:00 GMT</pubDate></item>"
        )
    feed = f'<rss version="2.0"><channel><title>{host}</title>{"".join(items)}</channel></rss>'

    def answer(request):
        if request.headers.get("If-None-Match") == '"1"':
            return Answer(304, headers={"ETag": '"1"'}, delay=latency)
        return Answer(
            body=feed, headers={"Content-Type": "application/rss+xml", "ETag": '"1"'}, delay=latency
        )

    site.route("/feed.xml", answer)
    site.route("/robots.txt", Answer(body="User-agent: *\nAllow: /\n", delay=latency))
    return site


def run(sites: list[Newsroom], folder: Path, hosts_at_once: int, delay: float, entries: int):
    sources = folder / "sources.yaml"
    lines = ["sources:"]
    for site in sites:
        lines.append(
            f"  - name: {site.host}\n    feed: {site.url('/feed.xml')}\n    max_items: {entries}"
        )
    lines.append(f"fetch:\n  delay: {delay}\n  hosts_at_once: {hosts_at_once}\n")
    sources.write_text("\n".join(lines))
    seeds = folder / "seeds"
    start, cpu = time.perf_counter(), time.process_time()
    report = fetch(sources, seeds)
    return time.perf_counter() - start, time.process_time() - cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per answer")
    parser.add_argument("--delay", type=float, default=0.05, help="politeness delay per host")
    args = parser.parse_args()
    sites = [serve(f"127.0.0.{11 + n}", args.entries, args.latency) for n in range(args.sources)]
    total = args.sources * args.entries
    rows = []
    try:
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as many:
            base = run(sites, Path(one), 1, args.delay, args.entries)
            fast = run(sites, Path(many), 8, args.delay, args.entries)
            again = run(sites, Path(many), 8, args.delay, args.entries)
    finally:
        for site in sites:
            site.__exit__(None, None, None)
    for label, (wall, cpu, report) in [
        ("one host at a time (the baseline)", base),
        ("8 hosts at once (the default)", fast),
        ("second run, same state (304s, nothing new)", again),
    ]:
        rows.append(
            f"| {label} | {len(report.new)} | {wall:.2f} s (CPU {cpu:.2f} s) | "
            f"{total / wall:.0f} | {wall / base[0]:.3f} |"
        )
    print(
        f"{args.sources} sources x {args.entries} entries, {args.latency * 1000:.0f} ms per answer, "
        f"{args.delay:.2f} s between requests to one host; peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB\n"
    )
    print("| run | new seeds | time | entries/s | × baseline |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    failed = base[2].failed + fast[2].failed + again[2].failed
    for what, reason in failed:
        print(f"failed: {what}: {reason}", file=sys.stderr)
    return 1 if failed or len(fast[2].new) != total or again[2].new else 0


if __name__ == "__main__":
    raise SystemExit(main())
