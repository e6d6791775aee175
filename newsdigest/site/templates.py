"""What the theme's templates get from Python: markup made once per build, and
templates compiled once, not at every build.

An article's card is on the page of each of its topics and actors, on its day's edition
and on the home page: a dozen renderings of the same markup. `once_per_build` keeps the
first (per article, macro, arguments, site URL and taxonomies) for the rest of the build.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from jinja2 import FileSystemBytecodeCache, pass_context

_MADE: dict[tuple, tuple] = {}  # key -> (the article, kept so that its id stays its own; markup)
KEPT = 4096  # the markups kept at most, the oldest dropped first: memory stays bounded


@pass_context
def once_per_build(context, macro, item, *args):
    """`macro(item, *args)`, rendered at the first call of a build and kept."""
    key = (macro.name, id(item), args, context.get("SITEURL"), id(context.get("taxonomies")))
    made = _MADE.get(key)
    if made is None:
        if len(_MADE) >= KEPT:
            del _MADE[next(iter(_MADE))]
        made = _MADE[key] = (item, macro(item, *args))
    return made[1]


def add_globals(generator) -> None:
    """Every generator's template environment gets the helpers (Pelican's `generator_init`)."""
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["once_per_build"] = once_per_build
        env.bytecode_cache = _compiled(generator.settings)


def _compiled(settings: dict) -> _CompiledTemplates:
    """The templates' compiled code, kept beside Pelican's cache: each generator has a
    template environment of its own, so a build compiled two dozen templates, a quarter
    of a second of a rebuild. Jinja keys the code by the template's source and the
    Python version, and writes it atomically."""
    folder = Path(settings.get("CACHE_PATH") or "cache") / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return _CompiledTemplates(str(folder))


class _CompiledTemplates(FileSystemBytecodeCache):
    """Only a saving: code that cannot be kept (a full disk) is compiled again next time,
    and the build goes on to fail, or not, where it writes the site."""

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def forget(pelican) -> None:
    """A new build starts with nothing kept (Pelican's `initialized`)."""
    _MADE.clear()
