"""What the fetcher remembers beside the seeds: feeds' validators and every entry it has seen.

An entry is known by its id in its feed and by its canonical URL (tracking parameters,
`www.`, the scheme and the fragment removed, query sorted: courlan's normalisation), so
neither a re-run, an entry that comes back with a new id, nor the same story in two
feeds of one outlet is fetched twice. Keys not met in any feed for `FORGET_AFTER_DAYS`
are dropped, so the file stays bounded; the seed names carry the URL's key as well, so
a seed saved by a run killed before it saved this file is still recognised.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

from newsdigest.atomic import atomic_write

STATE_FILE = ".fetch-state.json"
FORGET_AFTER_DAYS = 180
_SEED_KEY = re.compile(r"-([0-9a-f]{12})\.html$")


def url_key(url: str) -> str:
    """The identity of an article's URL: equal for the same page reached through any link."""
    with contextlib.suppress(ValueError, TypeError):  # not normalisable: compared as it is
        url = normalize_url(url.strip())
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, parts.query, ""))[2:]


class FetchState:
    """Loaded once per run, shared by its threads, saved atomically."""

    def __init__(self, seeds_dir: Path, today: dt.date):
        self.path = seeds_dir / STATE_FILE
        self.today = today.isoformat()
        self.feeds: dict[str, dict] = {}
        self.seen: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._on_disk = _keys_in_seed_names(seeds_dir)

    def load(self) -> FetchState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self
        except (OSError, ValueError) as error:
            raise ValueError(
                f"{self.path}: unreadable fetch state ({error}); move it away to start afresh"
            ) from None
        self.feeds = dict(data.get("feeds") or {})
        self.seen = dict(data.get("seen") or {})
        return self

    def validators(self, feed: str) -> dict:
        """The conditional-request headers for a feed read before."""
        known = self.feeds.get(feed) or {}
        headers = {}
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        return headers

    def feed_read(self, feed: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self.feeds[feed] = {
                key: value
                for key, value in (
                    ("etag", etag),
                    ("last_modified", last_modified),
                    ("read", self.today),
                )
                if value
            }

    def known(self, keys: list[str]) -> bool:
        """Whether any of the keys was seen before; the others are remembered as seen too."""
        with self._lock:
            hit = next((self.seen[k] for k in keys if k in self.seen), None)
            if hit is None:
                hit = next(
                    ({"seed": "", "on_disk": True} for k in keys if seed_key(k) in self._on_disk),
                    None,
                )
            if hit is None:
                return False
            for key in keys:
                self.seen[key] = {"seed": hit.get("seed", ""), "seen": self.today}
            return True

    def remember(self, keys: list[str], seed: str) -> None:
        """`seed` is the saved seed's name, or "" for an entry skipped for good (robots, not HTML)."""
        with self._lock:
            for key in keys:
                self.seen[key] = {"seed": seed, "seen": self.today}

    def save(self) -> None:
        cutoff = (
            dt.date.fromisoformat(self.today) - dt.timedelta(days=FORGET_AFTER_DAYS)
        ).isoformat()
        with self._lock:
            seen = {k: v for k, v in self.seen.items() if v.get("seen", self.today) >= cutoff}
            data = {"version": 1, "feeds": self.feeds, "seen": seen}
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        atomic_write(self.path, text)


def seed_key(key: str) -> str:
    """The part of a seed's name that says which URL it holds: short and stable."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _keys_in_seed_names(seeds_dir: Path) -> set[str]:
    if not seeds_dir.is_dir():
        return set()
    return {m.group(1) for p in seeds_dir.rglob("*.html") if (m := _SEED_KEY.search(p.name))}
