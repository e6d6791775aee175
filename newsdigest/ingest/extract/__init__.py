"""Saved HTML page -> article body as Markdown, plus the metadata the page declares.

Who does what:
- lxml parses the page once; the same tree serves metadata and body.
- Metadata comes from what the page declares, most trusted first: JSON-LD
  (NewsArticle/Article, also inside @graph), Open Graph and article:* meta tags,
  other meta tags (author, dates, Dublin Core, microdata), then visible bylines
  and datelines (read with python-dateutil only when unambiguous).
- trafilatura finds the main text and hands back its XML tree (paragraphs,
  headings, lists, quotes, tables, links, images). When its quick pass finds no
  article container, readability's pick goes through it, then its full cascade.
- Our own rules, before and after trafilatura, remove what it keeps but is not
  the article: hidden elements, captions, decks, share and follow lines, "Read
  more" and related-link blocks, newsletter and paywall prompts, the headline
  and byline repeated at the top, credit lines at the end.
- Our own serializer writes the Markdown: text is escaped so nothing from the
  page becomes HTML, links are made absolute and kept only for http, https and
  mailto, images only for http and https.
"""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
import threading
import warnings
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
from dateutil import parser as dateutil_parser
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.external import try_readability

# trafilatura warns about every odd page it meets (a link without a target...);
# nothing there is for the person running an ingest to act on
logging.getLogger("trafilatura").setLevel(logging.ERROR)


@dataclass
class Page:
    """What one saved HTML page yields: metadata and the body as Markdown.

    `author` names real people only (no desks, agencies or the outlet); several
    become "A and B" or "A, B and C". `date` and `modified` are ISO 8601 with the
    offset the page declared (none when it declared none). `url` is the canonical
    URL, `image` the lead image, both absolute; `lang` a primary language subtag.
    """

    title: str | None
    body: str
    author: str | None
    date: str | None
    modified: str | None
    site_name: str | None
    url: str | None
    lang: str | None
    image: str | None


def extract_body(html: str) -> str:
    """The article body as Markdown (the benchmark's entry point)."""
    return extract_page(html).body


def extract_page(html: str, url: str | None = None) -> Page:
    """Extract metadata and the article body from a saved page's HTML text.

    `url` is where the page came from, if known; it is the base for relative
    links and the fallback for the canonical URL.
    """
    tree = parse_html(html)
    if tree is None:
        return Page(None, "", None, None, None, None, url, None, None)
    meta = read_metadata(tree, url)
    base = url or _base_href(tree) or meta.url
    body = extract_markdown(tree, base, meta)
    if meta.image is None:  # no lead image declared: the article's first picture
        first_image = FIRST_IMAGE.search(body)
        meta.image = first_image.group(1) if first_image else None
    return Page(
        title=meta.title,
        body=body,
        author=meta.author,
        date=meta.date,
        modified=meta.modified,
        site_name=meta.site_name,
        url=meta.url,
        lang=meta.lang,
        image=meta.image,
    )


FIRST_IMAGE = re.compile(r"^!\[[^\]\n]*\]\((https?://[^)\s]+)\)", re.M)


# ---------------------------------------------------------------------------
# Parsing

_PARSERS = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> lxml.html.HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.html.HTMLParser(
            collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
        )
    return parser


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")  # never text; XML trees refuse them
_CONTROL_CHARS = [chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127)]


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse page text into an lxml tree; None for an empty page."""
    html = _XML_DECLARATION.sub("", html.lstrip("\ufeff"), count=1)
    if any(char in html for char in _CONTROL_CHARS):  # a quick look first: they are rare
        html = _CONTROL.sub("", html)
    if not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html, parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    return tree


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _base_href(tree) -> str | None:
    for href in tree.xpath("//head/base/@href"):
        if _is_web_url(href):
            return href.strip()
    return None


def _scheme(value: str) -> str | None:
    """The URL's scheme in lower case ("" when relative), None when it is not a URL at all."""
    try:
        return urlsplit(value).scheme.lower()
    except ValueError:  # e.g. an unclosed "[" where a host should be
        return None


def _join(base: str, value: str) -> str | None:
    try:
        return urljoin(base, value)
    except ValueError:
        return None


def _is_web_url(value: str | None) -> bool:
    return bool(value) and _scheme(value.strip()) in ("http", "https")


# ---------------------------------------------------------------------------
# Metadata

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "liveblogposting",
    "blogposting",
    "socialmediaposting",
    "report",
    "techarticle",
    "scholarlyarticle",
}
ORGANIZATION_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]{1,2}\s+")


@dataclass
class Metadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    modified: str | None = None
    site_name: str | None = None
    url: str | None = None
    lang: str | None = None
    image: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()  # every name seen, for removing bylines from the body
    titles: tuple[str, ...] = ()  # every headline the page declares, to spot it in the body


