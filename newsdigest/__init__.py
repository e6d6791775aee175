"""newsdigest: raw scraped news articles in, a tagged, themed Pelican news-digest site out.

A package by pipeline stage: `ingest` (read, clean, extract, tag, write the article files),
`site` (the one Pelican plugin that renders them), `publish` (checks and deploy targets);
`content_format` is the article file both sides share. README.md, "Architecture", has the map.
"""

__version__ = "0.1.0"
