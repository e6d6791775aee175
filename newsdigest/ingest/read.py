"""Read a seed file: decide its format and decode its bytes to clean text.

Scrapers save files in any encoding, so decoding tries, in order: a byte-order
mark, the charset the file declares (HTML `<meta charset>` or XML prolog),
strict UTF-8, then detection with charset-normalizer. Text that was decoded
twice somewhere upstream (`Ukraineâ€™s`) is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from newsdigest.article import RawArticle

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
MAX_BYTES = 20 * 1024 * 1024

_BOMS = [
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_LATIN_SINGLE_BYTE = {
    "cp1250",
    "cp1257",
    "cp1254",
    "cp775",
    "cp850",
    "cp852",
    "cp437",
    "latin_1",
    "iso8859_2",
    "iso8859_4",
    "iso8859_9",
    "iso8859_13",
    "iso8859_15",
    "mac_latin2",
    "mac_roman",
    "mac_iceland",
}
# Latin code pages of DOS and the classic Mac: no scraper of today saves in them, yet short
# windows-1252 texts often score best as one of them.
_DOS_AND_MAC_LATIN = {
    "cp437",
    "cp775",
    "cp850",
    "cp852",
    "cp857",
    "cp858",
    "cp860",
    "cp861",
    "cp863",
    "cp865",
    "mac_roman",
    "mac_latin2",
    "mac_iceland",
    "mac_turkish",
}
# UTF-8 read as windows-1252 or latin-1 leaves a lead byte letter followed by a continuation one.
# Control characters but tab, line feed, vertical tab, form feed and carriage return; U+FFFD.
_NOT_TEXT_CHARACTER = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
_MOJIBAKE_HINT = re.compile(
    "[\u00c2\u00c3\u00c5\u00ce\u00cf\u00d0\u00d1\u00e2][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]"
)
# C0 controls other than tab, newline and carriage return, DEL and C1 controls: never text.
# Nor are lone surrogates and the non-characters U+FDD0..U+FDEF, U+FFFE and U+FFFF.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Terminal colour and cursor sequences (ESC [ ... letter) that console scrapers leave behind.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# Binary formats that scrapers save under a text name.
_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
]


class ReadError(Exception):
    """A seed that cannot be read as an article; the message says why."""


def seed_format(path: Path | str) -> str | None:
    """Return "text" or "html" for a seed's file name, None for other files."""
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    return None


def read_seed(path: Path) -> RawArticle:
    """Read one seed file; raise ReadError with a one-line reason when it is unusable."""
    fmt = seed_format(path)
    if fmt is None:
        raise ReadError(f"unknown file type {path.suffix or '(no extension)'!r}")
    if path.is_dir():
        raise ReadError("is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ReadError(
                f"file is too large ({size // 1024 // 1024} MB, limit {MAX_BYTES // 1024 // 1024} MB)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    return RawArticle(
        path=path,
        format=fmt,
        text=decode(data),
        digest=hashlib.sha256(data).hexdigest(),
    )


def decode(data: bytes) -> str:
    """Bytes of a seed to clean Unicode text with Unix line endings."""
    if not data.strip():
        raise ReadError("file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ReadError(f"file is binary ({what}), not an article")
    text = _decode_bytes(data)
    if _looks_binary(text):
        raise ReadError("file is binary, not text")
    if _MOJIBAKE_HINT.search(text):
        import ftfy  # here: a run with nothing to read does not load it

        text = ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_line_breaks=True)
    else:  # ftfy is thorough but slow on big pages: only call it where mojibake can be
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _ANSI_ESCAPE.sub("", text))
    if not text.strip():
        raise ReadError("file has no text, only white space or control characters")
    return text


def _decode_bytes(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if data.count(b"\x00") > len(data) // 8:
        guess = _utf16_without_bom(data)
        if guess is not None:
            return guess
    declared = _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    return data.decode(_detect(data[:200_000]), errors="replace")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken sequences (a truncated copy, a stray surrogate): the broken
    bytes become U+FFFD and the rest stays right, where detection would misread all of it."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    sound = sum(1 for ch in text if ch > "\x7f") - broken
    return text if sound >= 3 and broken < sound else None


def _detect(sample: bytes) -> str:
    """The most likely encoding; windows-1252 wins ties, being by far the most common legacy one."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or not best.encoding:
        return "cp1252"
    if best.encoding in _DOS_AND_MAC_LATIN and _decodes(sample, "cp1252"):
        return (
            "cp1252"  # curly quotes and dashes in windows-1252 read as letters of a DOS code page
        )
    if best.encoding != "cp1252" and best.encoding in _LATIN_SINGLE_BYTE:
        western = from_bytes(sample, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos + 0.002:
            return "cp1252"
    return best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: every other byte is NUL."""
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    encoding = "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _declared_charset(head: bytes) -> str | None:
    """The charset a `<meta>` tag or an XML prolog declares (found by BeautifulSoup's detector)."""
    lowered = head.lower()
    if b"charset" not in lowered and b"encoding" not in lowered:
        return None  # neither can declare one: the detector (and its import) is spared
    from bs4.dammit import EncodingDetector

    name = EncodingDetector.find_declared_encoding(head, is_html=True, search_entire_document=True)
    if not name:
        return None
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read latin-1 declarations as windows-1252; so do we.
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


def _looks_binary(text: str) -> bool:
    """More than a tenth of the first 8 KB is control characters or replacement marks."""
    sample = text[:8192]
    if not sample:
        return False
    return len(_NOT_TEXT_CHARACTER.findall(sample)) / len(sample) > 0.1
