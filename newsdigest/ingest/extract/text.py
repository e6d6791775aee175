"""Text as the rules compare it: an element's words, and words without case or punctuation."""

from __future__ import annotations

import re


def text_of(element) -> str:
    """An element's text with every run of whitespace made one space."""
    return " ".join("".join(element.itertext()).split())


def fold(text: str) -> str:
    """Lower-case words only, so "The Times:" and "the times" compare equal."""
    return " ".join(re.findall(r"\w+", text.casefold()))