def read_metadata(tree, url: str | None = None) -> Metadata:
    """Collect the page's declared metadata, most trusted source first."""
    meta_tags = _meta_tags(tree)
    article = _json_ld_article(tree)
    ld = _from_json_ld(article) if article else {}

    def first(*values):
        for value in values:
            if isinstance(value, str) and value.strip():
                # JSON-LD strings never went through the HTML parser: "&#8216;" is still there
                return " ".join(html_lib.unescape(value).split())
        return None

    site_name = first(
        *(
            name
            for name in (ld.get("publisher"), meta_tags.get("og:site_name"))
            if name and not name.strip().startswith("@") and not _is_web_url(name)
        )
    )  # a "@handle" or a bare URL is not the outlet's name
    h1 = tree.xpath("//h1")
    h1_text = _text(h1[0]) if h1 else None
    html_title = tree.xpath("//head/title")
    raw_title = first(
        ld.get("headline"),
        meta_tags.get("og:title"),
        meta_tags.get("twitter:title"),
        meta_tags.get("dc.title"),
        _text(html_title[0]) if html_title else None,
        h1_text,
    )
    canonical = None
    for href in tree.xpath("//link[@rel][@href]"):
        if "canonical" in href.get("rel", "").lower().split():
            canonical = href.get("href").strip()
            break
    page_url = first(
        _absolute(canonical, url),
        _absolute(meta_tags.get("og:url"), url),
        _absolute(ld.get("url"), url),
        url,
    )
    base = url or page_url
    # authors: the first source that names real people wins; later ones only add noise
    people: list[str] = []
    for names in (
        lambda: ld.get("authors", ()),
        lambda: [
            *_split_names(meta_tags.get("article:author")),
            *_split_names(meta_tags.get("author")),
            *_split_names(meta_tags.get("dc.creator")),
            *_split_names(meta_tags.get("byl")),
            *_split_names(meta_tags.get("sailthru.author")),
            *_split_names(meta_tags.get("parsely-author")),
        ],
        lambda: _microdata_authors(tree),
        lambda: _visible_bylines(tree),
    ):
        people = _unique([n for n in map(_clean_name, names()) if _is_person_name(n, site_name)])
        if people:
            break
    declared_dates = (
        ld.get("datePublished"),
        meta_tags.get("article:published_time"),
        meta_tags.get("og:article:published_time"),
        meta_tags.get("datepublished"),
        meta_tags.get("date"),
        meta_tags.get("pubdate"),
        meta_tags.get("publishdate"),
        meta_tags.get("publish-date"),
        meta_tags.get("dc.date.issued"),
        meta_tags.get("dc.date"),
        meta_tags.get("dcterms.created"),
        meta_tags.get("sailthru.date"),
        meta_tags.get("parsely-pub-date"),
        ld.get("dateCreated"),
    )
    date = first(*map(_iso_date, declared_dates)) or first(*map(_iso_date, _visible_times(tree)))
    modified = first(
        _iso_date(ld.get("dateModified")),
        _iso_date(meta_tags.get("article:modified_time")),
        _iso_date(meta_tags.get("og:updated_time")),
        _iso_date(meta_tags.get("datemodified")),
        _iso_date(meta_tags.get("dcterms.modified")),
        _iso_date(meta_tags.get("last-modified")),
    )
    image = first(
        _absolute(ld.get("image"), base),
        _absolute(meta_tags.get("og:image"), base),
        _absolute(meta_tags.get("og:image:url"), base),
        _absolute(meta_tags.get("twitter:image"), base),
        _absolute(meta_tags.get("twitter:image:src"), base),
    )
    return Metadata(
        title=clean_title(raw_title, site_name, h1_text),
        author=_join_names(people),
        date=date,
        modified=modified,
        site_name=site_name,
        url=page_url,
        lang=_language(tree, meta_tags, ld),
        image=image,
        description=first(
            ld.get("description"), meta_tags.get("og:description"), meta_tags.get("description")
        ),
        authors=tuple(people),
        titles=tuple(
            t
            for t in (
                ld.get("headline"),
                meta_tags.get("og:title"),
                meta_tags.get("twitter:title"),
                h1_text,
                _text(html_title[0]) if html_title else None,
            )
            if isinstance(t, str) and t.strip()
        ),
    )


