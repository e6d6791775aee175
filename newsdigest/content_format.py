"""The article file format: YAML front matter between `---` lines, then a Markdown body.

Ingest writes it (`article_fields`, `dump`), the site reads it (`parse`, `parse_body`);
neither side knows how the other works. Front matter goes through `yaml.safe_dump` and
comes back through `yaml.safe_load`, so any title round-trips as text and no tag can
build a Python object. Text put into a body goes through `escape_markdown`, so Markdown
renders it as the same words; strings lose the characters that are never text, so
everything built from a file is well-formed XML.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import yaml

from newsdigest.article import Article

FIELD_ORDER = (
    "title",
    "slug",
    "date",
    "modified",
    "summary",
    "author",
    "source",
    "lang",
    "image",
    "topics",  # the taxonomies ingest tags; terms of other taxonomies follow the fields above
    "actors",
    "quotes",
)


# Characters that are never text and that XML 1.0 or YAML refuse: C0 controls other than tab and
# newline, DEL and the C1 controls, lone surrogates and the Unicode non-characters.
NOT_TEXT = re.compile(
    "[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")  # NOT_TEXT's part below U+0100
_WIDE = re.compile("[^\x00-\xff]+")  # runs of the characters where the rest of it lies
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,12}));?")
_CLOSING_LINE = re.compile(r"\n---[ \t\r]*(?:\n|$)")


# Characters that mean something to CommonMark or GFM anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>~|])")
# An ampersand that would start a character reference (`&amp;`, `&#38;`).
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# Line starts that would turn a paragraph into a heading, quote, list, rule or table.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=|]|\d{1,9}[.)](?=\s|$))")


def escape_inline(text: str) -> str:
    """Plain text as Markdown that renders as the same characters inside a line."""
    return _ENTITY_LIKE.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def escape_block_start(line: str) -> str:
    """A line whose start Markdown would read as a block marker, with that marker escaped."""
    match = _BLOCK_START.match(line)
    if not match:
        return line
    lead, marker = match.groups()
    if marker[0].isdigit():  # "2024. A year": the period is escaped, not the number
        return lead + marker[:-1] + "\\" + marker[-1] + line[match.end() :]
    return lead + "\\" + marker + line[match.end() :]


def escape_markdown(text: str) -> str:
    """Escape plain text so that Markdown renders it as the same words, nothing more."""
    return escape_block_start(escape_inline(text))


class FrontMatterError(ValueError):
    """A content file whose front matter cannot be read."""


def printable(text: str) -> str:
    """`text` without the characters that are never text (see `NOT_TEXT`); CR LF becomes LF."""
    if text.isprintable():  # no control, surrogate or unassigned character: a line of text
        return text
    if "\r" not in text and text.replace("\n", "").replace("\t", "").isprintable():
        return text  # lines of text: every character of NOT_TEXT is unprintable
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NOT_TEXT over a whole article costs 40 times what these do: its class spans every plane.
    if _CONTROLS.search(text) is None and not any(map(NOT_TEXT.search, _WIDE.findall(text))):
        return text
    return NOT_TEXT.sub("", text)


def drop_non_text_references(markup: str) -> str:
    """`markup` without the character references that name no character (`&#0;`, `&#xD800;`,
    `&#xFFFE;`): HTML and Markdown parsers would turn them into what `printable` removes, or
    refuse them."""
    return _CHARACTER_REFERENCE.sub(_keep_text_reference, markup)


def _keep_text_reference(match: re.Match) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if code > 0x10FFFF or (code < 0x20 and code not in (9, 10, 13)):
        return ""
    if 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return ""
    return match.group(0)


def printable_values(value: Any) -> Any:
    """`printable` applied to every string in a structure of dicts and lists."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_values(k): printable_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_values(v) for v in value]
    return value


def article_fields(article: Article, slug: str, date: str) -> dict[str, Any]:
    """The front matter of an article, in a fixed order, without empty values."""
    source = {"name": article.source_name, "url": article.source_url, "file": article.source_file}
    fields: dict[str, Any] = {
        "title": article.title,
        "slug": slug,
        "date": date,
        "modified": article.modified,
        "summary": article.summary,
        "author": article.author,
        "source": {k: v for k, v in source.items() if v},
        "lang": article.lang,
        "image": article.image,
        **{name: list(terms) for name, terms in article.terms.items()},
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in article.quotes],
        "body": article.body,
    }
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def dump(fields: dict[str, Any]) -> str:
    """A Markdown document: `---`, YAML front matter, `---`, the body.

    Strings lose the characters that are never text, so the file always parses back and
    everything built from it is well-formed XML.
    """
    fields = printable_values(fields)
    meta = {k: fields[k] for k in FIELD_ORDER if k in fields}
    meta.update({k: v for k, v in fields.items() if k not in meta and k != "body"})
    return f"---\n{_dump_front_matter(meta)}---\n\n{fields.get('body', '').strip()}\n"


