"""Page sizes of a digest whose articles all fall on one day: no page may grow with the day.

A bulk import of undated scrapes dates every article the day it was first seen. This builds
N such articles (default 10,000, in 20 topics and 400 actors, one day) into a temporary
folder and reports the largest page of each kind and the feeds, against the size of one
article page (the baseline: a page that does not grow with the site).

    python benchmarks/pages.py [--articles 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import write_article  # noqa: E402

from newsdigest.site.build import build_site  # noqa: E402

TOPICS = [
    "diplomacy", "elections", "central banks", "famine", "astronomy", "armed conflict",
    "public health", "energy", "transport", "technology", "antitrust", "climate change",
    "marathon running", "trade policy", "semiconductors", "drought", "defence",
    "scientific research", "health care", "weather",
]  # fmt: skip
BODY = "A paragraph of the imported story, as long as a scrape's paragraphs are. " * 40


def kind(relative: str) -> str:
    first = relative.split("/", 1)[0]
    if relative == "index.html":
        return "home page"
    if first.isdigit():
        return "article page"
    return {"editions": "edition pages", "topics": "topic pages", "actors": "actor pages"}.get(
        first, "other pages"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        content, output = Path(folder) / "content", Path(folder) / "output"
        for n in range(args.articles):
            write_article(
                content,
                f"import-{n:05d}",
                body=BODY,
                title=f"Imported story {n} about the day's events",
                date=f"2026-04-01T{(n * 86399 // args.articles) // 3600:02d}:"
                f"{(n * 86399 // args.articles) // 60 % 60:02d}:{n % 60:02d}+00:00",
                summary=BODY[:280],
                topics=[TOPICS[n % len(TOPICS)]],
                actors=[f"Person {n % 400}"],
            )
        started = time.perf_counter()
        build_site(content, output)
        seconds = time.perf_counter() - started
        largest: dict[str, tuple[int, str]] = defaultdict(lambda: (0, ""))
        for path in output.rglob("*"):
            relative = path.relative_to(output).as_posix()
            if path.suffix == ".html":
                group = kind(relative)
            elif path.suffix == ".xml" and relative.startswith("feeds/"):
                group = "feeds"
            else:
                continue
            largest[group] = max(largest[group], (path.stat().st_size, relative))
    base = largest["article page"][0]
    print(f"{args.articles} articles on one day, built in {seconds:.0f} s\n")
    print("| page | largest | × one article page | which |")
    print("| --- | --- | --- | --- |")
    for group in sorted(largest, key=lambda g: -largest[g][0]):
        size, name = largest[group]
        print(f"| {group} | {size / 1024:.0f} KB | {size / base:.1f} | `{name}` |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
