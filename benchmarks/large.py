"""Our build on a large site, run once: the absolute floors at 100,000 articles.

The floors at this size are absolute (nothing changed under 2 s, ten new seeds under
10 s, peak memory under 1.5 GB), so plain Pelican, which takes over twenty minutes here,
is not run again. Each step runs the real command in a subprocess, as run.py does:

- `invoke build` cold: fresh content, output and caches, ingest included;
- `invoke build` with nothing changed;
- `invoke build` after adding 10 new seeds (the newest news, as generate.py dates them).

With `--again`, on the site an earlier run left (no cold build): `invoke build` once to
catch up with the code (every page again if it changed), nothing changed twice, ten new
seeds twice, and the site step with every page rendered again (content ingested).

    python benchmarks/large.py [--count 100000] [--work benchmarks/work] [--again]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
from run import DELETED, ENV, PYTHON, run_command, set_aside  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "work")
    parser.add_argument("--again", action="store_true", help="rebuilds of an earlier run's site")
    args = parser.parse_args(argv)
    folder = args.work / f"large-{args.count}"
    seeds, content, output = folder / "seeds", folder / "content", folder / "output"
    log = folder / "commands.log"
    build = [PYTHON, "-m", "invoke", "build", "--seeds", str(seeds)]
    build += ["--content", str(content), "--output", str(output)]
    if args.again:
        if not output.is_dir():
            raise SystemExit(f"no site in {folder}: run without --again first")
        rows = [("`invoke build` with this code", run_command(build, log, env=ENV))]
        again = 2
    else:
        set_aside(folder, args.work / DELETED)  # deleted at the end (run.DELETED)
        generate.generate(args.count, seeds, seed=args.seed)
        rows = [("`invoke build` cold (ingest included)", run_command(build, log, env=ENV))]
        again = 1
    for _ in range(again):
        rows.append(("`invoke build`, nothing changed", run_command(build, log, env=ENV)))
    for _ in range(again):
        start = sum(1 for _ in seeds.iterdir())
        generate.generate(10, seeds, seed=args.seed, start=start, progress=False)
        rows.append(("`invoke build` after adding 10 seeds", run_command(build, log, env=ENV)))
    if args.again:
        every = (
            "from pathlib import Path; from newsdigest.site.build import build_site; "
            f"build_site(Path({str(content)!r}), Path({str(output)!r}), force=True)"
        )
        label = "site step, every page rendered again (content ingested)"
        rows.append((label, run_command([PYTHON, "-c", every], log, env=ENV)))
    shutil.rmtree(args.work / DELETED, ignore_errors=True)
    pages = sum(1 for _ in output.rglob("*.html"))
    print(f"{sum(1 for _ in seeds.iterdir()):,} seeds; {pages:,} HTML pages\n")
    print("| measure | time | CPU | peak memory |")
    print("| --- | --- | --- | --- |")
    for label, measure in rows:
        print(
            f"| {label} | {measure.seconds:.1f} s | {measure.cpu:.1f} s | {measure.peak_mb:.0f} MB |"
        )


if __name__ == "__main__":
    main()
