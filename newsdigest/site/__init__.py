"""The site: one Pelican plugin that turns the article files into the digest.

Pelican loads it as `newsdigest.site` (`PLUGINS` in pelican.conf.py) and calls
`register()`. Nothing here imports the ingest side: articles come in through the
article file format, vocabularies through `newsdigest.vocab`. Nor does importing the
package load Pelican: the process that runs a build stays small (build.py).
"""


def register():
    """Connect the plugin's signals (plugin.py)."""
    from newsdigest.site.plugin import register as connect

    connect()


__all__ = ["register"]
