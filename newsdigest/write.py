"""Write articles as Markdown files with YAML front matter, atomically.

Front matter goes through `yaml.safe_dump` and comes back through
`yaml.safe_load`, so any title round-trips as text and no tag can build a
Python object. Every file is written to a temporary name beside its target and
renamed over it, so a crash never leaves a half-written article.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
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
    "topics",
    "actors",
    "quotes",
)


class FrontMatterError(ValueError):
    """A content file whose front matter cannot be read."""


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
        "topics": list(article.topics),
        "actors": list(article.actors),
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in article.quotes],
        "body": article.body,
    }
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}


def render(fields: dict[str, Any]) -> str:
    """A Markdown document: `---`, YAML front matter, `---`, the body."""
    meta = {k: fields[k] for k in FIELD_ORDER if k in fields}
    meta.update({k: v for k, v in fields.items() if k not in meta and k != "body"})
    front = yaml.safe_dump(
        meta, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    return f"---\n{front}---\n\n{fields.get('body', '').strip()}\n"


def parse(text: str) -> dict[str, Any]:
    """Fields of a Markdown document with YAML front matter (the body under `body`)."""
    text = text.removeprefix("\ufeff")
    if not text.startswith("---"):
        raise FrontMatterError("no YAML front matter (the file must start with ---)")
    end = text.find("\n---", 3)
    if end == -1:
        raise FrontMatterError("front matter is not closed by a --- line")
    try:
        meta = _load_front_matter(text[3:end])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise FrontMatterError(f"front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter is not a mapping of fields")
    body_start = text.find("\n", end + 1)
    meta["body"] = text[body_start + 1 :].strip() if body_start != -1 else ""
    return meta


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
        data = json.dumps(
            value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":")
        )
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        data = repr(value)
    return "j" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def same_fingerprint(value: Any, stored: str | None) -> bool:
    """Whether `stored` was taken of `value`; reads both kinds of fingerprint."""
    if not stored:
        return False
    if stored.startswith("j"):
        return fingerprint(value) == stored
    data = yaml.safe_dump(value, allow_unicode=True, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()[:16] == stored


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
