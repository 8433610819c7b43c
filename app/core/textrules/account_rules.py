"""Per-account text and media limits: a network whose servers each set their own (a Mastodon
instance says 500 or 5,000 characters in `GET /api/v2/instance`) keeps that account's numbers
in its settings under `ACCOUNT_LIMITS`; the constraint checker and the composer's counter read
them through `rules_for_account`. Any network may store them; without, the descriptor's apply.

    settings["text_limits"] = {"max_length": 5000, "url_length": 23, "max_media": 4,
                               "image_max_bytes": 16777216, "video_max_bytes": 103809024,
                               "description_limit": 1500}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.core.textrules import emoji
from app.core.textrules.platform_rules import PlatformRules, rules_for
from app.core.textrules.urls import find_urls
from app.platforms.counting import plain_length
from app.platforms.names import Platform

#: the key of an account's settings holding its server's own limits
ACCOUNT_LIMITS = "text_limits"

# A fediverse mention: @user or @user@server.example (Mastodon's MENTION_RE, simplified).
_MENTION = re.compile(r"(?<![\w/@])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@[\w.-]+\w", re.ASCII)


def _positive(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if value > 0 else None


def rules_for_account(
    platform: Platform | str, settings: Mapping[str, Any] | None = None
) -> PlatformRules:
    """The network's rules, with the account's own limits (its settings) where it has them."""
    rules = rules_for(platform)
    limits = (settings or {}).get(ACCOUNT_LIMITS)
    if not isinstance(limits, Mapping):
        return rules
    changes: dict[str, Any] = {}
    if (n := _positive(limits.get("max_length"))) is not None:
        changes["max_length"] = n
    if (n := _positive(limits.get("url_length"))) is not None:
        changes["url_length"] = n
    media = rules.media
    if (n := _positive(limits.get("max_media"))) is not None:
        media = replace(media, max_items=n, max_images=n)
    if (n := _positive(limits.get("image_max_bytes"))) is not None:
        media = replace(media, image_max_bytes=n)
    if media is not rules.media:
        changes["media"] = media
    return replace(rules, **changes) if changes else rules


def fediverse_length(text: str, url_length: int = 23) -> int:
    """Mastodon's count: every link is `url_length` characters, a remote mention
    @user@server counts as @user, and the rest as a person sees characters (an emoji
    sequence or a letter with combining accents is one)."""
    pieces: list[tuple[int, int, int]] = [(u.start, u.end, url_length) for u in find_urls(text)]
    for m in _MENTION.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in pieces):
            pieces.append((m.start(), m.end(), 1 + len(m.group(1))))
    total, pos = 0, 0
    for start, end, counted in sorted(pieces):
        total += _visible(text[pos:start]) + counted
        pos = end
    return total + _visible(text[pos:])


def _visible(text: str) -> int:
    if text.isascii():
        return len(text)
    count = sum(1 for c in text if not unicodedata.combining(c) and c not in "\u200d\ufe0f")
    for start, end in emoji.find_emoji(text):
        seq = text[start:end]
        inside = sum(1 for c in seq if not unicodedata.combining(c) and c not in "\u200d\ufe0f")
        count -= max(0, inside - 1)
    return count


def counted_length(rules: PlatformRules, text: str) -> int:
    """The length as the network counts it: X weighted, fediverse, graphemes, code points or
    Threads' emoji-as-UTF-8-bytes."""
    if rules.length_counting == "x_weighted":
        from app.core.textrules.twitter import weighted_length

        return weighted_length(text)
    if rules.length_counting == "fediverse":
        return fediverse_length(text, rules.url_length)
    if rules.length_counting == "graphemes":
        from app.core.textrules.graphemes import grapheme_count

        return grapheme_count(text)
    return plain_length(text, rules.length_counting)
