"""Fetch: the sources' feeds in, new articles out as seeds with their provenance.

- `sources`: the sources file (`sources.yaml`) and its politeness settings.
- `http`: every request: http(s) only, redirects checked, size and time limits,
  one request at a time per host, robots.txt, retries with backoff.
- `feeds`: a feed's bytes to entries (feedparser), feed discovery from a page.
- `state`: what was seen before (`seeds/.fetch-state.json`), by entry id and by URL.
- `run`: `invoke fetch`, the whole pass.
"""
