"""newsdigest: raw scraped news articles in, a tagged, themed Pelican news-digest site out.

The pipeline has one module per stage (read, clean, tag, write), tied together by ingest;
`newsdigest.pelican` holds the Pelican plugins that render the site.
"""

__version__ = "0.1.0"
