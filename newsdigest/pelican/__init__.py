"""Pelican plugins of newsdigest: the YAML front matter reader and the taxonomies.

Listed in `PLUGINS` of pelican.conf.py as `newsdigest.pelican`.
"""

from newsdigest.pelican.reader import add_reader, drop_disabled_markdown
from newsdigest.pelican.taxonomy import add_generator
from pelican import signals


def register():
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(drop_disabled_markdown)
    signals.get_generators.connect(add_generator)
