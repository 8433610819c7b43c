"""Grapheme clusters: what a person sees as one character (an emoji with its skin tone, a
family emoji joined by ZWJ, a letter with combining accents). Bluesky counts its 300-character
limit this way (app.bsky.feed.post: text maxGraphemes 300, maxLength 3000 bytes).

Uses the `regex` module's `\\X` (extended grapheme clusters, Unicode UAX #29)."""

from __future__ import annotations

from functools import lru_cache

import regex

_CLUSTER = regex.compile(r"\X")


@lru_cache(maxsize=256)
def grapheme_count(text: str) -> int:
    """How many extended grapheme clusters `text` has."""
    return sum(1 for _ in _CLUSTER.finditer(text))


def utf8_length(text: str) -> int:
    """The size of `text` encoded as UTF-8 (lone surrogates count as replaced)."""
    return len(text.encode("utf-8", "surrogatepass"))


def grapheme_offset(text: str, graphemes: int) -> int:
    """The code-point index where the grapheme numbered `graphemes` starts (len(text) when
    the text has no more): where a highlight of the part over a limit begins."""
    for i, m in enumerate(_CLUSTER.finditer(text)):
        if i == graphemes:
            return int(m.start())
    return len(text)


def byte_offset_to_index(text: str, limit: int) -> int:
    """The first code-point index whose UTF-8 encoding ends past `limit` bytes."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8", "surrogatepass"))
        if size > limit:
            return i
    return len(text)
