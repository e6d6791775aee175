"""A Pelican reader for our Markdown files with YAML front matter."""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup
from pelican.readers import BaseReader

from newsdigest.clean import strip_tags
from newsdigest.render import markdown_to_html
from newsdigest.text import slugify
from newsdigest.write import parse, printable, printable_values

# Values that are text, not HTML: escaped once here, so templates and feeds show them as written.
TEXT_FIELDS = ("title", "summary")


class YamlMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path):
        with open(source_path, encoding="utf-8", errors="replace") as handle:
            # printable again after loading: YAML escapes such as "\x01" make characters too
            fields = printable_values(parse(handle.read()))
        # `printable` again after rendering: character references such as &#xFFFE; become
        # characters in the HTML, and XML feeds refuse them.
        content = printable(markdown_to_html(str(fields.pop("body", ""))))
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
            elif key in ("date", "modified", "author", "status"):
                metadata[key] = self.process_metadata(key, str(value))
            else:
                metadata[key] = value
        return content, metadata


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