def _meta_tags(tree) -> dict[str, str]:
    """<meta> name/property/itemprop/http-equiv -> content (first wins), keys lower-cased."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), content.strip())
    return tags


def _json_ld_objects(tree):
    """Every JSON object in the page's JSON-LD scripts, flattened out of lists and @graph."""
    for script in tree.xpath("//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # raw newlines and tabs inside strings are common and harmless
                data = json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[0:0] = item
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack[0:0] = item["@graph"]


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _json_ld_article(tree) -> dict | None:
    objects = list(_json_ld_objects(tree))
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return {"__ids__": by_id, **obj}
    for obj in objects:  # a WebPage that carries article fields
        if "webpage" in _types(obj) and (obj.get("headline") or obj.get("datePublished")):
            return {"__ids__": by_id, **obj}
    return None


def _from_json_ld(article: dict) -> dict:
    """The fields we use from a JSON-LD article object, as plain strings."""
    by_id = article.get("__ids__", {})

    def resolve(value):
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
            return by_id[value["@id"]]
        return value

    def as_text(value):
        value = resolve(value)
        if isinstance(value, list):
            value = value[0] if value else None
            value = resolve(value)
        if isinstance(value, dict):
            value = value.get("name") or value.get("url") or value.get("@id")
        return value if isinstance(value, str) else None

    def as_url(value):
        value = resolve(value)
        if isinstance(value, list):
            value = resolve(value[0]) if value else None
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl") or value.get("@id")
        return value if isinstance(value, str) else None

    authors: list[str] = []
    raw_authors = resolve(article.get("author") or article.get("creator"))
    for person in raw_authors if isinstance(raw_authors, list) else [raw_authors]:
        person = resolve(person)
        if isinstance(person, dict):
            if _types(person) & ORGANIZATION_TYPES:
                continue
            name = person.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                authors.extend(_split_names(name))
        elif isinstance(person, str):
            authors.extend(_split_names(person))
    main = resolve(article.get("mainEntityOfPage"))
    url = article.get("url") if isinstance(article.get("url"), str) else None
    if not url and isinstance(main, dict):
        url = main.get("@id") or main.get("url")
    elif not url and isinstance(main, str):
        url = main
    return {
        "headline": as_text(article.get("headline")) or as_text(article.get("name")),
        "authors": authors,
        "datePublished": as_text(article.get("datePublished")),
        "dateCreated": as_text(article.get("dateCreated")),
        "dateModified": as_text(article.get("dateModified")),
        "publisher": as_text(article.get("publisher"))
        or as_text(article.get("sourceOrganization")),
        "url": url if isinstance(url, str) else None,
        "image": as_url(article.get("image")) or as_url(article.get("thumbnailUrl")),
        "inLanguage": as_text(article.get("inLanguage")),
        "description": as_text(article.get("description")),
    }


def _microdata_authors(tree) -> list[str]:
    names = []
    for node in tree.xpath('//*[@itemprop="author"]'):
        named = node.xpath('.//*[@itemprop="name"]')
        value = (
            (named[0].get("content") or _text(named[0]))
            if named
            else (node.get("content") or _text(node))
        )
        names.extend(_split_names(value))
    return names[:5]


BYLINE_XPATH = (
    '//*[@rel="author"] | //*[contains(@class, "byline")] | //*[contains(@class, "author-name")]'
    ' | //*[contains(@class, "author__name")] | //address[contains(@class, "author")]'
    ' | //a[contains(@href, "/author/") or contains(@href, "/authors/")]'
)  # the last: links to a writer's page, as blog and news CMSs make them


def _visible_bylines(tree) -> list[str]:
    names = []
    for node in tree.xpath(BYLINE_XPATH)[:6]:
        text = _text(node)
        if 0 < len(text) <= 80:
            names.extend(_split_names(text))
    return names


VISIBLE_DATE_XPATH = etree.XPath(
    '//*[@itemprop="datePublished"] | //time | //*[contains(@class, "date") or '
    'contains(@class, "publish") or contains(@class, "posted") or contains(@class, "time")]'
)


def _visible_times(tree) -> list[str]:
    """Datetimes shown on the page (<time>, dateline elements), in page order, no updates."""
    values = []
    for node in VISIBLE_DATE_XPATH(tree)[:12]:
        value = node.get("datetime") or node.get("content") or _text(node)
        if value and len(value) <= 80 and not re.match(r"\W*(?:updated|modified)", value, re.I):
            values.append(value)
    return values


NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b)\s*", re.I)
BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|de|door|av|af|автор|от)[:\s]+", re.I)
PLACEHOLDER_AUTHOR = re.compile(
    r"\b(?:staff|admin|administrator|editor|editors|editorial|desk|newsroom|team|"
    r"reporter|reporters|correspondent|correspondents|contributor|contributors|guest|"
    r"writer|writers|columnist|columnists|photographer|producer|business|"
    r"anonymous|unknown|agency|agencies|wire|wires|press|associated|reuters|afp|"
    r"bureau|news|media|online|digital|web|redaktion|rédaction|redacción|redação|"
    r"редакция|service|services|official|group|inc|ltd|llc|company|sponsored|partner)\b",
    re.I,
)


def _split_names(value) -> list[str]:
    if not isinstance(value, str) or not value.strip() or _is_web_url(value) or "@" in value:
        return []
    value = BYLINE_PREFIX.sub("", " ".join(value.split()))
    return [part for part in NAME_SPLIT.split(value) if part]


def _clean_name(name: str) -> str:
    name = BYLINE_PREFIX.sub("", name.strip(" .|-–—:"))
    return name.strip(" .|-–—:")


def _is_person_name(name: str, site_name: str | None) -> bool:
    """A real person's name: two to five words of letters, not a desk, agency or the outlet."""
    if not name or PLACEHOLDER_AUTHOR.search(name):
        return False
    if site_name:
        site_words = set(_fold(site_name).split()) - {"the"}
        name_words = set(_fold(name).split())
        if name_words <= set(_fold(site_name).split()) or (site_words and site_words <= name_words):
            return False  # the outlet itself, or "CNN Business" on CNN
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    if any(ch.isdigit() for ch in name) or re.search(r"[@/<>{}\[\]=#|]", name):
        return False
    if name.isupper() and len(name) > 3 and not any(len(w) <= 2 for w in words):
        return False  # "NEWS DESK"-like shouting is rarely a byline
    return all(
        w[0].isalpha() and w[0].upper() == w[0] or w.lower() in _NAME_PARTICLES for w in words
    )


_NAME_PARTICLES = {
    "de",
    "da",
    "di",
    "van",
    "von",
    "der",
    "den",
    "del",
    "la",
    "le",
    "du",
    "bin",
    "al",
    "el",
    "y",
}


def _unique(names: list[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _join_names(names: list[str]) -> str | None:
    """One name, "A and B", or "A, B and C"."""
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


# offsets of the zone abbreviations that mean one thing only; others ("IST") stay unresolved
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200,
    "EEST": 10800, "MSK": 10800, "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000,
    "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200, "JST": 32400, "KST": 32400,
}  # fmt: skip
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# the parser knows English month names only; numeric dates must not be ambiguous
DAY_AND_MONTH = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}|\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I
)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
CLOCK = re.compile(r"\b\d{1,2}:\d\d\b")


