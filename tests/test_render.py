"""Markdown rendering keeps no memory behind: a build renders ten thousand bodies."""

from __future__ import annotations

from newsdigest.site.markdown import markdown_to_html

BODY = "\n\n".join(
    [
        "## A heading with *emphasis*",
        "A paragraph with a [link](https://example.org/a) and ~~struck~~ words. " * 20,
        "| country | figure |\n| --- | --- |\n| Kenya | 12 |\n| Chile | 7 |",
        "- [x] done\n- [ ] to do\n- https://example.org/autolinked",
        "> A quotation " * 30,
    ]
)


def _resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def test_rendering_many_bodies_does_not_grow_memory():
    for _ in range(200):  # warm-up: allocator pools, caches
        markdown_to_html(BODY)
    before = _resident_kb()
    for _ in range(4000):
        html = markdown_to_html(BODY)
    grown_mb = (_resident_kb() - before) / 1024
    assert "<table>" in html and "<del>" in html
    # A document tree and its HTML left behind per call would be well over 50 MB here.
    assert grown_mb < 8, f"memory grew by {grown_mb:.1f} MB over 4,000 renderings"
