"""X's weighted post length (twitter-text's `parseTweet`), for any twitter-text configuration.

The counting rules (twitter-text, Apache-2.0; algorithm checked against twitter-text-parser 3.0.0,
MIT): the text is NFC-normalised; every link counts `transformed_url_length`; with
`emoji_parsing_enabled` every emoji, however many code points, counts `default_weight`; every
other code point counts the weight of the first configured range holding it, else
`default_weight`; the sum is divided by `scale`. Ranges in the result are UTF-16 units, as in
twitter-text's conformance data. Line endings are left alone (twitter-text's JavaScript and Java
do; twitter-text-parser alone folds "\\r\\n" to one character).

Speed: instead of weighing character by character, the text is cut into links, emoji and the
plain runs between them; a plain run is weighed in one regex pass, and only the run in which the
limit is crossed is walked character by character to find where the valid range ends.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from app.core.textrules.emoji import find_emoji
from app.core.textrules.offsets import utf16_length, utf16_to_index
from app.core.textrules.urls import UrlEntity, find_urls

# U+FFFE, U+FEFF and U+FFFF make a post invalid wherever they are.
INVALID_CHARACTERS = re.compile("[\ufffe\ufeff\uffff]")


@dataclass(frozen=True)
class WeightRange:
    start: int  # first code point, inclusive
    end: int  # last code point, inclusive
    weight: int


@dataclass(frozen=True)
class TweetConfig:
    """One twitter-text configuration (config/v2.json, v3.json...)."""

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    emoji_parsing_enabled: bool = True
    ranges: tuple[WeightRange, ...] = ()
    version: int = 3

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TweetConfig:
        """From twitter-text's JSON shape (camelCase keys, as in config/v3.json)."""
        return cls(
            max_weighted_length=int(data["maxWeightedTweetLength"]),
            scale=int(data["scale"]),
            default_weight=int(data["defaultWeight"]),
            transformed_url_length=int(data["transformedURLLength"]),
            emoji_parsing_enabled=bool(data.get("emojiParsingEnabled", False)),
            ranges=tuple(
                WeightRange(int(r["start"]), int(r["end"]), int(r["weight"]))
                for r in data.get("ranges", ())
            ),
            version=int(data.get("version", 0)),
        )


_V2_RANGES = (
    WeightRange(0, 4351, 100),  # Basic Latin .. Georgian
    WeightRange(8192, 8205, 100),  # spaces in General Punctuation
    WeightRange(8208, 8223, 100),  # hyphens and quotes
    WeightRange(8242, 8247, 100),  # primes
)
V2 = TweetConfig(emoji_parsing_enabled=False, ranges=_V2_RANGES, version=2)
# What X uses today: v2's weights, plus every emoji sequence counted as one heavy character.
V3 = TweetConfig(emoji_parsing_enabled=True, ranges=_V2_RANGES, version=3)


@dataclass(frozen=True)
class ParseResult:
    """twitter-text's parse result; `valid_range_end` and `display_range_end` are inclusive
    UTF-16 indices into the original text. `overflow_start` is Herald's addition: the Python
    index of the first character past the weight limit (None when the text fits)."""

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int
    valid_range_end: int
    display_range_start: int
    display_range_end: int
    url_count: int = 0
    overflow_start: int | None = field(default=None, compare=False)

    def as_twitter_text(self) -> dict[str, Any]:
        """The result under twitter-text's own key names (as in its conformance files)."""
        return {
            "weightedLength": self.weighted_length,
            "valid": self.valid,
            "permillage": self.permillage,
            "displayRangeStart": self.display_range_start,
            "displayRangeEnd": self.display_range_end,
            "validRangeStart": self.valid_range_start,
            "validRangeEnd": self.valid_range_end,
        }


