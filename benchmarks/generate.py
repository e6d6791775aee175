"""Synthetic raw seeds for the benchmarks, and the same articles as plain Pelican Markdown.

Every article is drawn from its own random generator seeded by (seed, number), so
article 42 is the same bytes whatever the count, and `count + 10` articles are the
first `count` plus ten new ones. Topics and actors come from the vocabularies in
vocab/, so the tagger finds them. Article n is dated about 52 minutes after article
n - 1 from 1 January 2025 (10,000 articles make a year, 27 a day), as a digest grows: new
seeds are the newest news.

    python benchmarks/generate.py --count 1000 --seeds DIR [--markdown DIR] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.datetime(2025, 1, 1)
MINUTES_APART = 52  # about 10,000 articles a year
WORDS_PER_ARTICLE = 600
HTML_SHARE = 0.1  # share of seeds that are saved HTML pages; the rest are plain-text scrapes

FIRST_NAMES = [
    "Anna",
    "Marek",
    "Sofia",
    "Daniel",
    "Elena",
    "Tomasz",
    "Grace",
    "Omar",
    "Ines",
    "Lukas",
    "Maria",
    "Pavel",
    "Ruth",
    "Jonas",
    "Leila",
    "Henrik",
    "Clara",
    "Mateo",
    "Yara",
    "Felix",
    "Nadia",
    "Samuel",
    "Irene",
    "Viktor",
    "Hana",
    "Paolo",
    "Zeynep",
    "Arjun",
    "Freya",
    "Tariq",
]
LAST_NAMES = [
    "Novak",
    "Lindqvist",
    "Moreau",
    "Kowalczyk",
    "Haddad",
    "Brennan",
    "Sato",
    "Okafor",
    "Varga",
    "Castillo",
    "Petrov",
    "Holm",
    "Rahman",
    "Dubois",
    "Keller",
    "Marsh",
    "Fischer",
    "Ortega",
    "Nilsen",
    "Quinn",
    "Abara",
    "Costa",
    "Weiss",
    "Laine",
    "Duarte",
    "Rossi",
]
OUTLETS = [
    "Bloomberg",
    "Reuters",
    "BBC News",
    "Associated Press",
    "The Guardian",
    "Al Jazeera",
    "Politico",
]
PLACES = [
    "Brussels",
    "Geneva",
    "Nairobi",
    "Lisbon",
    "Warsaw",
    "Jakarta",
    "Toronto",
    "Lima",
    "Oslo",
    "Seoul",
    "Cairo",
]
FILLER = [
    "the",
    "officials",
    "said",
    "on",
    "Monday",
    "that",
    "the",
    "plan",
    "would",
    "be",
    "reviewed",
    "again",
    "next",
    "week",
    "after",
    "talks",
    "with",
    "regional",
    "partners",
    "who",
    "had",
    "raised",
    "concerns",
    "about",
    "its",
    "cost",
    "and",
    "timing",
    "while",
    "others",
    "argued",
    "the",
    "measures",
    "came",
    "too",
    "late",
    "for",
    "many",
    "families",
    "and",
    "local",
    "businesses",
    "across",
    "the",
    "country",
    "where",
    "figures",
    "published",
    "last",
    "month",
    "showed",
    "a",
    "sharp",
    "change",
    "compared",
    "with",
    "a",
    "year",
    "earlier",
    "and",
    "analysts",
    "expect",
    "further",
    "announcements",
    "before",
    "the",
    "end",
    "of",
    "the",
    "quarter",
    "as",
    "pressure",
    "grows",
    "from",
    "opposition",
    "groups",
    "and",
    "independent",
    "observers",
]
VERBS = [
    "warns over",
    "backs",
    "rejects",
    "agrees on",
    "faces questions over",
    "announces",
    "delays",
    "defends",
    "calls for",
    "criticises",
]
NOUNS = [
    "new plan",
    "talks",
    "deal",
    "report",
    "proposal",
    "measures",
    "review",
    "funding",
    "investigation",
    "reform",
]


@dataclass
class Vocabulary:
    topics: list[tuple[str, list[str]]]  # (name, strong evidence phrases)
    actors: list[str]  # canonical names of people, organisations and states


@dataclass
class SyntheticArticle:
    number: int
    title: str
    slug: str
    date: dt.datetime
    author: str | None
    outlet: str
    topics: list[str]
    actors: list[str]
    paragraphs: list[str]

    @property
    def summary(self) -> str:
        return self.paragraphs[0].split(". ")[0].rstrip(".") + "."

    @property
    def tags(self) -> list[str]:
        """Three to five tags for plain Pelican: the topics, then the leading actors."""
        tags = list(dict.fromkeys(self.topics + self.actors))
        return tags[: 3 + self.number % 3]


def load_vocabulary(vocab_dir: Path = ROOT / "vocab") -> Vocabulary:
    """Topic evidence phrases and actor names, read from the editors' vocabularies."""
    topics_file = yaml.safe_load((vocab_dir / "topics.yaml").read_text(encoding="utf-8"))
    topics = []
    for topic in topics_file["topics"]:
        phrases = [p.rstrip("*") for p, weight in topic.get("terms", {}).items() if weight >= 2]
        phrases = [p for p in phrases if len(p) > 3]
        if len(phrases) >= 3:
            topics.append((topic["name"], phrases))
    actors = [a["name"] for a in yaml.safe_load((vocab_dir / "actors.yaml").read_text())]
    states_file = vocab_dir / "states.yaml"
    if states_file.exists():
        import pycountry

        for code, entry in (yaml.safe_load(states_file.read_text()) or {}).items():
            if entry is not None and not isinstance(entry, dict):
                continue  # the list of territories, which are no states
            try:
                country = pycountry.countries.get(alpha_2=code)
            except LookupError:  # a code the library does not know (Kosovo, the EU)
                country = None
            name = (entry or {}).get("name") or getattr(country, "common_name", None)
            name = name or getattr(country, "name", None)
            if name:
                actors.append(name)
    return Vocabulary(topics=topics, actors=actors)


