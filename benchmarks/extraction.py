"""Extraction quality and speed on the extraction development set.

Prints precision, recall and F1 (the benchmark's 4-word-shingle metric, from the
set's own score.py) and in-process pages per second on one core: pages per second
of the process's CPU time (what one core delivers, whatever else runs on the
machine) and of wall-clock time.

    python benchmarks/extraction.py [--data ../shared/extraction-dev] [--rounds 3] [--baseline]

--baseline also scores trafilatura alone (Markdown output) for comparison.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import time
from pathlib import Path

from newsdigest.ingest.extract import extract_body

ROOT = Path(__file__).resolve().parent.parent


def default_data() -> Path:
    env = os.environ.get("NEWSDIGEST_EXTRACTION_DEV")
    return Path(env) if env else ROOT.parent / "shared" / "extraction-dev"


def load_scorer(folder: Path):
    spec = importlib.util.spec_from_file_location("extraction_dev_score", folder / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trafilatura_markdown(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, output_format="markdown", include_comments=False) or ""


def measure(
    name: str, extractor, pages: dict[str, str], truth: dict[str, str], scorer, rounds: int
):
    for html in list(pages.values())[:3]:  # warm-up: imports and one-off tables
        extractor(html)
    outputs: dict[str, str] = {}
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for key, html in pages.items():
            outputs[key] = extractor(html)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    result = scorer.score(truth, {k: scorer.strip_markdown(v) for k, v in outputs.items()}, 200)
    print(
        f"{name:<28} P {result['precision']:.3f}  R {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f} ± {result['f1_std']:.3f}  "
        f"{len(pages) / best_cpu:6.1f} pages/s of CPU time, {len(pages) / best_wall:6.1f} wall "
        f"(best of {rounds}, one process)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", action="store_true", help="also score trafilatura alone")
    args = parser.parse_args()

    scorer = load_scorer(args.data)
    truth_file = json.loads((args.data / "ground-truth.json").read_text(encoding="utf8"))
    truth = {key: value["articleBody"] for key, value in truth_file.items()}
    pages = {}
    for key in sorted(truth):
        with gzip.open(args.data / "html" / f"{key}.html.gz", "rt", encoding="utf8") as handle:
            pages[key] = handle.read()
    print(f"{len(pages)} pages from {args.data}")
    measure("newsdigest.ingest.extract", extract_body, pages, truth, scorer, args.rounds)
    if args.baseline:
        measure("trafilatura (markdown)", trafilatura_markdown, pages, truth, scorer, args.rounds)


if __name__ == "__main__":
    main()
