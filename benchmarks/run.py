"""Build performance benchmark: our `invoke build` against plain Pelican, in one run.

For each size it generates the synthetic articles (benchmarks/generate.py) and runs
the real commands in subprocesses, each scenario at least three times (the median
is reported):

- plain Pelican 4 with its default theme and Python-Markdown on the same articles
  as Markdown with 3-5 tags each: cold (and, with --plain-rebuild, rebuilt with its
  content cache);
- `invoke ingest` alone (all seeds; plain-text seeds only);
- `invoke build` cold (fresh content and output), with nothing changed, after
  adding 10 new seeds, after editing one seed;
- the peak memory of each command's process tree.

Every figure is also given as a ratio against plain Pelican's cold build of the
same size in the same run, and the floors of the performance issue are checked.

    python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--readme benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Articles without a date line are dated the day ingest first sees them: fix that day.
# The build scenarios import thousands of seeds at once: a bulk import, tagged by the rules
# alone (`--rules-only`). The recogniser's own throughput is measured on a day's batch.
ENV = dict(
    os.environ, SOURCE_DATE_EPOCH="1767225600", PYTHONUNBUFFERED="1", NEWSDIGEST_NER_MODEL="none"
)
HUGO_SITE = ROOT / "benchmarks" / "hugo"
# ext4 without a journal (this machine's disks) does not reuse an inode freed in the last
# minute, or six while its table block is dirty, as it is while files are being created
# beside it, and creating a file then scans past every such inode. A command timed soon
# after a large folder was deleted pays for the deletion: a fresh ingest of 9,000 seeds
# spent 8.7 s in the kernel rather than 0.9 s, a cold site step at 10,000 took 42.4 s
# rather than 33.4 s, Hugo 14.7 s rather than 12.5 s. So nothing is deleted while the
# benchmark runs: folders are moved into `<work>/deleted/` (`set_aside`), removed at the end.
DELETED = "deleted"
DAY_BATCH = 500  # seeds a digest takes in on a busy day
README_START = "<!-- build-performance-table:start -->"
README_END = "<!-- build-performance-table:end -->"

PLAIN_PELICAN_SETTINGS = """\
# Plain Pelican: default theme, Python-Markdown, default feeds; as pelican-quickstart
# would set it up, with feeds left on as a published site has them.
AUTHOR = "Benchmark"
SITENAME = "Plain Pelican"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 10
CACHE_CONTENT = {cache}
LOAD_CONTENT_CACHE = {cache}
CACHE_PATH = {cache_path!r}
"""


@dataclass
class Measure:
    """One run of one command: wall time and peak memory of its process tree."""

    seconds: float
    peak_mb: float  # sampled sum of proportional set sizes of the process and its children
    maxrss_mb: float  # the largest single process, from the kernel
    cpu: float = 0.0  # user + system CPU seconds of the process and the children it waited for


@dataclass
class Scenario:
    name: str
    runs: list[Measure] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(m.seconds for m in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(m.peak_mb for m in self.runs)

    @property
    def maxrss_mb(self) -> float:
        return statistics.median(m.maxrss_mb for m in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(m.cpu for m in self.runs)


# --- running a command and watching its memory -------------------------------------------


def _children(pid: int) -> list[int]:
    """Every live descendant of `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once in all."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_command(args: list[str], log: Path, cwd: Path = ROOT, env: dict | None = None) -> Measure:
    """Run `args`, return its wall time and peak memory; stop the benchmark if it fails."""
    peak = 0
    with log.open("ab") as out:
        out.write(f"$ {' '.join(map(str, args))}\n".encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=cwd, env=env or ENV, stdout=out, stderr=subprocess.STDOUT
        )
        finished = threading.Event()

        def watch():
            nonlocal peak
            while not finished.wait(0.05):
                pids = [process.pid, *_children(process.pid)]
                peak = max(peak, sum(_pss_kb(pid) for pid in pids))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        finished.set()
        watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"failed ({process.returncode}): {' '.join(map(str, args))}\n{tail}")
    maxrss_mb = usage.ru_maxrss / 1024
    return Measure(
        seconds=seconds,
        peak_mb=max(peak / 1024, 0.0) or maxrss_mb,
        maxrss_mb=maxrss_mb,
        cpu=usage.ru_utime + usage.ru_stime,
    )


# --- the scenarios -----------------------------------------------------------------------


class Bench:
    def __init__(
        self, work: Path, size: int, repeat: int, seed: int, progress, plain_rebuild: bool
    ):
        self.size, self.repeat, self.seed, self.progress = size, repeat, seed, progress
        self.plain_rebuild = plain_rebuild
        self.dir = work / str(size)
        self.log = self.dir / "commands.log"
        self.seeds = self.dir / "seeds"
        self.text_seeds = self.dir / "seeds-text"
        self.day_seeds = self.dir / "seeds-day"
        self.markdown = self.dir / "markdown"
        self.content = self.dir / "content"
        self.output = self.dir / "output"
        self.hugo_content = self.dir / "hugo-content"
        self.trash = work / DELETED
        self.results: dict[str, Scenario] = {}
        self.added = 0  # new seeds added so far
        self.pages = 0

    def _step(self, text: str) -> None:
        self.progress.set_postfix_str(f"{self.size:,} articles: {text}", refresh=True)

    def _record(self, name: str, measure: Measure) -> None:
        self.results.setdefault(name, Scenario(name)).runs.append(measure)
        self.progress.update(1)

    def prepare(self) -> None:
        self._step("generating articles")
        # Python keeps the modules it compiles, and pip compiles the packages it installs
        # (Pelican's among them); where the environment forbids writing compiled modules
        # (PYTHONDONTWRITEBYTECODE), this project's would be compiled again by every process
        # of every command. Compiled once here, as an installed package is.
        compileall.compile_dir(str(ROOT / "newsdigest"), quiet=1)
        set_aside(self.dir, self.trash)
        self.dir.mkdir(parents=True)
        vocab = generate.load_vocabulary()
        generate.generate(
            self.size,
            self.seeds,
            self.markdown,
            seed=self.seed,
            vocab=vocab,
            progress=False,
            hugo_dir=self.hugo_content,
        )
        self.text_seeds.mkdir()
        self.day_seeds.mkdir()
        for number, path in enumerate(sorted(self.seeds.glob("*.txt"))):
            os.link(path, self.text_seeds / path.name)
            if number < DAY_BATCH:
                os.link(path, self.day_seeds / path.name)
        for cache in (False, True):
            name = "pelicanconf-cached.py" if cache else "pelicanconf.py"
            (self.dir / name).write_text(
                PLAIN_PELICAN_SETTINGS.format(cache=cache, cache_path=str(self.dir / "plain-cache"))
            )

    def _fresh(self, *folders: Path) -> None:
        """The folders and every cache moved aside (`_aside`)."""
        self._aside(*folders, *self.dir.glob(".*-cache"))

    def _aside(self, *folders: Path) -> None:
        for folder in folders:
            set_aside(folder, self.trash)

    def _pelican(self, settings: str) -> Measure:
        output = self.dir / "plain-output"
        return run_command(
            [PYTHON, "-m", "pelican", str(self.markdown), "-o", str(output), "-s",
             str(self.dir / settings), "-q"],
            self.log,
        )  # fmt: skip

    def _invoke(self, task: str, seeds: Path | None = None, env: dict | None = None) -> Measure:
        args = [PYTHON, "-m", "invoke", task, "--seeds", str(seeds or self.seeds)]
        args += ["--content", str(self.content)]
        if task == "build":
            args += ["--output", str(self.output)]
        return run_command(args, self.log, env=env)

    def plain_pelican(self) -> None:
        for _ in range(self.repeat):
            self._step("plain Pelican, cold")
            self._fresh(self.dir / "plain-output", self.dir / "plain-cache")
            self._record("plain cold", self._pelican("pelicanconf.py"))
        if not self.plain_rebuild:
            return
        self._step("plain Pelican, filling its cache")
        self._fresh(self.dir / "plain-output", self.dir / "plain-cache")
        self._pelican("pelicanconf-cached.py")
        for _ in range(self.repeat):
            self._step("plain Pelican, rebuild with its cache")
            self._record("plain rebuild", self._pelican("pelicanconf-cached.py"))

    def hugo(self) -> None:
        """Hugo (Debian's `hugo`), cold, on the same articles with benchmarks/hugo/'s templates."""
        if shutil.which("hugo") is None:
            return
        output = self.dir / "hugo-output"
        for _ in range(self.repeat):
            self._step("Hugo, cold")
            self._fresh(output)
            self._record(
                "hugo cold",
                run_command(
                    ["hugo", "--source", str(HUGO_SITE), "--contentDir", str(self.hugo_content),
                     "--destination", str(output), "--cacheDir", str(self.dir / "hugo-cache"),
                     "--quiet"],
                    self.log,
                ),
            )  # fmt: skip
            self._aside(self.dir / "hugo-cache")

    def ingest(self) -> None:
        for label, seeds in (("ingest", self.seeds), ("ingest text", self.text_seeds)):
            for _ in range(self.repeat):
                self._step(f"{label}, fresh content")
                self._fresh(self.content)
                self._record(label, self._invoke("ingest", seeds))
        with_recogniser = {k: v for k, v in ENV.items() if k != "NEWSDIGEST_NER_MODEL"}
        for label, env in (("day recogniser", with_recogniser), ("day rules", ENV)):
            for _ in range(self.repeat):
                self._step(f"{label}: {DAY_BATCH} plain-text seeds")
                self._fresh(self.content)
                self._record(label, self._invoke("ingest", self.day_seeds, env))

    def builds(self) -> None:
        for _ in range(self.repeat):
            self._step("invoke build, cold")
            self._fresh(self.content, self.output)
            self._record("cold", self._invoke("build"))
        self.pages = sum(1 for _ in self.output.rglob("*.html"))
        for _ in range(self.repeat):
            self._step("invoke build, content ingested, fresh output")
            self._aside(self.output, self.dir / f".{self.output.name}-cache")
            self._record("site step", self._invoke("build"))
        for _ in range(self.repeat):
            self._step("invoke build, nothing changed")
            self._record("no change", self._invoke("build"))
        for _ in range(self.repeat):
            self._step("invoke build, 10 new seeds")
            generate.generate(
                10, self.seeds, seed=self.seed, start=self.size + self.added, progress=False
            )
            self.added += 10
            self._record("add 10", self._invoke("build"))
        for run in range(self.repeat):
            self._step("invoke build, one seed edited")
            victim = sorted(self.seeds.glob("*.txt"))[run * 7]
            with victim.open("a", encoding="utf-8") as handle:
                handle.write(f"\nThe officials confirmed the figures again on day {run}.\n")
            self._record("edit 1", self._invoke("build"))

    def steps(self) -> int:
        hugo = 1 if shutil.which("hugo") else 0
        return self.repeat * ((11 if self.plain_rebuild else 10) + hugo)

    def run(self) -> dict[str, Scenario]:
        self.prepare()
        self.plain_pelican()
        self.hugo()
        self.ingest()
        self.builds()
        return self.results


def set_aside(folder: Path, trash: Path) -> None:
    """Move a folder, if there is one, into `trash` (DELETED): deleting it would slow what runs next."""
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / str(len(os.listdir(trash))))


# --- the report --------------------------------------------------------------------------


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _check(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: dict[int, dict[str, Scenario]], text_counts: dict[int, int]) -> str:
    """The Markdown table: figures per size, ratios against plain Pelican, floors checked."""
    sizes = sorted(results)
    big, small = sizes[-1], sizes[0]
    header = ["measure"]
    for size in sizes:
        header += [f"{size:,} articles", "× plain cold"]
    header += [f"floor at {big:,}", "holds"]
    rows = []

    def ratio(size, value):
        return value / results[size]["plain cold"].seconds

    def time_row(label, key, floor=None, test=None):
        cells = [label]
        for size in sizes:
            value = results[size][key].seconds
            cpu = results[size][key].cpu
            cells += [f"{_seconds(value)} (CPU {cpu:.1f} s)", f"{ratio(size, value):.3f}"]
        if floor:
            value = results[big][key].seconds
            cells += [floor, _check(test(value, ratio(big, value)))]
        else:
            cells += ["", ""]
        rows.append(cells)

    time_row("plain Pelican, cold (the baseline)", "plain cold")
    if "plain rebuild" in results[big]:
        time_row("plain Pelican, rebuild with its content cache", "plain rebuild")
    time_row("`invoke ingest` alone, fresh content", "ingest")
    cells = ["ingest throughput, plain-text seeds, both cores (on two idle cores: seeds / CPU × 2)"]
    for size in sizes:
        text = results[size]["ingest text"]
        wall, idle = text_counts[size] / text.seconds, text_counts[size] / text.cpu * 2
        cells += [f"{wall:.0f} seeds/s ({idle:.0f} seeds/s)", ""]
    throughput = text_counts[big] / results[big]["ingest text"].seconds
    rows.append(cells + ["≥ 1,000 seeds/s", _check(throughput >= 1000)])
    day = min(DAY_BATCH, text_counts[big])
    for key, label, floor in (
        ("day recogniser", "with the recogniser (spaCy)", 25),
        ("day rules", "rules only (`--rules-only`)", None),
    ):
        cells = [f"ingest of a day's {DAY_BATCH} plain-text seeds, {label}, both cores"]
        for size in sizes:
            cells += [
                f"{min(DAY_BATCH, text_counts[size]) / results[size][key].seconds:.0f} seeds/s",
                "",
            ]
        rate = day / results[big][key].seconds
        rows.append(cells + ([f"≥ {floor} seeds/s", _check(rate >= floor)] if floor else ["", ""]))
    time_row("`invoke build` cold (ingest included)", "cold")
    if all("hugo cold" in results[size] for size in sizes):
        time_row("Hugo (Debian's), cold, minimal templates (benchmarks/hugo/)", "hugo cold")
        hugo = results[big]["hugo cold"].seconds
        time_row(
            "`invoke build`, content already ingested, fresh output and caches (the site step)",
            "site step",
            "≤ 0.75× Hugo",
            lambda s, r: s <= 0.75 * hugo,
        )
        cells = ["the site step against Hugo"]
        for size in sizes:
            site, hugo_size = results[size]["site step"].seconds, results[size]["hugo cold"].seconds
            cells += [f"{site / hugo_size:.2f}× Hugo", ""]
        rows.append(cells + ["", ""])
    else:
        time_row("`invoke build`, content already ingested, fresh output and caches", "site step")
    time_row(
        "`invoke build`, nothing changed",
        "no change",
        "≤ 0.015×",
        lambda s, r: r <= 0.015,
    )
    time_row("`invoke build` after adding 10 seeds", "add 10", "≤ 0.10×", lambda s, r: r <= 0.10)
    time_row("`invoke build` after editing one seed", "edit 1")
    cells = ["peak memory, cold build vs plain Pelican cold"]
    for size in sizes:
        ours, plain = results[size]["cold"].peak_mb, results[size]["plain cold"].peak_mb
        cells += [f"{ours:.0f} MB (plain {plain:.0f} MB)", f"{ours / plain:.2f}"]
    mem = results[big]["cold"].peak_mb / results[big]["plain cold"].peak_mb
    rows.append(cells + ["≤ 1.5×", _check(mem <= 1.5)])
    if big != small:
        growth = results[big]["cold"].seconds / results[small]["cold"].seconds
        cells = [f"growth of the cold build, {small:,} → {big:,}"]
        cells += ["", ""] * (len(sizes) - 1) + [f"{growth:.1f}×", ""]
        rows.append(cells + [f"≤ {big / small * 1.1:.0f}×", _check(growth <= big / small * 1.1)])
        for key, label in (("add 10", "after adding 10 seeds"), ("no change", "nothing changed")):
            growth = results[big][key].seconds / results[small][key].seconds
            cells = [f"growth of the build {label}", *[""] * (2 * len(sizes) - 2)]
            rows.append(cells + [f"{growth:.1f}×", "", "", ""])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()[0]
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load:.1f} at the end of the run"
    )


def write_readme(readme: Path, table: str, command: str) -> None:
    """Replace the table between the markers in the Build performance section."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = (
        f"{README_START}\n_Measured {time.strftime('%Y-%m-%d')} on {machine()}; "
        f"median of the runs; produced by `{command}`._\n\n{table}\n{README_END}"
    )
    if README_START in text and README_END in text:
        before, rest = text.split(README_START, 1)
        text = before + block + rest.split(README_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Build performance\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    parser.add_argument("--readme", type=Path, help="write the table into this README")
    parser.add_argument(
        "--plain-rebuild",
        action="store_true",
        help="also time plain Pelican rebuilding with its content cache (for reference)",
    )
    args = parser.parse_args(argv)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    try:
        import markdown  # noqa: F401  plain Pelican reads Markdown with it
    except ImportError:
        raise SystemExit("plain Pelican needs Python-Markdown: pip install -e '.[bench]'") from None

    results, text_counts = {}, {}
    benches = [
        Bench(args.work, size, args.repeat, args.seed, None, args.plain_rebuild)
        for size in args.sizes
    ]
    total = sum(bench.steps() for bench in benches)
    with tqdm(total=total, desc="benchmark", unit="run", file=sys.stderr) as progress:
        for bench in benches:
            bench.progress = progress
            results[bench.size] = bench.run()
            text_counts[bench.size] = sum(1 for _ in bench.text_seeds.iterdir())
            summary = {k: [vars(m) for m in s.runs] for k, s in bench.results.items()}
            summary["html pages"] = bench.pages
            (bench.dir / "results.json").write_text(json.dumps(summary, indent=1))
            tqdm.write(
                f"{bench.size:,}: "
                + ", ".join(f"{k} {s.seconds:.2f} s" for k, s in bench.results.items()),
                file=sys.stderr,
            )
    shutil.rmtree(args.work / DELETED, ignore_errors=True)  # nothing is timed any more
    table = report(results, text_counts)
    print(table)
    if args.readme:
        write_readme(args.readme, table, command.strip())


if __name__ == "__main__":
    main()