def make_article(vocab: Vocabulary, seed: int, number: int) -> SyntheticArticle:
    """Article `number` of the set drawn with `seed`: the same bytes every time."""
    rng = random.Random(f"{seed}:{number}")
    topics = rng.sample(vocab.topics, rng.choice((1, 2, 2, 3)))
    actors = rng.sample(vocab.actors, rng.randint(2, 5))
    lead_actor = actors[0]
    subject = rng.choice(NOUNS)
    place = rng.choice(PLACES)
    title = f"{lead_actor} {rng.choice(VERBS)} {rng.choice(topics[0][1])} {subject} in {place}"
    title = title[0].upper() + title[1:]
    when = FIRST_DAY + dt.timedelta(minutes=MINUTES_APART * number + rng.randrange(MINUTES_APART))
    author = None if rng.random() < 0.3 else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    phrases = [phrase for _, topic_phrases in topics for phrase in topic_phrases]
    paragraphs, words = [], 0
    while words < WORDS_PER_ARTICLE:
        sentences = [_sentence(rng, phrases, actors) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.3:
            quote = " ".join(rng.sample(FILLER, 10))
            sentences.append(f"“{quote[0].upper()}{quote[1:]},” said {rng.choice(actors)}.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    return SyntheticArticle(
        number=number,
        title=title,
        slug=_slug(title) + f"-{number}",
        date=when,
        author=author,
        outlet=rng.choice(OUTLETS),
        topics=[name for name, _ in topics],
        actors=actors,
        paragraphs=paragraphs,
    )


def _sentence(rng: random.Random, phrases: list[str], actors: list[str]) -> str:
    words = rng.sample(FILLER, rng.randint(12, 20))
    words.insert(rng.randrange(len(words)), rng.choice(phrases))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(actors))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 98)} percent")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def as_text_seed(article: SyntheticArticle) -> str:
    """A plain-text scrape in the autoblog layout: title, byline, date line, title again, body."""
    byline = f"By {article.author}" if article.author else "Admin"
    date_line = f"{article.date:%B} {article.date.day}, {article.date.year}"
    trailer = f"For more details, visit {article.outlet}."
    parts = [article.title, byline, date_line, article.title, *article.paragraphs, trailer]
    return "\n\n".join(parts) + "\n"