def _iso_date(value) -> str | None:
    """A declared date as ISO 8601, keeping the timezone it was declared with.

    ISO 8601 and RFC 2822 dates are read exactly; anything else (a visible
    "Published 10:02 AM EST Nov 19, 2019") only when it names a year and a month.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 80:
        return None
    candidate = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
    candidate = re.sub(r"(\.\d{1,6})\d*", r"\1", candidate)  # fromisoformat takes at most micro
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", candidate)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", candidate):
        return candidate if 1900 <= int(candidate[:4]) <= 2100 else None
    parsed = None
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = _loose_date(value)
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    if not isinstance(parsed, datetime):
        return parsed.isoformat()
    return parsed.replace(microsecond=0).isoformat()


def _loose_date(value: str) -> datetime | date | None:
    """A date written for readers; None unless it names day, month and year."""
    if not YEAR.search(value):
        return None  # the parser would fill a missing part with today's
    numeric = NUMERIC_DATE.search(value)
    if numeric:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        if first <= 12 and second <= 12:
            return None  # 05/10/2018: May or October, depending on the country
        day_first = first > 12
    elif DAY_AND_MONTH.search(value):
        day_first = False
    else:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zones it cannot resolve are left out, not guessed
            parsed = dateutil_parser.parse(value, fuzzy=True, tzinfos=ZONES, dayfirst=day_first)
    except Exception:  # the parser raises several kinds on odd text
        return None
    return parsed if CLOCK.search(value) else parsed.date()


def _language(tree, meta_tags: dict[str, str], ld: dict) -> str | None:
    for value in (
        tree.get("lang"),
        tree.get("xml:lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        ld.get("inLanguage"),
        meta_tags.get("content-language"),
        meta_tags.get("og:locale"),
        meta_tags.get("language"),
        meta_tags.get("dc.language"),
    ):
        if isinstance(value, str):
            match = re.match(r"\s*([a-zA-Z]{2,3})(?:[-_]|\s*$|\s*,)", value)
            if match:
                return match.group(1).lower()
    return None


def _absolute(value, base: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    if _is_web_url(value):
        return value
    if base and _is_web_url(base):
        joined = _join(base, value)
        return joined if _is_web_url(joined) else None
    return None


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def clean_title(title: str | None, site_name: str | None, h1: str | None = None) -> str | None:
    """The headline without the outlet's name glued before or after it."""
    if not title:
        return None
    title = " ".join(title.split())
    h1_folded = _fold(h1 or "")
    title_folded = _fold(title)
    if (
        h1_folded
        and title_folded.startswith(h1_folded)
        and len(h1_folded) >= len(title_folded) / 3
        and len(h1) < len(title)
    ):
        return h1  # "<h1> | Site" in <title>: the h1 is the headline
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = _fold(site_name or "")
    site_words = set(site.split())
    if site:
        for index in (-1, 0):
            part = _fold(parts[index])
            part_words = part.split()
            if part and (
                set(part_words) <= site_words  # "Harbour Times" for "The Harbour Times"
                or (site in part and len(part_words) <= len(site_words) + 2)  # "... Online"
            ):
                rest = parts[1:] if index == 0 else parts[:-1]
                return _rejoin(title, rest)
    # no site name declared: a short last part after "|" is the outlet's name
    last = parts[-1]
    if "|" in title and len(last.split()) <= 4 and len(parts[0].split()) >= 3:
        return _rejoin(title, parts[:-1])
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    """Rebuild the kept parts with their original separators."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip()


# ---------------------------------------------------------------------------
# Body: cleaning the page tree before the main-text search

# class names that page builders use for what is not shown on screen, or only in print
HIDDEN_CLASSES = {
    "hide",
    "hidden",
    "is-hidden",
    "d-none",
    "visually-hidden",
    "visuallyhidden",
    "sr-only",
    "screen-reader-text",
    "screen-reader-only",
    "element-invisible",
    "offscreen",
    "print-only",
    "print-header",
    "print-footer",
    "printfooter",
}
# the deck or standfirst under a headline, and the kicker above it, restate or label the story
DECK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:standfirst|dek|subtitle|sub-title|subline|strapline|kicker|"
    r"article-summary|story-summary)(?:$|[\s_-])",
    re.I,
)  # not "subheadline": sites use it for the subheadings inside the text
DECK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "span", "div"}
NEVER_TEXT = ("style", "svg", "template", "noscript", "iframe", "object", "embed", "link", "canvas")
INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _preclean(tree) -> None:
    """Remove what a reader never sees as part of the article: hidden parts and captions.

    Scripts (but JSON-LD, trafilatura's last resort for the text), styles, SVG,
    frames and embeds go first: they are never text, and every later pass is
    quicker without them.
    """
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            _drop(script)
    etree.strip_elements(tree, *NEVER_TEXT, with_tail=False)
    doomed, subheadings = [], []
    for node in tree.iter():
        attrib = node.attrib
        if not attrib:
            if node.tag == "figcaption":
                doomed.append(node)
            continue
        classes = attrib.get("class", "").lower()
        style = attrib.get("style")
        if (
            node.tag == "figcaption"
            or "hidden" in attrib
            or attrib.get("aria-hidden") == "true"
            or "caption" in classes
            or (style and INVISIBLE_STYLE.search(style))
            or (classes and not HIDDEN_CLASSES.isdisjoint(classes.split()))
        ):
            if node.tag not in ("html", "body"):
                doomed.append(node)
        elif classes and node.tag in DECK_TAGS and DECK_CLASS.search(classes) and _is_short(node):
            doomed.append(node)
        elif (
            node.tag == "div" and ("head" in classes or "title" in classes) and _is_subheading(node)
        ):
            subheadings.append(node)
    for node in doomed:
        _drop(node)
    for node in subheadings:
        node.tag = "h3"  # a <div> styled as a subheading between paragraphs


def _is_subheading(node) -> bool:
    """A one-line <div> without children, between two paragraphs."""
    if len(node) or not node.text or len(node.text.split()) > 15:
        return False
    before, after = node.getprevious(), node.getnext()
    return before is not None and after is not None and before.tag == "p" and after.tag == "p"


def _is_short(node) -> bool:
    """A line or two of text, not a container of the article."""
    return len(node) < 4 and len(" ".join(node.itertext()).split()) < 60


def _drop(node) -> None:
    """Remove a node but keep its tail text in place."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail and tail.strip():
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


# ---------------------------------------------------------------------------
# Body: the main text, as Markdown blocks


@dataclass
class Block:
    """One top-level piece of the body: its Markdown and its plain text."""

    kind: str  # p, head, list, quote, table, code, image
    markdown: str
    text: str
    link_text: int = 0  # characters of text that sit inside links


def extract_markdown(tree, base: str | None, meta: Metadata) -> str:
    _preclean(tree)
    body = _main_text(tree, fast=True)
    if body is None or _is_page_dump(body):
        # the quick pass found no article container (pages built from <br> and
        # <div>): readability's pick of the densest block, else the full cascade
        body = _readability_text(tree)
        if body is None or not len(body):
            body = _main_text(tree, fast=False)
    if body is None:
        return ""
    if _is_page_dump(body):
        _split_lines(body)
    writer = MarkdownWriter(base)
    blocks = writer.blocks(body)
    blocks = filter_blocks(blocks, meta)
    return "\n\n".join(b.markdown for b in blocks if b.markdown).strip() + "\n" if blocks else ""


def _main_text(tree, fast: bool):
    """trafilatura's XML body for the page (it works on a copy of the tree)."""
    document = bare_extraction(
        tree,
        url=None,  # links are made absolute by our writer, once, for the links we keep
        fast=fast,
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_links=True,
        include_formatting=True,
        with_metadata=False,
    )
    return None if document is None else document.body


def _readability_text(tree):
    """trafilatura's XML for the block readability takes for the article, or None."""
    region = try_readability(deepcopy(tree))
    if region is None or len(_text(region)) < 200:
        return None
    page = lxml.html.Element("html")
    etree.SubElement(page, "body").append(region)
    return _main_text(page, fast=True)


def _split_lines(body) -> None:
    """A lump of text lines becomes one paragraph per line."""
    for lump in list(body):
        if lump.tag != "p" or len(lump) or not lump.text:
            continue
        for line in lump.text.split("\n"):
            if line.strip():
                paragraph = etree.Element("p")
                paragraph.text = line.strip()
                lump.addprevious(paragraph)
        body.remove(lump)


def _is_page_dump(body) -> bool:
    """True when the result is the whole page's text in one lump (the last-resort fallback)."""
    texts = [child.text or "" for child in body]
    return len(body) <= 2 and any(text.count("\n") > 20 for text in texts)


# ---------------------------------------------------------------------------
# Markdown writer

_SPACES = re.compile(r"\s+")
_LINE_BREAK = "\x00"  # stands for <br> until the block is assembled
_INLINE_ESCAPE = re.compile(r"([\\`*\[\]<>_~])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=]|\d{1,9}[.)](?=\s|$)|\|)")


def _escape(text: str) -> str:
    text = _INLINE_ESCAPE.sub(r"\\\1", text)
    return _ENTITY_LIKE.sub(r"\\&", text)


def _escape_block_start(text: str) -> str:
    match = _BLOCK_START.match(text)
    if not match:
        return text
    lead, marker = match.groups()
    if marker[0].isdigit():
        return lead + marker[:-1] + "\\" + marker[-1] + text[match.end() :]
    return lead + "\\" + marker + text[match.end() :]


def _safe_link(target: str | None, base: str | None) -> str | None:
    """An absolute http(s) or mailto URL, percent-encoded for Markdown, or None."""
    if not target:
        return None
    target = target.strip()
    scheme = _scheme(target)
    if scheme in ("http", "https", "mailto"):
        url = target
    elif scheme == "" and not target.startswith("#"):
        if target.startswith("//"):
            url = "https:" + target
        elif base and _is_web_url(base):
            url = _join(base, target)
        else:
            return None
        if not _is_web_url(url):
            return None
    else:
        return None
    if scheme != "mailto" and not _is_web_url(url):  # a host the URL parser refuses
        return None
    return quote(url, safe="/:?#@!$&'*+,;=%~-._")


class MarkdownWriter:
    """trafilatura's XML body -> Markdown blocks; every text node is escaped."""

    def __init__(self, base: str | None):
        self.base = base

    def blocks(self, body) -> list[Block]:
        out: list[Block] = []
        self._collect(body, out)
        return out

    def _collect(self, element, out: list[Block]) -> None:
        if element.text and element.text.strip():
            out.append(self._paragraph_from_text(element.text))
        for child in element:
            block = self._block(child)
            if block is None and child.tag not in ("list", "table", "quote"):
                # an unknown container: its children are blocks of their own
                self._collect(child, out)
            elif block is not None:
                out.append(block)
            if child.tail and child.tail.strip():
                out.append(self._paragraph_from_text(child.tail))

    def _paragraph_from_text(self, text: str) -> Block:
        plain = " ".join(text.split())
        return Block("p", _escape_block_start(_escape(plain)), plain)

    def _block(self, element) -> Block | None:
        tag = element.tag
        if tag in ("p", "div"):
            markdown, text, links = self._inline(element)
            if not text and not markdown:
                return None
            return Block("p", _escape_block_start(markdown), text, links)
        if tag == "head":
            markdown, text, links = self._inline(element, formatting=False)
            if not text:
                return None
            level = {"h1": 2, "h2": 2, "h3": 3}.get(element.get("rend", ""), 4)
            return Block("head", "#" * level + " " + _escape_block_start(markdown), text, links)
        if tag == "list":
            lines, text, links = self._list(element, "")
            if not text:
                return None
            return Block("list", "\n".join(lines), text, links)
        if tag == "quote":
            inner = MarkdownWriter(self.base).blocks(element)
            inner = [b for b in inner if b.markdown]
            if not inner:
                return None
            markdown = "\n>\n".join(
                "\n".join("> " + line if line else ">" for line in b.markdown.split("\n"))
                for b in inner
            )
            return Block(
                "quote",
                markdown,
                " ".join(b.text for b in inner),
                sum(b.link_text for b in inner),
            )
        if tag == "table":
            return self._table(element)
        if tag == "code":
            code = "".join(element.itertext()).strip("\n")
            if not code.strip():
                return None
            plain = " ".join(code.split())
            if "<" in code:
                # a code block would carry the page's "<" as is; escaped lines carry none
                lines = [_escape_block_start(_escape(line.strip())) for line in code.split("\n")]
                return Block("p", "\\\n".join(line for line in lines if line), plain)
            # the fence is longer than any run of tildes inside, so it cannot close early
            fence = "~" * max(3, 1 + max(map(len, re.findall(r"~+", code)), default=0))
            return Block("code", f"{fence}\n{code}\n{fence}", plain)
        if tag == "graphic":
            image = self._image(element)
            return Block("image", image, "") if image else None
        if tag == "lb":
            return None
        if tag in ("hi", "ref", "del"):
            markdown, text, links = self._inline_wrapper(element)
            return Block("p", _escape_block_start(markdown), text, links) if text else None
        return None

    def _inline_wrapper(self, element):
        holder = etree.Element("p")
        clone = etree.fromstring(etree.tostring(element, with_tail=False))
        holder.append(clone)
        return self._inline(holder)

    def _image(self, element) -> str:
        src = _safe_link(element.get("src"), self.base)
        if not src or src.startswith("mailto:"):
            return ""
        alt = " ".join((element.get("alt") or element.get("title") or "").split())
        alt = alt.replace("[", "(").replace("]", ")").replace("\\", "")
        return f"![{_escape(alt)}]({src})"

    def _inline(
        self, element, formatting: bool = True, nested: bool = False
    ) -> tuple[str, str, int]:
        """Markdown, plain text and linked-text length of an element's inline content.

        Nested calls keep their outer spaces, so "on <a>Twitter</a>" keeps its space.
        """
        parts: list[str] = []
        plain: list[str] = []
        links = 0

        def add_text(value: str | None):
            if value:
                value = _SPACES.sub(" ", value)
                parts.append(_escape(value))
                plain.append(value)

        add_text(element.text)
        for child in element:
            tag = child.tag
            if tag == "lb":
                parts.append(_LINE_BREAK)
                plain.append(" ")
            elif tag == "ref":
                inner_md, inner_text, _ = self._inline(child, formatting, nested=True)
                target = _safe_link(child.get("target"), self.base)
                label = inner_md.strip()
                if target and label and "\n" not in label:
                    lead = inner_md[: len(inner_md) - len(inner_md.lstrip())]
                    trail = inner_md[len(inner_md.rstrip()) :]
                    parts.append(f"{lead}[{label}]({target}){trail}")
                else:
                    parts.append(inner_md)
                plain.append(inner_text)
                if (child.get("target") or "#").strip()[:1] != "#":  # anchors are not links away
                    links += len(inner_text.strip())
            elif tag == "hi" and formatting:
                inner_md, inner_text, inner_links = self._inline(child, formatting, nested=True)
                marker = {"#b": "**", "#i": "*"}.get(child.get("rend", ""), "")
                parts.append(_wrap(inner_md, marker))
                plain.append(inner_text)
                links += inner_links
            elif tag == "graphic":
                image = self._image(child)
                if image:
                    parts.append(" " + image + " ")
            elif tag in ("list", "table", "quote", "p", "head"):
                block = self._block(child)
                if block is not None:
                    parts.append("\n\n" + block.markdown + "\n\n")
                    plain.append(" " + block.text + " ")
                    links += block.link_text
            else:
                inner_md, inner_text, inner_links = self._inline(child, formatting, nested=True)
                parts.append(inner_md)
                plain.append(inner_text)
                links += inner_links
            add_text(child.tail)
        if nested:
            return "".join(parts), "".join(plain), links
        return _tidy("".join(parts)), " ".join("".join(plain).split()), links

    def _list(self, element, indent: str) -> tuple[list[str], str, int]:
        """Markdown lines of a list; nested lists sit under their item's text."""
        ordered = element.get("rend", "") == "ol"
        lines: list[str] = []
        texts: list[str] = []
        links = 0
        number = 0
        for item in element:
            if item.tag != "item":
                continue
            nested = [child for child in item if child.tag == "list"]
            for child in nested:
                item.remove(child)
            markdown, text, item_links = self._inline(item)
            marker = f"{number + 1}." if ordered else "-"
            inner_indent = indent + " " * (len(marker) + 1)
            if text or markdown:
                number += 1
                body = _escape_block_start(markdown).replace("\n", "\n" + inner_indent)
                lines.append(f"{indent}{marker} {body}")
                texts.append(text)
                links += item_links
            for child in nested:
                sub_lines, sub_text, sub_links = self._list(child, inner_indent if text else indent)
                lines.extend(sub_lines)
                texts.append(sub_text)
                links += sub_links
        return lines, " ".join(t for t in texts if t), links

    def _table(self, element) -> Block | None:
        rows = []
        links = 0
        for row in element.iter("row"):
            cells = []
            for cell in row:
                if cell.tag != "cell":
                    continue
                markdown, text, cell_links = self._inline(cell)
                links += cell_links
                cells.append((" ".join(markdown.split()).replace("|", "\\|"), text))
            if any(text for _, text in cells):
                rows.append(cells)
        if not rows:
            return None
        text = " ".join(t for row in rows for _, t in row if t)
        width = max(len(row) for row in rows)
        if width == 1:
            markdown = "\n\n".join(_escape_block_start(row[0][0]) for row in rows)
            return Block("p", markdown, text, links)
        lines = []
        for index, row in enumerate(rows):
            cells = [md for md, _ in row] + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "---|" * width)
        return Block("table", "\n".join(lines), text, links)


