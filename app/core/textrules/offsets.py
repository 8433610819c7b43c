"""Conversions between Python string indices (code points) and UTF-16 code units.

twitter-text reports ranges in UTF-16 units (it was written for JavaScript and Java); Herald's
spans are Python indices. Lone surrogates count as one unit each, as they do in JavaScript.
"""

from __future__ import annotations

import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def has_astral(text: str) -> bool:
    """True when some character needs two UTF-16 units (emoji, rare CJK, ...)."""
    return not text.isascii() and _ASTRAL.search(text) is not None


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def utf16_to_index(text: str, units: int) -> int:
    """Python index of the character that contains UTF-16 unit `units` (clamped to the text).

    A unit in the middle of a surrogate pair maps to the character that holds it.
    """
    if units <= 0:
        return 0
    if not has_astral(text):
        return min(units, len(text))
    seen = 0
    for index, ch in enumerate(text):
        seen += 2 if ch > "\uffff" else 1
        if seen > units:
            return index
    return len(text)
