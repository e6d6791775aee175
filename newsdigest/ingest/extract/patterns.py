"""What bylines and page furniture say, in the languages met so far: the rules' vocabulary.

Kept apart from the code that applies it, so that a new site or language means
adding words here, not changing a rule.
"""

from __future__ import annotations

import re

# Bylines and author names

# what joins several names in one byline: "A, B and C", "A und B", "A и B"
NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b)\s*", re.I)
# the word before the names: "By", "Von", "Par"
BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|de|door|av|af|автор|от)[:\s]+", re.I)
# words that name a desk, an agency or a role, not a person
PLACEHOLDER_AUTHOR = re.compile(
    r"\b(?:staff|admin|administrator|editor|editors|editorial|desk|newsroom|team|"
    r"reporter|reporters|correspondent|correspondents|contributor|contributors|guest|"
    r"writer|writers|columnist|columnists|photographer|producer|business|"
    r"anonymous|unknown|agency|agencies|wire|wires|press|associated|reuters|afp|"
    r"bureau|news|media|online|digital|web|redaktion|rédaction|redacción|redação|"
    r"редакция|service|services|official|group|inc|ltd|llc|company|sponsored|partner)\b",
    re.I,
)


# lower-case words that may start a name part: "Ursula von der Leyen"
NAME_PARTICLES = {
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


# A short line above the text that starts with a date is a dateline.
DATE_LIKE = re.compile(
    r"^\W*(?:updated|published|posted|am|le|el|em|vom)?\W*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|"
    r"(?:\w+,? )?\d{1,2}(?:st|nd|rd|th)? \w+,? \d{4}|\w+ \d{1,2},? \d{4})\b",
    re.I,
)


# Page furniture: blocks trafilatura keeps that are not the article

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

# sections that close press releases and articles without being part of the story
CLOSING_SECTION = re.compile(
    r"^\W*(?:about the (?:authors?|writers?|reporters?)|media contacts?|press contacts?"
    r"|media enquiries|press enquiries|forward-looking statements?|disclaimer)\W*$",
    re.I,
)