@dataclass(frozen=True)
class _WeightTable:
    """A configuration's code-point weights, prepared for bulk counting."""

    default: int
    ascii_weight: int  # every ASCII code point has this weight (checked when built)
    ascii_uniform: bool
    starts: tuple[int, ...]  # disjoint ranges, sorted, for single-character look-ups
    ends: tuple[int, ...]
    weights: tuple[int, ...]
    # For each weight other than the default: a regex matching runs of code points that have it
    # (runs, not single characters: far fewer matches to count in ordinary text).
    classes: tuple[tuple[int, re.Pattern[str]], ...]

    def char_weight(self, ch: str) -> int:
        cp = ord(ch)
        i = bisect.bisect_right(self.starts, cp) - 1
        if i >= 0 and cp <= self.ends[i]:
            return self.weights[i]
        return self.default

    def run_weight(self, run: str) -> int:
        if self.ascii_uniform and run.isascii():
            return self.ascii_weight * len(run)
        total = self.default * len(run)
        for weight, pattern in self.classes:
            hits = sum(map(len, pattern.findall(run)))
            total += (weight - self.default) * hits
        return total


@cache
def _weight_table(config: TweetConfig) -> _WeightTable:
    # Resolve overlaps as twitter-text does: the first listed range holding a code point wins.
    claimed: list[tuple[int, int, int]] = []
    for r in config.ranges:
        pieces = [(r.start, r.end)]
        for c_start, c_end, _ in claimed:
            pieces = [
                part
                for s, e in pieces
                for part in ((s, min(e, c_start - 1)), (max(s, c_end + 1), e))
                if part[0] <= part[1]
            ]
        claimed.extend((s, e, r.weight) for s, e in pieces)
    claimed.sort()
    by_weight: dict[int, list[tuple[int, int]]] = {}
    for s, e, w in claimed:
        if w != config.default_weight:
            by_weight.setdefault(w, []).append((s, e))
    classes = tuple(
        (w, re.compile("[" + "".join(f"{_esc(s)}-{_esc(e)}" for s, e in spans) + "]+"))
        for w, spans in by_weight.items()
    )

    def weight_of(cp: int) -> int:
        return next((w for s, e, w in claimed if s <= cp <= e), config.default_weight)

    ascii_weights = {weight_of(cp) for cp in range(128)}
    return _WeightTable(
        default=config.default_weight,
        ascii_weight=min(ascii_weights),
        ascii_uniform=len(ascii_weights) == 1,
        starts=tuple(s for s, _, _ in claimed),
        ends=tuple(e for _, e, _ in claimed),
        weights=tuple(w for _, _, w in claimed),
        classes=classes,
    )


def _esc(cp: int) -> str:
    return f"\\U{cp:08x}"


def _pieces(
    text: str, urls: tuple[UrlEntity, ...], emoji: list[tuple[int, int]], config: TweetConfig
) -> list[tuple[int, int, int]]:
    """(start, end, kind) pieces covering `text` in walking order; kind 0 plain, 1 link, 2 emoji.

    A link or emoji is taken only where the walk arrives exactly at its start, as in
    twitter-text's character loop; a link reaches `len(url)` characters from its start.
    """
    entities: list[tuple[int, int, int]] = [(u.start, u.start + len(u.url), 1) for u in urls]
    if config.emoji_parsing_enabled and emoji:
        entities.extend((s, e, 2) for s, e in emoji)
        entities.sort()  # at equal starts a link (kind 1) comes before an emoji (kind 2)
    pieces: list[tuple[int, int, int]] = []
    pos = 0
    for start, end, kind in entities:
        if start < pos:
            continue
        if start > pos:
            pieces.append((pos, start, 0))
        pieces.append((start, end, kind))
        pos = end
    if pos < len(text):
        pieces.append((pos, len(text), 0))
    return pieces


