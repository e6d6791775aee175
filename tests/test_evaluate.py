"""The tagger holds its floors on the hand-labelled evaluation set, and the evaluation can fail."""

from __future__ import annotations

import shutil

from newsdigest.ingest.tag.evaluate import EVAL_DIR, FLOORS, evaluate, format_report, main


def test_floors_hold_on_the_evaluation_set():
    report = evaluate()
    assert report.articles >= 40
    assert report.below_floors() == [], format_report(report)


def test_both_raw_formats_are_in_the_set():
    names = [p.suffix for p in (EVAL_DIR / "articles").iterdir()]
    assert names.count(".txt") >= 20 and names.count(".html") >= 10


def test_wrong_labels_are_reported_as_misses_and_false_hits(tmp_path, capsys):
    (tmp_path / "articles").mkdir()
    name = "000_630b42074d3af39e.txt"
    shutil.copy(EVAL_DIR.parent.parent / "seeds" / name, tmp_path / "articles" / name)
    (tmp_path / "labels.yaml").write_text(
        f"{name}:\n  topics: [sport]\n  actors: [Lionel Messi, Russia]\n"
        "  quotes:\n    - {speaker: Vladimir Putin, text: We need solid guarantees}\n"
    )
    report = evaluate(tmp_path)
    assert report.topics.f1 < FLOORS["topic_f1"]
    assert report.known.precision < FLOORS["known_precision"]
    assert report.quote_accuracy == 0.0
    assert f"{name}: topic missed: sport" in report.errors
    assert f"{name}: new actor missed: Lionel Messi" in report.errors
    assert main(tmp_path) == 1
    assert "BELOW" in capsys.readouterr().out
