"""Our build on a large site, run once: the absolute floors at 100,000 articles.

The floors at this size are absolute (nothing changed under 2 s, ten new seeds under
10 s, peak memory under 1.5 GB), so plain Pelican, which takes over twenty minutes here,
is not run again. Each step runs the real command in a subprocess, as run.py does:

- `invoke build` cold: fresh content, output and caches, ingest included;
- `invoke build` with nothing changed;
- `invoke build` after adding 10 new seeds (the newest news, as generate.py dates them).

    python benchmarks/large.py [--count 100000] [--work benchmarks/work]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
from run import ENV, PYTHON, run_command  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "work")
    args = parser.parse_args(argv)
    folder = args.work / f"large-{args.count}"
    shutil.rmtree(folder, ignore_errors=True)
    seeds, content, output = folder / "seeds", folder / "content", folder / "output"
    generate.generate(args.count, seeds, seed=args.seed)
    log = folder / "commands.log"
    build = [PYTHON, "-m", "invoke", "build", "--seeds", str(seeds)]
    build += ["--content", str(content), "--output", str(output)]
    rows = [("`invoke build` cold (ingest included)", run_command(build, log, env=ENV))]
    pages = sum(1 for _ in output.rglob("*.html"))
    rows.append(("`invoke build`, nothing changed", run_command(build, log, env=ENV)))
    generate.generate(10, seeds, seed=args.seed, start=args.count, progress=False)
    rows.append(("`invoke build` after adding 10 seeds", run_command(build, log, env=ENV)))
    print(f"{args.count:,} articles; {pages:,} HTML pages\n")
    print("| measure | time | CPU | peak memory |")
    print("| --- | --- | --- | --- |")
    for label, measure in rows:
        print(
            f"| {label} | {measure.seconds:.1f} s | {measure.cpu:.1f} s | {measure.peak_mb:.0f} MB |"
        )


if __name__ == "__main__":
    main()
