"""A Pelican reader for our Markdown files with YAML front matter.

The reader keeps an article's front matter, not its HTML. Ten thousand article bodies
held as HTML for the whole build would be most of its memory, and a rebuild renders
only the few pages that changed: the body is rendered from the file when a page or
feed shows it (`LazyBody`), and the page cache knows it by `body_digest`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from html import escape

from markupsafe import Markup
from pelican.readers import BaseReader

from newsdigest import parallel
from newsdigest.content_format import parse, parse_body, printable, printable_values
from newsdigest.site.markdown import link_remote_images, markdown_to_html
from newsdigest.text import slugify, strip_tags

# Values that are text, not HTML: escaped once here, so templates and feeds show them as written.
TEXT_FIELDS = ("title", "summary")
# Pelican finds static files through the HTML of a body that links to them: read it now.
_STATIC_LINK = re.compile(r"[{|](?:static|attach)[}|]")
_WORD = re.compile(r"\w+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]*>")


READER_NAME = "yamlmarkdown"  # how Pelican names this reader in an article's `reader`


class YamlMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path):
        found = _PREFETCHED.pop(source_path, None)
        content, metadata = found if found is not None else self.read_fields(source_path)
        metadata = shared(metadata)
        if "author" in metadata:  # an Author object carries the settings: made here, not sent
            metadata["author"] = self.process_metadata("author", metadata["author"])
        return content, metadata

    def process_metadata(self, name, value):
        """Pelican's, with one author or category object per name rather than per article."""
        if name not in ("author", "category") or not isinstance(value, str):
            return super().process_metadata(name, value)
        shared = self.__dict__.setdefault("_shared", {})
        if (name, value) not in shared:
            shared[name, value] = super().process_metadata(name, value)
        return shared[name, value]

    def read_fields(self, source_path):
        """Everything `read` gives but the author, as plain values a process can send."""
        with open(source_path, encoding="utf-8", errors="replace") as handle:
            fields = parse(handle.read())
        body = str(fields.pop("body", "") or "")
        # printable again after loading: YAML escapes such as "\x01" make characters too
        fields = printable_values(fields)
        metadata = {}
        for key, value in fields.items():
            if value is None:
                continue
            if key == "title":  # shown as text everywhere, feeds included: no tags at all
                metadata[key] = Markup(escape(" ".join(strip_tags(str(value)).split())))
            elif key in TEXT_FIELDS:
                metadata[key] = Markup(escape(str(value)))
            elif key == "slug":
                metadata[key] = safe_slug(str(value))
            elif key in ("date", "modified", "status"):
                metadata[key] = self.process_metadata(key, str(value))
            elif key == "author":
                metadata[key] = str(value)
            else:
                metadata[key] = value
        metadata["word_count"] = count_words(body)
        if "summary" not in metadata or _STATIC_LINK.search(body):
            # Pelican makes the summary from the HTML, and finds static links in it.
            return body_html(body, self.settings), metadata
        metadata["body_digest"] = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
        return "", metadata


SHARED_LENGTH = 100  # longer texts (a quote, a link) are an article's own


def shared(value):
    """`value` with one string object for each short text that articles repeat.

    Thousands of articles name the same few keys (`text`, `speaker`), terms, sources and
    speakers, and each file's YAML makes its own copies: half the text an article
    holds at 10,000 articles. Pelican's content cache pickles the articles in one go,
    and pickle writes an object it has written once as a reference to it, so what is
    shared here stays shared in the cache and in the builds that read it back."""
    if type(value) is str:
        return sys.intern(value) if len(value) <= SHARED_LENGTH else value
    if type(value) is dict:
        return {shared(key): shared(item) for key, item in value.items()}
    if type(value) is list:
        return [shared(item) for item in value]
    return value


# --- reading on every core -----------------------------------------------------------------

PREFETCH_THRESHOLD = 200  # below this many files to read, starting processes costs more
_PREFETCHED: dict[str, tuple] = {}  # absolute path -> what `read_fields` gave, for this build
_SETTINGS: dict = {}


