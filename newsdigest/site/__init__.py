"""The site: one Pelican plugin that turns the article files into the digest.

Pelican loads it as `newsdigest.site` (`PLUGINS` in pelican.conf.py) and calls
`register()`. Nothing here imports the ingest side: articles come in through the
article file format, vocabularies through `newsdigest.vocab`.
"""

from newsdigest.site.plugin import register

__all__ = ["register"]