def _dump_front_matter(meta: dict[str, Any]) -> str:
    """`yaml.safe_dump`, through libyaml when it writes the same bytes (a third of ingest's time).

    libyaml escapes characters beyond the Basic Multilingual Plane (emoji), treats the
    Unicode line separators differently and folds long double-quoted lines (text with tabs
    or line breaks) its own way; front matter with any of them, or other values than text,
    numbers and lists, goes through the pure-Python dumper. Compared on 60,000 random
    documents and every article here: the same bytes.
    """
    options = dict(allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    if _FAST_DUMPER is not None and _same_in_libyaml(meta):
        return yaml.dump(meta, Dumper=_FAST_DUMPER, **options)
    return yaml.safe_dump(meta, **options)


_FAST_DUMPER = getattr(yaml, "CSafeDumper", None)
_LIBYAML_DIFFERS = re.compile("[\t\n\r\u0085\u2028\u2029\ufeff\U00010000-\U0010ffff]")


def _same_in_libyaml(value: Any) -> bool:
    if isinstance(value, str):
        return _LIBYAML_DIFFERS.search(value) is None
    if isinstance(value, dict):
        return all(_same_in_libyaml(k) and _same_in_libyaml(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_same_in_libyaml(item) for item in value)
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def parse(text: str) -> dict[str, Any]:
    """Fields of a Markdown document with YAML front matter (the body under `body`)."""
    text = printable(text.removeprefix("\ufeff"))
    end, body_start = _front_matter_span(text)
    try:
        meta = _load_front_matter(text[3:end])
    except RecursionError:
        raise FrontMatterError("front matter is nested too deeply") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise FrontMatterError(f"front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter is not a mapping of fields")
    if "body" in meta:
        raise FrontMatterError("front matter has a `body` field; the body goes below the --- line")
    meta["body"] = text[body_start:].strip()
    return meta


def parse_body(text: str) -> str:
    """The body of a Markdown document with front matter, as `parse` gives it, without
    reading the YAML: pages ask for it long after the front matter was read."""
    text = printable(text.removeprefix("\ufeff"))
    return text[_front_matter_span(text)[1] :].strip()


def _front_matter_span(text: str) -> tuple[int, int]:
    """Where the front matter ends and the body starts."""
    if not re.match(r"---[ \t]*\n", text):
        raise FrontMatterError("no YAML front matter (the file must start with a --- line)")
    closing = _CLOSING_LINE.search(text, 3)
    if closing is None:
        raise FrontMatterError("front matter is not closed by a --- line")
    return closing.start(), closing.end()


def _load_front_matter(front: str) -> Any:
    """`yaml.safe_load`, through libyaml when it is there (ten times faster, same values).

    Text libyaml refuses goes to the pure-Python loader, which has the last word and
    words the error.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.load(front, Loader=_FAST_LOADER) or {}
        except yaml.YAMLError:
            pass
    return yaml.safe_load(front) or {}


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def fingerprint(value: Any) -> str:
    """A short stable hash of a field's value, to notice an editor's change.

    Canonical JSON rather than YAML: the pure-Python YAML emitter cost more than the
    rest of ingest put together on long bodies. The leading `j` sets these apart from
    the YAML-based fingerprints of older ledgers (see `same_fingerprint`).
    """
    try:
        data = _CANONICAL_JSON.encode(value)
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        data = repr(value)
    return "j" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# One encoder for every fingerprint: `json.dumps` with options makes a new one per call.
_CANONICAL_JSON = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":")
)


def same_fingerprint(value: Any, stored: str | None) -> bool:
    """Whether `stored` was taken of `value`; reads both kinds of fingerprint."""
    if not stored:
        return False
    if stored.startswith("j"):
        return fingerprint(value) == stored
    data = yaml.safe_dump(value, allow_unicode=True, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()[:16] == stored
