"""The article as the tagger reads it: plain text with its headline, lead and sentence
positions, and the word helpers every rule uses to look around a position."""

from __future__ import annotations

import bisect
import html
import re

from newsdigest.ingest.tag.words import CONNECTORS, DATE_WORDS, SPEECH_VERBS
from newsdigest.text import ABBREVIATION_END

# Capital letters of the Latin, Greek and Cyrillic scripts, as a string and as a character class.
UPPER_CHARS = "".join(chr(c) for c in range(0x41, 0x530) if chr(c).isupper())
UPPER = "[" + re.escape(UPPER_CHARS) + "]"
# Any speech verb ("said", "told", "according to"), as a regex alternative.
SPEECH_VERB = "(?:" + "|".join(SPEECH_VERBS) + ")"

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9" + UPPER_CHARS + "])")
_SENTENCE_START_HEAD = re.compile(r"(?:^|[.!?:\n]\s*[\"“‘]?|\n\s*)\s*$|[.!?]\s+$")
_TITLE_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\S+")
_WORD_AFTER = re.compile(r"[ \t]+([\w’'.-]+)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINE_START = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")
_MARKDOWN_EMPHASIS = re.compile(r"(?<!\\)(\*\*|__|\*|`)")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation
_BLOCKQUOTE = re.compile(r"(?m)^(?:>[^\n]*(?:\n|$))+")
_ATTRIBUTION = re.compile(r"[—–~-]*\s*([A-Z][^.!?;:\"“”]{2,80})")


