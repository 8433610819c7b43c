"""Conversions between Python string indices (code points) and UTF-16 code units.

twitter-text reports ranges in UTF-16 units (it was written for JavaScript and Java); Herald's
spans are Python indices. Lone surrogates count as one unit each, as they do in JavaScript.
"""

from __future__ import annotations

import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def utf16_to_index(text: str, units: int) -> int:
    """Python index of the character that contains UTF-16 unit `units` (clamped to the text).

    A unit in the middle of a surrogate pair maps to the character that holds it. Only the
    astral characters are visited: before the k-th of them, index = units - k.
    """
    if units <= 0:
        return 0
    passed = 0  # astral characters before the current position
    for match in _ASTRAL.finditer(text):
        position = match.start()
        if units - passed <= position:
            return units - passed
        if units - passed == position + 1:  # the second unit of this astral character
            return position
        passed += 1
    return min(units - passed, len(text))