def as_html_seed(article: SyntheticArticle) -> str:
    """A saved news page: metadata in the head, chrome around the article."""
    title, outlet = html.escape(article.title), html.escape(article.outlet)
    url = f"https://news.example.com/{article.date:%Y/%m/%d}/{article.slug}"
    author = (
        f'<meta name="author" content="{html.escape(article.author)}">' if article.author else ""
    )
    byline = f'<p class="byline">By {html.escape(article.author)}</p>' if article.author else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    related = "\n".join(
        f'<li><a href="/story/{n}">{html.escape(w)} latest</a></li>'
        for n, w in enumerate(FILLER[:6])
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {outlet}</title>
<link rel="canonical" href="{url}">
<meta name="description" content="{html.escape(article.summary)}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{article.date:%Y-%m-%dT%H:%M:%S}+00:00">
{author}
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a>
<a href="/subscribe">Subscribe</a></nav></header>
<main>
<article>
<h1>{title}</h1>
{byline}
<time datetime="{article.date:%Y-%m-%d}">{article.date:%d %B %Y}</time>
{body}
</article>
<aside><h2>Related</h2><ul>
{related}
</ul></aside>
</main>
<footer><p>&copy; {article.date.year} {outlet}. All rights reserved.</p></footer>
</body>
</html>
"""


def as_pelican_markdown(article: SyntheticArticle) -> str:
    """The same article as plain Pelican expects it: metadata lines, then Markdown."""
    meta = [
        f"Title: {article.title}",
        f"Date: {article.date:%Y-%m-%d %H:%M}",
        f"Slug: {article.slug}",
        f"Tags: {', '.join(article.tags)}",
        f"Summary: {article.summary}",
    ]
    if article.author:
        meta.append(f"Author: {article.author}")
    return "\n".join(meta) + "\n\n" + "\n\n".join(article.paragraphs) + "\n"


def as_hugo_markdown(article: SyntheticArticle) -> str:
    """The same article for Hugo (benchmarks/hugo/): YAML front matter with the topics, the
    actors, the day's edition and the month as taxonomies, then Markdown."""
    meta = {
        "title": article.title,
        "date": f"{article.date:%Y-%m-%dT%H:%M:%SZ}",
        "slug": article.slug,
        "summary": article.summary,
        "topics": article.topics,
        "actors": article.actors,
        "editions": [f"{article.date:%Y-%m-%d}"],
        "months": [f"{article.date:%Y-%m}"],
    }
    if article.author:
        meta["author"] = article.author
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return "---\n" + front + "---\n\n" + "\n\n".join(article.paragraphs) + "\n"


def _hugo_taxonomies(hugo_dir: Path) -> None:
    """Days and months have pages but no feeds, as in `invoke build`'s site."""
    for taxonomy in ("editions", "months"):
        path = hugo_dir / taxonomy / "_index.md"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"---\ntitle: {taxonomy}\ncascade:\n  outputs: [HTML]\n---\n", "utf-8")


def seed_name(article: SyntheticArticle, is_html: bool) -> str:
    return f"{article.number:06d}_{article.slug[:40].rstrip('-')}.{'html' if is_html else 'txt'}"


def is_html_seed(seed: int, number: int, html_share: float) -> bool:
    return random.Random(f"{seed}:{number}:format").random() < html_share


def generate(
    count: int,
    seeds_dir: Path | None = None,
    markdown_dir: Path | None = None,
    *,
    seed: int = 1,
    start: int = 0,
    html_share: float = HTML_SHARE,
    vocab: Vocabulary | None = None,
    progress: bool = True,
    hugo_dir: Path | None = None,
) -> list[Path]:
    """Write articles start .. start+count-1 as raw seeds, plain Pelican Markdown and/or Hugo
    content (`hugo_dir`: a Hugo content folder; the articles go to its posts/)."""
    vocab = vocab or load_vocabulary()
    written = []
    numbers = range(start, start + count)
    if progress:
        from tqdm import tqdm

        numbers = tqdm(numbers, desc="generate", unit="article", leave=False, disable=None)
    for number in numbers:
        article = make_article(vocab, seed, number)
        if seeds_dir is not None:
            is_html = is_html_seed(seed, number, html_share)
            path = Path(seeds_dir) / seed_name(article, is_html)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(as_html_seed(article) if is_html else as_text_seed(article), "utf-8")
            written.append(path)
        if markdown_dir is not None:
            path = Path(markdown_dir) / f"{article.number:06d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(as_pelican_markdown(article), "utf-8")
        if hugo_dir is not None:
            _hugo_taxonomies(Path(hugo_dir))
            path = Path(hugo_dir) / "posts" / f"{article.number:06d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(as_hugo_markdown(article), "utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="number of the first article")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files")
    parser.add_argument("--html-share", type=float, default=HTML_SHARE)
    parser.add_argument("--seeds", type=Path, help="folder for raw seeds (.txt and .html)")
    parser.add_argument("--markdown", type=Path, help="folder for plain Pelican Markdown")
    parser.add_argument("--hugo", type=Path, help="Hugo content folder (articles in posts/)")
    args = parser.parse_args(argv)
    if args.seeds is None and args.markdown is None and args.hugo is None:
        parser.error("give --seeds, --markdown and/or --hugo")
    generate(
        args.count,
        args.seeds,
        args.markdown,
        seed=args.seed,
        start=args.start,
        html_share=args.html_share,
        hugo_dir=args.hugo,
    )
    print(f"generated {args.count} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