class Text:
    """The article as one plain string (headline, blank line, body) with its landmarks."""

    def __init__(self, title: str, body: str):
        title = " ".join(_plain(html.unescape(title)).split())
        body = _plain(body).strip()
        head = _PARAGRAPH_BREAK.split(body, maxsplit=2)
        for i, paragraph in enumerate(head[:2]):
            if title and " ".join(paragraph.split()).lower() == title.lower():
                # the headline repeated at the top of the body (after a byline, perhaps)
                body = "\n\n".join(head[:i] + head[i + 1 :]).strip()
                break
        self.text = title + "\n\n" + body
        self.title_end = len(title)
        paragraphs = [p for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
        lead = paragraphs[0] if paragraphs else ""
        self.lead_end = self.title_end + 2 + body.find(lead) + len(lead) if lead else self.title_end
        words = [w for w in _TITLE_WORD.findall(title) if len(w) > 3]
        self.title_case = bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
        self.sentence_starts = _sentence_starts(self.text)
        self.roles: dict[str, str | None] = {}  # person -> role, as the new-actor rules find them
        self.runs: set[str] = set()  # every run of capitalised words
        self._lower_case: dict[str, bool] = {}
        self.headline_lines = _headline_lines(self.text, self.title_end + 2)

    def writes_in_lower_case(self, word: str) -> bool:
        """Whether the article also writes `word` in lower case: then, capitalised, it is an
        ordinary word at the start of a sentence, not a name."""
        lower = word.lower()
        known = self._lower_case.get(lower)
        if known is None:
            known = self._lower_case[lower] = next(alone(self.text, lower), None) is not None
        return known

    def in_headline(self, position: int) -> bool:
        """In the headline or in a Title Case line of the body (a related headline, a heading)."""
        if position < self.title_end:
            return self.title_case
        return any(s <= position < e for s, e in self.headline_lines)

    def sentence_index(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position) - 1

    def sentence_start_at(self, position: int) -> int:
        return self.sentence_starts[self.sentence_index(position)]

    def sentence_end_at(self, position: int) -> int:
        index = bisect.bisect_right(self.sentence_starts, position)
        return self.sentence_starts[index] if index < len(self.sentence_starts) else len(self.text)

    def sentence_at(self, position: int) -> str:
        start, end = self.sentence_start_at(position), self.sentence_end_at(position)
        return " ".join(self.text[start:end].split())


# ---- landmarks -----------------------------------------------------------------------------


def _headline_lines(text: str, start: int) -> list[tuple[int, int]]:
    """Lines of the body written in Title Case without a full stop: headlines of other
    articles left by the scrape, section headings. Like the headline, no evidence of a name."""
    spans = []
    for line in _LINE.finditer(text, start):
        line_text = line.group().rstrip()
        if not line_text or line_text[-1] in '.!?:;,"”’)':
            continue  # first: a paragraph of prose is not split into its words
        words = line_text.split()
        if not 3 <= len(words) <= 16:
            continue
        long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
        if len(long_words) >= 3 and all(w[0].isupper() for w in long_words):
            spans.append(line.span())
    return spans


def _sentence_starts(text: str) -> list[int]:
    """Where sentences start: after . ! ? … (and closing quotes) before a capital or a digit,
    unless the full stop ends an abbreviation (Mr., U.S.); and at every paragraph."""
    starts = [0]
    for match in _SENTENCE_BREAK.finditer(text):
        stop = match.start()
        if text[stop] == "." and ABBREVIATION_END.search(text[max(0, stop - 7) : stop + 1]):
            continue
        starts.append(match.end())
    starts.extend(match.end() for match in _PARAGRAPH_BREAK.finditer(text))
    return sorted(set(starts))


# ---- Markdown to plain text ----------------------------------------------------------------


def _plain(markdown: str) -> str:
    """Markdown (as written by clean/extract) to the words a reader sees."""
    text = markdown or ""
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "\n>" in text or text.startswith(">"):
        text = _BLOCKQUOTE.sub(_attributed_quote, text)
    text = _MARKDOWN_LINE_START.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _MARKDOWN_EMPHASIS.sub("", text)
    text = _MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text
    # "Choreographer_Jeong Hye Jin": an underscore joins no words of prose
    return text.replace("_", " ") if "_" in text else text


def _attributed_quote(block: re.Match) -> str:
    """A pull quote with its speaker on the last line (`<blockquote><p>...</p><cite>Dr Helena
    Marsh</cite>`, written `> ...` / `>` / `> Dr Helena Marsh`) as the sentence a reporter would
    write: “...,” said Dr Helena Marsh."""
    lines = [line[1:].strip() for line in block.group().splitlines()]
    lines = [line for line in lines if line]
    attribution = _ATTRIBUTION.fullmatch(lines[-1]) if len(lines) >= 2 else None
    if not attribution or len(attribution.group(1).split()) > 8:
        return block.group()
    quote = " ".join(lines[:-1]).strip(' "“”')
    return f"“{quote}” said {attribution.group(1).strip()}.\n"


# ---- words around a position ---------------------------------------------------------------


def follows_a_name(text: str, start: int, unless=()) -> bool:
    """The word before `start` is capitalised mid-sentence ("Harrison Ford", "Magic Johnson"):
    the name there is part of a longer one. Words in `unless` (titles) do not count."""
    before = word_before(text, start)
    return is_capitalised(before) and before not in unless and not at_sentence_start(text, start)


def word_before(text: str, start: int) -> str:
    """The word before `start`, across spaces or tabs ("" if none)."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == start:
        return ""
    begin, low = end, max(0, start - 40)
    while begin > low and (text[begin - 1].isalnum() or text[begin - 1] in "_’'.-"):
        begin -= 1
    return text[begin:end]


def word_after(text: str, end: int) -> str:
    """The word after `end`, across spaces or tabs ("" if none)."""
    match = _WORD_AFTER.match(text, end, end + 40)
    return match.group(1) if match else ""


def words_in(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The words of text[start:end] with their absolute offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def trim(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Without connectors and dates at the end ("Blossom Music Center on July")."""
    while words and (words[-1][0].lower() in CONNECTORS or words[-1][0].rstrip(".,") in DATE_WORDS):
        words = words[:-1]
    return words


def alone(text: str, word: str):
    """Where `word` stands as a whole word in `text` (possessives allowed: Grushko’s)."""
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or not in_word(text[at - 1])) and (
            after == len(text) or not (text[after].isalnum() or text[after] in "_-")
        ):
            yield at
        at = text.find(word, after)


def in_word(char: str) -> bool:
    """A character that can be part of a word, apostrophes and hyphens included."""
    return char.isalnum() or char in "_’'-"


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0] in UPPER_CHARS


def at_sentence_start(text: str, start: int) -> bool:
    head = text[max(0, start - 4) : start]
    return start == 0 or _SENTENCE_START_HEAD.search(head) is not None


def same_paragraph(text: str, a: int, b: int) -> bool:
    return "\n\n" not in text[a:b]


def ordinary_sentence_start(article: Text, word: str, start: int) -> bool:
    """A capitalised word only because it starts the sentence: the article also writes it in
    lower case, or it reads as a gerund or an adverb ("Getting", "Separately")."""
    if not at_sentence_start(article.text, start):
        return False
    word = word.rstrip(".,’'")
    return article.writes_in_lower_case(word) or (
        len(word) > 5 and word.endswith(("ing", "ly")) and word[1:].islower()
    )
