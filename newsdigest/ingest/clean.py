"""Clean a raw article into an Article: title, byline, date, body, attribution.

Plain-text scrapes from autoblogs follow a loose layout: the title, a byline
(often a placeholder such as `Admin`), the title again, body paragraphs, then
site boilerplate (`For more details ... visit BBC News.`, `Source link`,
`Related Posts`). Saved HTML pages go to `newsdigest.ingest.extract`.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata

from dateutil import parser as dateparser

from newsdigest.article import Article, RawArticle
from newsdigest.content_format import drop_non_text_references, escape_markdown, printable
from newsdigest.provenance import Provenance, split_provenance
from newsdigest.text import strip_tags, summarize


class CleanError(Exception):
    """The file was readable but holds no usable article."""


MAX_TITLE = 200
# Fewer words than this after cleaning is a menu, a button or a placeholder, not an article.
MIN_BODY_WORDS = 5
_WORD = re.compile(r"\w+")
HEADER_LINES = 6  # the byline, date line and repeated title sit within the first lines

# Bylines that name a role or a desk, not a person: never an `author`.
PLACEHOLDER_BYLINES = {
    "admin",
    "administrator",
    "editor",
    "editors",
    "editorial",
    "editorial staff",
    "editorial team",
    "editorial board",
    "editorial desk",
    "news desk",
    "newsdesk",
    "news staff",
    "news team",
    "newsroom",
    "staff",
    "staff reporter",
    "staff writer",
    "staff writers",
    "reporter",
    "web desk",
    "web team",
    "digital desk",
    "online desk",
    "desk",
    "team",
    "guest",
    "guest author",
    "guest contributor",
    "contributor",
    "contributors",
    "anonymous",
    "unknown",
    "author",
    "webmaster",
    "moderator",
    "site admin",
    "the editors",
    "our correspondent",
    "correspondent",
    "agencies",
    "wire",
    "wire services",
    "press release",
}
_BYLINE = re.compile(r"^(?:by|written by|posted by|author:?)\s+(?P<name>.+?)\s*$", re.IGNORECASE)
_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|der|da|di|al|bin|la|le))*$")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_ORG_WORDS = re.compile(
    r"\b(?:news|desk|staff|team|agency|agencies|press|media|reuters|associated|afp|bloomberg|times|post|"
    r"daily|online|network|group|service|services|wire|bureau|editorial|admin)\b",
    re.IGNORECASE,
)

_ROLE_ONLY = re.compile(
    r"^(?:[a-z]+\s+){0,3}(?:correspondent|reporter|editor|writer|columnist|contributor|producer|"
    r"analyst|journalist|staffer|intern|desk|team|staff)s?$",
    re.IGNORECASE,
)
_DATE_PREFIX = re.compile(
    r"^(?:published|posted|updated|last updated|date|first published)\s*(?:on|at)?\s*:?\s*",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}})"
    rf"(?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,5}}|\s*[+-]\d{{2}}:?\d{{2}})?)?$",
    re.IGNORECASE,
)

# A line that ends the article: what follows is the site's, not the story's.
_TRAILER_START = re.compile(
    r"^(?:source\s*link|source\s*:?\s*link|related\s+(?:posts|articles|stories|news|reading)|"
    r"share\s+this(?:\s+(?:article|story|post))?\s*:?|you\s+(?:may|might)\s+also\s+like|"
    r"more\s+(?:from|stories|news)\b.*|leave\s+a\s+(?:reply|comment)|like\s+this\s*:?|"
    r"tags?\s*:.*|filed\s+under\s*:?.*|comments?|\d+\s+comments?|about\s+the\s+author|"
    r"recommended(?:\s+for\s+you)?|trending(?:\s+now)?|popular\s+posts|latest\s+news|post\s+navigation|"
    r"previous\s+(?:post|article)\b.*|next\s+(?:post|article)\b.*)$",
    re.IGNORECASE,
)
# A line that is chrome inside the body: dropped, and reading goes on.
_CHROME_LINE = re.compile(
    r"^(?:advertisement|advertisements|ad|sponsored(?:\s+content)?|promoted|"
    r"read\s+more\s*:?|read\s+more\s+(?:here|below)|continue\s+reading(?:\s*:|\.\.\.|…)?|"
    r"(?:also\s+read|read\s+also|see\s+also|related|must\s+read)\s*:.*|"
    r"click\s+here\b.*|subscribe\b.*newsletter.*|sign\s+up\b.*newsletter.*|"
    r"(?:share|tweet|email|print)(?:\s*(?:on)?\s*(?:facebook|twitter|x|whatsapp|linkedin|email|print|telegram))*|"
    r"facebook|twitter|whatsapp|linkedin|pinterest|telegram|reddit|"
    r"image\s+(?:source|credit)\s*:.*|photo\s*:.*|\(?(?:getty\s+images|reuters|ap|afp)\)?|"
    r"skip\s+to\s+content|scroll\s+to\s+top|back\s+to\s+top)\.?$",
    re.IGNORECASE,
)
# "For more details on ... visit BBC News." and its relatives: the attribution.
_ATTRIBUTION = re.compile(
    r"^(?:for\s+(?:more|further|full|the\s+full|additional)\b.*?|"
    r"(?:read|see)\s+(?:more|the\s+full\s+(?:story|article|report))\b.*?|"
    r"(?:this\s+(?:article|story)\s+)?(?:was\s+)?(?:originally|first)\s+(?:published|appeared)\s+(?:on|in|at|by)|"
    r"source\s*:|via\s*:?|courtesy(?:\s+of)?\s*:?|credit\s*:)"
    r"\s*(?:,\s*)?(?:please\s+)?(?:visit|see|go\s+to|head\s+to|check(?:\s+out)?|read|at|on|from|by)?\s*"
    r"(?:the\s+website\s+of\s+)?(?P<name>[A-Z0-9][\w&'’.+ -]{0,60}?)\s*[.!]?$",
    re.IGNORECASE,
)
# "Source: https://...", "Original article: https://...": the link to the original.
_SOURCE_LINK = re.compile(
    r"^(?:source|original(?:\s+(?:article|story|post|report))?|read\s+the\s+(?:original|full)"
    r"(?:\s+(?:article|story))?|originally\s+published\s+(?:at|on)|via)\s*:?\s*"
    r"<?(?P<url>https?://[^\s<>\"]+?)>?[.]?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;…\"”’')\]]$")


def clean(raw: RawArticle) -> Article:
    """Dispatch on the seed's format."""
    raw.text = printable(raw.text)  # parsers refuse controls and non-characters
    if raw.format == "html":
        return clean_html(raw)
    return clean_text(raw)