def prefetch(generator) -> None:
    """Read the article files Pelican is about to read, one process per core.

    Pelican reads its content one file after another; a cold build of ten thousand
    articles spends seconds in YAML alone. The files whose articles were not kept
    (read_cache.py) are read here in parallel when the article generator starts; its own pass then
    takes them from `_PREFETCHED` and does the rest (its metadata, its cache, its errors)
    as usual. A file that fails here is simply read again there, where the error is
    reported.
    """
    settings = generator.settings
    # The kept articles handed to Pelican were checked against their files a moment ago
    # (`read_cache.take_kept_articles`): a file among them is not looked at again.
    kept = getattr(generator, "_cache", None) or {}
    paths = []
    for relative in generator.get_files(
        settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]
    ):
        if relative.rsplit(".", 1)[-1] not in YamlMarkdownReader.file_extensions:
            continue
        if relative not in kept:
            paths.append(os.path.abspath(os.path.join(generator.path, relative)))
    workers = int(settings.get("RENDER_PROCESSES") or parallel.workers())
    if len(paths) < settings.get("PARALLEL_READ_MIN_FILES", PREFETCH_THRESHOLD) or workers == 1:
        return
    _SETTINGS.update(settings)
    try:
        found = parallel.map_forked(_read_fields, paths, workers, chunksize=64)
        for path, fields in zip(paths, found, strict=True):
            if fields is not None:
                _PREFETCHED[path] = fields
    except parallel.BrokenProcessPool:  # Pelican reads whatever is missing itself
        pass
    finally:
        _SETTINGS.clear()


def forget_prefetched(generator=None) -> None:
    """The article generator has read everything: what is left was not asked for."""
    _PREFETCHED.clear()


def _read_fields(path: str):
    try:
        return YamlMarkdownReader(_SETTINGS).read_fields(path)
    except Exception:
        return None


def body_html(body: str, settings: dict) -> str:
    """The HTML of an article body: sanitised, without characters XML refuses."""
    # `printable` again after rendering: character references such as &#xFFFE; become
    # characters in the HTML, and XML feeds refuse them.
    html = printable(markdown_to_html(body))
    if settings.get("REMOTE_IMAGES", "link") != "show":
        html = link_remote_images(html)
    return html


def load_body_html(source_path: str, settings: dict) -> str:
    """The HTML of the body of the article file at `source_path`, rendered now."""
    with open(source_path, encoding="utf-8", errors="replace") as handle:
        return body_html(parse_body(handle.read()), settings)


def count_words(body: str) -> int:
    """Words a reader reads in a Markdown body: link targets and markup left out."""
    return len(_WORD.findall(_LINK_TARGET.sub(" ", body)))


class LazyBody:
    """Mixed into an article class whose body the reader left on disk.

    `content` renders the body from the file each time it is asked for: one page and
    at most a few feeds ask, in whichever process renders them, and nothing keeps it.
    """

    def get_content(self, siteurl: str) -> str:
        html = self._content
        if not html and getattr(self, "body_digest", None):
            html = load_body_html(self.source_path, self.settings)
        return self._update_content(html, siteurl)

    @property
    def content(self) -> str:
        return self.get_content(self.get_siteurl())


def safe_slug(slug: str) -> str:
    """The slug, unless it could name a path outside its folder (`../x`, `a/b`, `.hidden`)."""
    if re.fullmatch(r"[\w-][\w.-]*", slug) and ".." not in slug:
        return slug
    return slugify(slug) or "article"


def add_reader(readers):
    for extension in YamlMarkdownReader.file_extensions:
        readers.reader_classes[extension] = YamlMarkdownReader


def drop_disabled_markdown(generator):
    """Pelican's own Markdown reader needs Python-Markdown; ours replaces it, so no warning is due."""
    readers = getattr(generator, "readers", None)
    if readers is not None:
        for extension in YamlMarkdownReader.file_extensions:
            readers.disabled_readers.pop(extension, None)