def _last_fitting_index(
    text: str,
    pieces: list[tuple[int, int, int]],
    weights: list[int],
    table: _WeightTable,
    limit: int,
) -> int:
    """Index of the last character (a link's or emoji's last character) that the walk reaches
    with its running weight still <= limit; -1 when even the first does not fit."""
    running = 0
    for (start, end, kind), weight in zip(pieces, weights, strict=True):
        if running + weight <= limit:
            running += weight
            continue
        if kind != 0:  # a link or emoji is in or out as a whole
            return start - 1
        # The limit falls inside this plain run. Weights are not negative, so the weight of a
        # prefix grows with its length: bisect for the longest prefix that still fits.
        fits, too_long = 0, end - start
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            if running + table.run_weight(text[start : start + middle]) <= limit:
                fits = middle
            else:
                too_long = middle
        return start + fits - 1
    return len(text) - 1


def parse_tweet(text: str, config: TweetConfig = V3) -> ParseResult:
    """twitter-text's parseTweet for `config` (default: X's current v3 rules)."""
    normalized = (
        text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    )
    table = _weight_table(config)
    scale = config.scale
    limit = config.max_weighted_length * scale
    urls = find_urls(normalized)
    emoji = find_emoji(normalized) if config.emoji_parsing_enabled else []

    if not urls and not emoji:
        pieces = [(0, len(normalized), 0)] if normalized else []
    else:
        pieces = _pieces(normalized, urls, emoji, config)
    entity_weights = (0, config.transformed_url_length * scale, config.default_weight)
    weights = [
        table.run_weight(normalized[s:e]) if kind == 0 else entity_weights[kind]
        for s, e, kind in pieces
    ]
    total = sum(weights)

    invalid = INVALID_CHARACTERS.search(normalized)
    last_fitting = (
        len(normalized) - 1
        if total <= limit
        else _last_fitting_index(normalized, pieces, weights, table, limit)
    )
    valid_display = last_fitting if invalid is None else min(last_fitting, invalid.start() - 1)

    weighted_length = total // scale
    text_units = utf16_length(text)
    normalization_offset = 0 if normalized is text else text_units - utf16_length(normalized)
    fitting_units = utf16_length(normalized[: last_fitting + 1])
    if valid_display < 0:
        valid_range_end = 0  # as twitter-text reports a text with no valid character at all
    elif valid_display == last_fitting:
        valid_range_end = fitting_units - 1
    else:
        valid_range_end = utf16_length(normalized[: valid_display + 1]) - 1
    valid_range_end += normalization_offset

    overflow_start: int | None = None
    if total > limit:
        # twitter-text's validRangeEnd (ignoring invalid characters), back in Python indices.
        units = fitting_units + normalization_offset
        overflow_start = utf16_to_index(text, units) if last_fitting >= 0 else 0

    return ParseResult(
        weighted_length=weighted_length,
        valid=invalid is None and 0 < weighted_length <= config.max_weighted_length,
        permillage=math.floor(weighted_length / config.max_weighted_length * 1000),
        valid_range_start=0,
        valid_range_end=valid_range_end,
        display_range_start=0,
        display_range_end=text_units - 1 if text_units > 0 else 0,
        url_count=len(urls),
        overflow_start=overflow_start,
    )


def has_double_weight_characters(text: str, config: TweetConfig = V3) -> bool:
    """True when some character weighs more than a Latin letter (CJK, emoji, ...)."""
    if text.isascii():
        return False
    table = _weight_table(config)
    return table.run_weight(text) > table.char_weight("a") * len(text)


@lru_cache(maxsize=64)
def _cached_v3(text: str) -> ParseResult:
    # The composer asks for the same text several times per keystroke (counter, each X tab).
    return parse_tweet(text, V3)


def parse_x_post(text: str) -> ParseResult:
    """parse_tweet under X's current rules (v3), with a small cache for repeated texts."""
    return _cached_v3(text)


def weighted_length(text: str) -> int:
    """X's weighted length of `text` (v3 rules)."""
    return _cached_v3(text).weighted_length


def clear_result_cache() -> None:
    _cached_v3.cache_clear()