def clean_text(raw: RawArticle) -> Article:
    """Clean a plain-text scrape."""
    lines = [_tidy(line) for line in raw.text.split("\n")]
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        raise CleanError("file has no text")
    first = next((i for i in nonblank if _title(lines[i])), None)  # a line of tags is no title
    if first is None:
        raise CleanError("no title: the text holds only markup")
    title = _title(lines[first])
    rest = lines[first + 1 :]

    author, date, rest = _header(rest, title)
    paragraphs, source_name, source_url = _body(rest)
    _check_body(" ".join(paragraphs))
    return Article(
        title=title,
        body="\n\n".join(escape_markdown(p) for p in paragraphs),
        summary=summarize(_lead(paragraphs)),
        source_file=raw.path.name,
        author=author,
        date=date,
        source_name=source_name,
        source_url=source_url,
    )


def clean_html(raw: RawArticle) -> Article:
    """Clean a saved HTML page through the extractor.

    A fetched page carries its feed entry's provenance: the page's own metadata wins, the
    feed's fills what the page leaves out (link, source name, date, author, title).
    """
    from newsdigest.ingest.extract import extract_page

    provenance, text = split_provenance(raw.text)
    feed = provenance or Provenance()
    page = extract_page(drop_non_text_references(text), url=feed.url)
    body = (page.body or "").strip()
    _check_body(re.sub(r"\]\([^)]*\)", " ", body))  # link targets are not words
    title = (
        _title(html.unescape(page.title or ""))
        or _title(feed.title or "")
        or _title(html.unescape(_first_line(body)))
    )
    if not title:
        raise CleanError("no title after cleaning")
    return Article(
        title=title,
        body=body,
        summary=summarize(_plain_lead(body)),
        source_file=raw.path.name,
        author=page.author or _feed_author(feed.author),
        date=page.date or feed.published or feed.fetched,
        modified=page.modified,
        source_name=page.site_name or feed.source,
        source_url=page.url or feed.url,
        lang=page.lang or feed.lang,
        image=page.image,
    )


def _feed_author(name: str | None) -> str | None:
    """A feed's author field, when it names a person (not an address, a desk or the outlet)."""
    if not name:
        return None
    name = re.sub(r"\s*\(([^)]*)\)\s*$", r" \1", name) if "@" in name else name  # a@b (Name)
    name = re.sub(r"\S+@\S+", " ", name)
    name = " ".join(re.sub(r"^(?:by)\s+", "", name.strip(), flags=re.I).split())
    return (_parse_byline(f"By {name}") or None) if name else None


def _check_body(text: str) -> None:
    words = sum(1 for _ in itertools.islice(_WORD.finditer(text), MIN_BODY_WORDS))
    if words == 0:
        raise CleanError("no article text after cleaning")
    if words < MIN_BODY_WORDS:
        raise CleanError(f"no article text after cleaning (only {words} words left)")


def _tidy(line: str) -> str:
    """Collapse runs of white space (tabs, no-break spaces) and trim."""
    return " ".join(line.replace("\u00a0", " ").split())


