"""Dates: declared ones read exactly, visible ones only when they cannot be misread."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser
from lxml import etree

from newsdigest.ingest.extract.text import text_of

VISIBLE_DATE_XPATH = etree.XPath(
    '//*[@itemprop="datePublished"] | //time | //*[contains(@class, "date") or '
    'contains(@class, "publish") or contains(@class, "posted") or contains(@class, "time")]'
)


def visible_times(tree) -> list[str]:
    """Datetimes shown on the page (<time>, dateline elements), in page order, no updates."""
    values = []
    for node in VISIBLE_DATE_XPATH(tree)[:12]:
        value = node.get("datetime") or node.get("content") or text_of(node)
        if value and len(value) <= 80 and not re.match(r"\W*(?:updated|modified)", value, re.I):
            values.append(value)
    return values


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


def iso_date(value) -> str | None:
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