def _wrap(markdown: str, marker: str) -> str:
    """Emphasis around the text, with its outer spaces kept outside the markers."""
    core = markdown.strip()
    if not marker or not core or "\n" in core:
        return markdown
    lead = markdown[: len(markdown) - len(markdown.lstrip())]
    trail = markdown[len(markdown.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _tidy(markdown: str) -> str:
    """Collapse runs of spaces, trim each line, turn <br> into Markdown hard breaks."""
    lines = [" ".join(line.split()) for line in markdown.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    out = re.sub(r"\s*\x00(\s*\x00)*\s*", "\x00", out).strip("\x00 ")
    first, *rest = out.split(_LINE_BREAK)
    return "\\\n".join([first, *(_escape_block_start(line) for line in rest)])


# ---------------------------------------------------------------------------
# Body: block filters (boilerplate trafilatura keeps)


# Short blocks that open with one of these are page furniture, not reporting.
FURNITURE_START = re.compile(
    r"^[^\w\"“‘'«„]*(?:"
    r"(?:read|see|watch|listen|click|tap|scroll)(?: to)? (?:more|also|next|here|the full|our)\b"
    r"|related(?: (?:articles?|stories|content|coverage|posts?|reading|links?|news))?\W*(?::|$)"
    r"|more(?: on this| from| stories| news| coverage| about)?\W*(?::|$)"
    r"|also\s*:"
    r"|(?:also read|don'?t miss|must read|trending|most popular|recommended(?: for you)?"
    r"|top stories|you (?:may|might) also like|more to explore|further reading|editor'?s picks?)"
    r"\W*(?::|$)"
    r"|(?:sign up|subscribe)\b.*\b(?:newsletters?|updates|alerts|e-?mails?|inbox|podcasts?|channel)\b"
    r"|follow (?:us|him|her|them|\w+(?: \w+)?) (?:on|at)\b"
    r"|share (?:this|on|via)\b|share$|tweet$|e-?mail$|print$|order reprints"
    r"|(?:\d+ )?comments?\W*$|(?:leave|post|add|view|show) (?:a |the |all )?comments?\b"
    r"|advertisement\W*$|sponsored\W*$|(?:story|article|ad) continues below"
    r"|continue (?:reading|below)\W*(?:below|here)?\W*$"
    r"|(?:additional |further )?reporting by\b|(?:writing|editing) by\b"
    r"|©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*(?:\d{4}|by\b|of\b)"
    r"|copyright\b.{0,60}\b(?:19|20)\d\d\b"
    r"|sources?\s*:\s*\S+(?:\s+\S+){0,5}$"
    r"|listen (?:to|back|again|live)\b.{0,80}\b(?:live|podcast|episode|here|app)\b"
    r"|(?:photo|image|picture|video|graphic)s?(?: credit)?\s*:"
    r"|\d+\s*(?:min|minute)s?\s*read\b|reading time\b|tempo de leitura|lesezeit|temps de lecture"
    r"|(?:leia|veja) (?:mais|também)|lesen sie (?:auch|mehr)|mehr zum thema|(?:à )?lire aussi"
    r"|lee (?:también|más)|leer más|читайте (?:также|еще)|смотрите также"
    r")",
    re.I,
)
FURNITURE_ANYWHERE = re.compile(
    r"all rights reserved|contributed to this report|contributed reporting"
    r"|this copy is for your personal|(?:sign|signing) up (?:for|to) (?:our|the) newsletter"
    r"|(?:subscribe|log in|sign in|register) to (?:keep|continue) reading|already a subscriber",
    re.I,
)
# a paragraph that sells something or points to the writer's social accounts, at the end
PROMO = re.compile(
    r"\buse (?:the )?(?:promo |coupon |discount )?code\s*[\"“'‘]?[A-Z0-9]{4,}"
    r"|\bfollow (?:him|her|them|us|me) on (?:twitter|x|facebook|instagram|linkedin|threads|bluesky)\b",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SHORT_BLOCK_WORDS = 25


def filter_blocks(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Drop what trafilatura keeps but a reader of the article does not need."""
    blocks = [b for b in blocks if b.markdown.strip()]
    blocks = _drop_leading_repeats(blocks, meta)
    blocks = [b for b in blocks if not _is_furniture(b)]
    blocks = [b for b in blocks if not (len(b.text.split()) <= 80 and PROMO.search(b.text))]
    blocks = _cut_closing_sections(blocks)
    blocks = _drop_trailing_credits(blocks, meta)
    while blocks and blocks[-1].kind in ("head", "image"):
        blocks = blocks[:-1]  # a heading with nothing left under it
    return blocks


# sections that close press releases and articles without being part of the story
CLOSING_SECTION = re.compile(
    r"^\W*(?:about the (?:authors?|writers?|reporters?)|media contacts?|press contacts?"
    r"|media enquiries|press enquiries|forward-looking statements?|disclaimer)\W*$",
    re.I,
)


def _cut_closing_sections(blocks: list[Block]) -> list[Block]:
    """Everything from an "About the author" or "Media contact" heading in the second half on."""
    for index in range(len(blocks) // 2, len(blocks)):
        block = blocks[index]
        if block.kind in ("head", "p") and CLOSING_SECTION.match(block.text):
            return blocks[:index]
    return blocks


def _is_furniture(block: Block) -> bool:
    text = block.text
    if block.kind == "image" or block.kind == "code":
        return False
    words = len(text.split())
    link_share = block.link_text / max(1, len(text))
    if block.kind == "list" and (link_share > 0.6 or _is_teaser_list(block)):
        return True  # lists of links are related stories or navigation
    if block.kind in ("p", "quote") and link_share > 0.8 and words < 40:
        return True  # a teaser line that is only a link
    if words > SHORT_BLOCK_WORDS:
        return False
    return bool(FURNITURE_START.match(text) or FURNITURE_ANYWHERE.search(text))


def _is_teaser_list(block: Block) -> bool:
    """A list whose every item opens with a linked headline: more stories elsewhere."""
    items = [line for line in block.markdown.split("\n") if LIST_ITEM.match(line)]
    if len(items) < 3:
        return False
    led = sum(1 for line in items if LINK_LED_ITEM.match(line))
    return led / len(items) >= 0.8 and block.link_text / max(1, len(block.text)) > 0.3


LIST_ITEM = re.compile(r"^(?:-|\d+\.) ")
LINK_LED_ITEM = re.compile(r"^(?:-|\d+\.) \[[^\]]*(?:\s[^\]]*){2,}\]\([^)]*\)\s*(?:\\)?$")


def _drop_trailing_credits(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Closing lines about the writer ("write to ... at", "X is our correspondent") are credits."""
    names = [_fold(name) for name in meta.authors]
    while blocks:
        text = blocks[-1].text
        words = len(text.split())
        contact = words <= 15 and EMAIL.search(text)
        bio = words <= 40 and any(name and name in _fold(text) for name in names)
        if not (contact or bio):
            break
        blocks = blocks[:-1]
    return blocks


def _drop_leading_repeats(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Headline, standfirst and byline repeated above the text belong in the front matter.

    Before the first paragraph, a heading that shares most words with a declared
    title, or that reads like a sentence (a deck), is dropped; short section
    headings stay. So are byline and dateline lines, and a first image that is
    the declared lead image.
    """
    folded_titles = {_fold(t) for t in meta.titles if t}
    title_words = [set(t.split()) for t in folded_titles]
    description = _fold(meta.description or "")
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        folded = _fold(block.text)
        if block.kind == "p" and (folded in folded_titles or _is_byline(block.text, meta)):
            continue
        if block.kind not in ("head", "image"):
            return kept + blocks[index:]
        if block.kind == "image":
            if not (meta.image and meta.image.split(":", 1)[-1] in block.markdown):
                kept.append(block)
            continue
        words = set(folded.split())
        title_like = any(len(words & t) >= 0.6 * max(len(words), 1) for t in title_words)
        deck_like = len(block.text.split()) >= 8 or (description and folded == description)
        if not (title_like or deck_like):
            kept.append(block)
    return kept


DATE_LIKE = re.compile(
    r"^\W*(?:updated|published|posted|am|le|el|em|vom)?\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|"
    r"(?:\w+,? )?\d{1,2}(?:st|nd|rd|th)? \w+,? \d{4}|\w+ \d{1,2},? \d{4})\b",
    re.I,
)


def _is_byline(text: str, meta: Metadata) -> bool:
    """A short "By A. Writer, 12 May 2026" line above the text."""
    words = text.split()
    if not words or len(words) > 15:
        return False
    if BYLINE_PREFIX.match(text) and len(words) <= 10:
        return True
    folded = _fold(text)
    if any(_fold(name) and _fold(name) in folded for name in meta.authors):
        return True
    return bool(DATE_LIKE.match(text)) and len(words) <= 8