def _title(line: str) -> str:
    title = _tidy(strip_tags(line))
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return title


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKC", s).casefold()
        return re.sub(r"\W+", "", s)

    return norm(a) == norm(b)


def _header(lines: list[str], title: str) -> tuple[str | None, str | None, list[str]]:
    """Take the byline, a date line and a repeated title off the top."""
    author = None
    date = None
    seen = 0
    index = 0
    while index < len(lines) and seen < HEADER_LINES:
        line = lines[index]
        if not line:
            index += 1
            continue
        seen += 1
        if _same_text(line, title):
            index += 1
            continue
        parsed_date = _parse_date_line(line)
        if parsed_date and date is None:
            date = parsed_date
            index += 1
            continue
        byline = _parse_byline(line)
        if byline is not None and author is None:
            author = byline or None
            index += 1
            continue
        break
    return author, date, lines[index:]


def _parse_byline(line: str) -> str | None:
    """'' for a placeholder byline, the name for a person, None when not a byline."""
    if len(line) > 80 or _SENTENCE_END.search(line) and not line.endswith("."):
        return None
    match = _BYLINE.match(line)
    name = match.group("name") if match else line
    name = name.strip(" .,|-–—")
    name = re.split(
        r"\s+[|·•–—-]\s+|,\s*(?=(?:staff|senior|chief|reporter|correspondent|editor))", name
    )[0]
    if name.casefold() in PLACEHOLDER_BYLINES:
        return ""
    if not match and (len(name.split()) < 2 or len(name.split()) > 4):
        return None  # a bare line is a byline only when it looks like a full name
    people = [p for p in _NAME_SPLIT.split(name) if p]
    if not people or len(people) > 4:
        return None
    if _ROLE_ONLY.search(name):
        return ""  # "Political Correspondent": a role with no name
    if any(_ORG_WORDS.search(p) for p in people):
        # "By Reuters", "Sports Desk": an outlet or a desk, not a person
        return "" if match or len(name.split()) <= 3 else None
    if not all(_NAME.match(p) and 1 < len(p.split()) <= 4 for p in people):
        return "" if match and len(people) == 1 and len(name.split()) == 1 else None
    return (
        " and ".join(people) if len(people) <= 2 else ", ".join(people[:-1]) + " and " + people[-1]
    )


def _parse_date_line(line: str) -> str | None:
    candidate = _DATE_PREFIX.sub("", line).strip()
    if len(candidate) > 60 or not _DATE_LINE.match(candidate):
        return None
    return _parsed_date(candidate)


@functools.lru_cache(maxsize=4096)
def _parsed_date(candidate: str) -> str | None:
    """dateutil's reading of a date line; a day's articles share theirs."""
    try:
        parsed = dateparser.parse(candidate.replace(" at ", " "), fuzzy=False)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None and not re.search(r"\d[:.]\d{2}", candidate):
        return parsed.date().isoformat()
    return parsed.isoformat()


def _body(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """Body paragraphs up to the trailer, and the source named by an attribution line and
    linked by a source line."""
    paragraphs: list[str] = []
    source_name = source_url = None
    after_blank = True
    for line in lines:
        if not line:
            after_blank = True
            continue
        if _TRAILER_START.match(line) or line.lower().startswith("source link"):
            break
        link = _SOURCE_LINK.match(line)
        if link and len(line) < 500:
            source_url = source_url or link.group("url")
            continue
        attribution = _ATTRIBUTION.match(line)
        if attribution and len(line) < 200:
            source_name = source_name or _source_name(attribution.group("name"))
            continue
        if _CHROME_LINE.match(line):
            continue
        if paragraphs and not after_blank and _continues(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
        after_blank = False
    return [p for p in paragraphs if p], source_name, source_url


def _lead(paragraphs: list[str]) -> str:
    """The first paragraph that is prose, not an editor's note such as `[Updated 14:20]`."""
    for paragraph in paragraphs:
        if paragraph[:1] in "[(" and paragraph[-1:] in "])":
            continue
        if len(paragraph.split()) >= 6:
            return paragraph
    return paragraphs[0]


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped line: the previous one stops mid-sentence and this one goes on in lower case."""
    return not _SENTENCE_END.search(previous) and line[:1].islower()


def _source_name(name: str) -> str | None:
    name = name.strip(" .")
    name = name.removeprefix("the ")
    if not name or len(name) < 2:
        return None
    return name


def _first_line(markdown: str) -> str:
    return next((line.lstrip("#> ").strip() for line in markdown.splitlines() if line.strip()), "")


def _plain_lead(markdown: str) -> str:
    """The first prose paragraph of a Markdown body, as plain text."""
    for block in markdown.split("\n\n"):
        block = block.strip()
        if not block or block[0] in "#>!|-*" or block[:2].rstrip(".").isdigit():
            continue
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"\\(.)", r"\1", text)
        text = re.sub(r"[*_`]+", "", text)
        if len(text.split()) >= 5:
            return " ".join(text.split())
    return ""
