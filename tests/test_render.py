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


def test_markup_made_once_per_build_is_the_macros_own_and_stays_bounded(monkeypatch):
    from types import SimpleNamespace

    from jinja2 import Environment

    from newsdigest.site import templates

    env = Environment(autoescape=True)
    env.globals["once_per_build"] = templates.once_per_build
    source = (
        "{% macro card(item, wide=False) %}<p>{{ SITEURL }}/{{ item.url }}{{ taxonomies.label }}"
        '{{ " wide" if wide }}</p>{% endmacro %}'
        "{% for item in items %}{{ once_per_build(card, item, wide) }}{{ card(item, wide) }}|"
        "{% endfor %}"
    )
    page = env.from_string(source)
    items = [SimpleNamespace(url=f"a{n}/") for n in range(6)]
    templates.forget(None)
    kinds = [SimpleNamespace(label="topics"), SimpleNamespace(label="actors")]
    for site in ("https://one.example", "https://two.example"):
        for taxonomies in kinds:
            for wide in (False, True, False, True):
                html = page.render(items=items, wide=wide, SITEURL=site, taxonomies=taxonomies)
                for part in html.split("|")[:-1]:  # the kept markup, then the macro's own
                    assert part[: len(part) // 2] == part[len(part) // 2 :], part
    assert len(templates._MADE) == len(items) * 2 * 2 * 2  # one per item and arguments
    one = dict(SITEURL="https://one.example", taxonomies=kinds[0], wide=False)
    items[0].url = "changed/"  # a new build forgets what the last one made
    templates.forget(None)
    assert "https://one.example/changed/topics" in page.render(items=items, **one)
    monkeypatch.setattr(templates, "KEPT", 4)
    templates.forget(None)
    page.render(items=items, **one)
    assert len(templates._MADE) == 4  # six items, four kept


def test_articles_share_one_object_for_each_short_text_they_repeat(tmp_path):
    """Keys, terms, sources and speakers are one string object for all articles (most of
    what ten thousand articles hold); long texts stay each article's own, values unchanged."""
    from pelican.settings import DEFAULT_CONFIG
    from synthetic import write_article

    from newsdigest.site.reader import SHARED_LENGTH, YamlMarkdownReader

    quote = "A quote long enough to be this article's own text. " * 3
    fields = dict(
        topics=["Diplomacy"], source={"name": "Wire"}, quotes=[{"speaker": "Ann", "text": quote}]
    )
    paths = [write_article(tmp_path, f"story-{n}", **fields) for n in range(2)]
    reader = YamlMarkdownReader(dict(DEFAULT_CONFIG))
    (_, one), (_, two) = (reader.read(str(path)) for path in paths)
    assert one["topics"] == ["Diplomacy"] and one["quotes"][0]["text"] == quote
    assert one["topics"][0] is two["topics"][0]
    assert one["source"]["name"] is two["source"]["name"]
    first, second = one["quotes"][0], two["quotes"][0]
    assert first["speaker"] is second["speaker"]
    assert next(iter(first)) is next(iter(second))  # the key "speaker"
    assert len(quote) > SHARED_LENGTH and first["text"] is not second["text"]
