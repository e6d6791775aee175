"""Data derived from libraries and vocabularies, kept in the user's cache folder between runs.

Some of what tagging needs takes a third of a second or more to build and changes only
with the data it is built from: the place, first-name and common-word lists (with the
libraries' versions), the compiled vocabulary and its files as parsed (with the vocabulary
files and the code that reads them). Each is kept as JSON under a key naming what it was
built from, and built again when the key differs; a folder that cannot be written costs
only the time.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from newsdigest.atomic import atomic_write


def kept_path(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsdigest" / name


def read_kept(name: str, key) -> dict | None:
    """What `keep` kept under `name`, if it was kept under `key` (anything else: None)."""
    try:
        data = json.loads(kept_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return data


def keep(name: str, key, data: dict) -> None:
    with contextlib.suppress(OSError):  # a read-only home: built again at every run
        atomic_write(kept_path(name), json.dumps({**data, "key": key}))
