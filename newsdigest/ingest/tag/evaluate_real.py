"""Measure the tagger on real news pages it was never written for (tests/eval/real/).

Each saved page (`pages/<id>.html.gz`, pages of the public extraction benchmark) goes
through the pipeline as a seed would: read, extract, clean, tag. The result is compared
with hand-written labels (`labels-*.yaml`: IPTC topics, people, organisations, states
and the 1-5 actors a page is mainly about), labelled before the tagger was tuned on them.

Figures: actor precision and recall, people recall, main-actor recall, the share of
pages whose topics include a labelled one (or one below it: more specific is right too),
pages without any topic, and the share of actors given the labelled kind.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newsdigest.ingest.tag import Tagger
from newsdigest.ingest.tag.evaluate import floors_and_errors

ROOT = Path(__file__).resolve().parents[3]  # the project
REAL_DIR = ROOT / "tests" / "eval" / "real"
KINDS = ("person", "organisation", "state")

FLOORS = {
    "actor_precision": 0.90,
    "actor_recall": 0.85,
    "people_recall": 0.90,
    "main_recall": 0.95,
    "topic_hit_rate": 0.80,
}
# Words that name a company's legal form, not the company: "Walt Disney Co." is Walt Disney.
_LEGAL_FORM = re.compile(
    r"\b(?:the|co|corp|corporation|inc|incorporated|ltd|limited|llc|plc|ag|sa|group)\b"
)


@dataclass
class RealReport:
    pages: int = 0
    found: int = 0
    found_right: int = 0
    labelled: int = 0
    labelled_found: int = 0
    people: int = 0
    people_found: int = 0
    main: int = 0
    main_found: int = 0
    kinds_right: int = 0
    topic_hits: int = 0
    untagged: int = 0
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "actor_precision": _share(self.found_right, self.found),
            "actor_recall": _share(self.labelled_found, self.labelled),
            "people_recall": _share(self.people_found, self.people),
            "main_recall": _share(self.main_found, self.main),
            "topic_hit_rate": _share(self.topic_hits, self.pages),
            "kind_accuracy": _share(self.kinds_right, self.found_right),
        }

    def below_floors(self) -> list[str]:
        figures = self.figures()
        failing = [f"{k} {figures[k]:.3f} < {v}" for k, v in FLOORS.items() if figures[k] < v]
        if self.untagged:
            failing.append(f"{self.untagged} page(s) without a topic")
        return failing


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def load_labels(real_dir: Path) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    for path in sorted(real_dir.glob("labels-*.yaml")):
        labels.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return labels


def evaluate_real(
    real_dir: Path | None = None, vocab_dir: Path | None = None, model: str | None = None
) -> RealReport:
    """Tag every labelled page of `real_dir` and score the result against its labels
    (`model`: the recogniser's pipeline, "none" for the rules alone)."""
    real_dir = Path(real_dir) if real_dir else REAL_DIR
    tagger = Tagger.load(vocab_dir, model)
    topics = _topic_codes(tagger)
    parents = _iptc_parents()
    report = RealReport()
    for page, label in load_labels(real_dir).items():
        title, body, source, url = read_page(real_dir / "pages" / f"{page}.html.gz")
        tags = tagger.tag(title, body, source, url)
        report.pages += 1
        _score_topics(report, page, label, [topics.get(t, "") for t in tags.topics], parents)
        kinds = {name: _kind(tagger, name, tags) for name in tags.actors}
        _score_actors(report, page, label, tags.actors, kinds, tagger)
    return report


def read_page(path: Path) -> tuple[str, str, str | None, str | None]:
    """Title, Markdown body and outlet of a saved page, through the pipeline's own read and
    clean, as ingest hands them to the tagger."""
    from newsdigest.article import RawArticle
    from newsdigest.ingest.clean import clean
    from newsdigest.ingest.read import decode

    data = gzip.decompress(path.read_bytes())
    article = clean(
        RawArticle(path=path.with_suffix(""), format="html", text=decode(data), digest="")
    )
    return article.title, article.body, article.source_name, article.source_url


def _kind(tagger: Tagger, name: str, tags) -> str | None:
    known = tagger.actor(name)
    if known is not None:
        return known.kind
    return next((c.kind for c in tags.candidates if c.name == name), None)


def _topic_codes(tagger: Tagger) -> dict[str, str]:
    return {topic.name: topic.iptc for topic in tagger.vocabulary.topics}


def _iptc_parents() -> dict[str, str | None]:
    """Each IPTC code's parent, from the tree shipped beside the vocabulary."""
    path = ROOT / "vocab" / "iptc-media-topics.json"
    if not path.exists():
        return {}
    return {entry["code"]: entry["parent"] for entry in json.loads(path.read_text("utf-8"))}


def _score_topics(report, page, label, found: list[str], parents) -> None:
    wanted = [set(re.findall(r"medtop:\d+", option)) for option in label.get("topics") or []]
    if not found:
        report.untagged += 1
        report.errors.append(f"{page}: no topic")
        return

    def within(code: str, targets: set[str]) -> bool:
        while code:
            if code in targets:
                return True
            code = parents.get(code) or ""
        return False

    if any(within(code, targets) for code in found for targets in wanted):
        report.topic_hits += 1
    else:
        report.errors.append(
            f"{page}: topic wrong: {', '.join(found)} (labelled {'; '.join(label.get('topics'))})"
        )


def _score_actors(report, page, label, found: list[str], kinds, tagger: Tagger) -> None:
    expected = []  # (kind, set of spellings, label text)
    for kind in KINDS:
        for text in label.get(kind) or []:
            expected.append((kind, {_norm(s) for s in str(text).split("|")}, str(text)))
    matched: dict[int, str] = {}
    for name in found:
        spellings = {_norm(name)} | _aliases(tagger, name)
        index = next(
            (i for i, (_, s, _) in enumerate(expected) if s & spellings and i not in matched),
            None,
        )
        report.found += 1
        if index is None:
            report.errors.append(f"{page}: false hit: {name} ({kinds.get(name)})")
            continue
        matched[index] = name
        report.found_right += 1
        kind = expected[index][0]
        if kinds.get(name) == kind:
            report.kinds_right += 1
        else:
            report.errors.append(f"{page}: kind wrong: {name} is a {kind}, not {kinds.get(name)}")
    main = {_norm(str(m).split("|")[0]) for m in label.get("main") or []}
    for index, (kind, spellings, text) in enumerate(expected):
        report.labelled += 1
        hit = index in matched
        report.labelled_found += hit
        if kind == "person":
            report.people += 1
            report.people_found += hit
        if spellings & main:
            report.main += 1
            report.main_found += hit
        if not hit:
            marker = " (main)" if spellings & main else ""
            report.errors.append(f"{page}: missed {kind}: {text}{marker}")


def _aliases(tagger: Tagger, name: str) -> set[str]:
    actor = tagger.actor(name)
    return {_norm(alias) for alias in actor.aliases} if actor else set()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'").lower()
    text = re.sub(r"'s\b", "", text)
    text = _LEGAL_FORM.sub(" ", re.sub(r"[^\w' -]", " ", text))
    return " ".join(text.replace("-", " ").split())


def format_real_report(report: RealReport) -> str:
    figures = report.figures()
    lines = [f"Evaluation on {report.pages} real news pages (tests/eval/real/)", ""]
    lines.append(
        f"  actor precision    {figures['actor_precision']:.3f}   ({report.found_right} of {report.found} found)"
    )
    lines.append(
        f"  actor recall       {figures['actor_recall']:.3f}   ({report.labelled_found} of {report.labelled} labelled)"
    )
    lines.append(
        f"  people recall      {figures['people_recall']:.3f}   ({report.people_found} of {report.people})"
    )
    lines.append(
        f"  main-actor recall  {figures['main_recall']:.3f}   ({report.main_found} of {report.main})"
    )
    lines.append(
        f"  topic hit rate     {figures['topic_hit_rate']:.3f}   ({report.topic_hits} of {report.pages} pages)"
    )
    lines.append(f"  pages without topic {report.untagged}")
    lines.append(
        f"  kind accuracy      {figures['kind_accuracy']:.3f}   (of the actors found right)"
    )
    return "\n".join(lines + floors_and_errors(report.below_floors(), report.errors))


if __name__ == "__main__":
    result = evaluate_real()
    print(format_real_report(result))
    sys.exit(1 if result.below_floors() else 0)
