"""Content rules: does a post fit a platform? Warnings for the composer and the scheduler.

`validate(platform, text, media)` returns a list of `ConstraintWarning`. A warning of severity
"error" blocks scheduling; "warning" only informs. `start`/`end` are Python string indices of the
offending characters in `text` (what the composer highlights), or None when the warning is not
about a span. The limits themselves live in one table, `app.core.textrules.platform_rules.RULES`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.constraint_graphemes import check_grapheme_text
from app.core.constraint_warnings import ConstraintWarning, Severity, WarningCode, has_errors
from app.core.media_checks import MediaInput, check_media
from app.core.textrules import entities
from app.core.textrules.account_rules import counted_length, rules_for_account
from app.core.textrules.platform_rules import PlatformRules
from app.core.textrules.twitter import (
    INVALID_CHARACTERS,
    has_double_weight_characters,
    parse_x_post,
)
from app.core.textrules.twitter import weighted_length as weighted_length
from app.core.textrules.urls import find_urls
from app.platforms.counting import overflow_index, plain_length
from app.platforms.names import Platform

__all__ = [
    "ConstraintWarning",
    "MediaInput",
    "Severity",
    "WarningCode",
    "effective_text",
    "has_errors",
    "validate",
    "weighted_length",
]


def effective_text(base_text: str, override: str | None) -> str:
    """The text a target publishes: its own override when it has one, else the post's text."""
    return base_text if override is None else override


def validate(
    platform: Platform | str,
    text: str,
    media: Sequence[MediaInput] = (),
    settings: Mapping[str, Any] | None = None,
) -> list[ConstraintWarning]:
    """Every way `text` with `media` breaks `platform`'s rules (empty list: it fits).

    `media` items may be MediaInfo, the publish path's MediaItem, or paths (inspected here; a
    file that cannot be used becomes an error naming it). `settings`: the account's, whose
    own limits (a Mastodon instance's) replace the network's (app.core.textrules.account_rules).
    """
    rules = rules_for_account(platform, settings)
    found: list[ConstraintWarning] = []
    if _is_blank(text):
        found.append(
            ConstraintWarning(
                WarningCode.EMPTY,
                "error",
                f"Write something: an empty {rules.name} post can't be scheduled.",
            )
        )
    else:
        _check_text(rules, text, found)
    check_media(rules, media, found)
    return found


# ---------------------------------------------------------------- text

# Whitespace and the invisible characters people use to fake an empty-looking post.
_BLANK = re.compile(r"[\s\u180e\u200b\u200c\u200d\u2060\ufeff\u2800\u3164]*")


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _check_text(rules: PlatformRules, text: str, found: list[ConstraintWarning]) -> None:
    if rules.length_counting == "x_weighted":
        _check_x_text(rules, text, found)
    elif rules.length_counting == "graphemes":
        check_grapheme_text(rules.name, rules.max_length, rules.max_bytes, text, found)
    elif rules.length_counting == "fediverse":
        length = counted_length(rules, text)
        if length > rules.max_length:
            found.append(
                ConstraintWarning(
                    WarningCode.TOO_LONG,
                    "error",
                    f"{rules.name} allows {rules.max_length:,} characters on this server "
                    f"(links count as {rules.url_length}); this post counts {length:,}.",
                    start=min(rules.max_length, len(text)),
                    end=len(text),
                )
            )
    elif (length := plain_length(text, rules.length_counting)) > rules.max_length:
        emoji_rule = rules.length_counting == "emoji_utf8_bytes"
        found.append(
            ConstraintWarning(
                WarningCode.TOO_LONG,
                "error",
                f"{rules.name} allows {rules.max_length:,} characters"
                + (" (an emoji counts as its UTF-8 bytes, up to 4)" if emoji_rule else "")
                + f"; this post has {length:,}.",
                start=overflow_index(text, rules.length_counting, rules.max_length),
                end=len(text),
            )
        )
    if rules.max_hashtags is not None:
        _check_tag_count(
            rules.name,
            entities.hashtags(text),
            rules.max_hashtags,
            "hashtags",
            WarningCode.TOO_MANY_HASHTAGS,
            found,
        )
    if rules.max_mentions is not None:
        _check_tag_count(
            rules.name,
            entities.mentions(text),
            rules.max_mentions,
            "@-mentions",
            WarningCode.TOO_MANY_MENTIONS,
            found,
        )
    if not rules.links_clickable:
        for url in find_urls(text):
            found.append(
                ConstraintWarning(
                    WarningCode.LINK_NOT_CLICKABLE,
                    "warning",
                    f"Links aren't clickable in {rules.name} captions: {url.url} will show as "
                    "plain text (a link in your bio is the usual way).",
                    start=url.start,
                    end=url.end,
                )
            )


def _check_x_text(rules: PlatformRules, text: str, found: list[ConstraintWarning]) -> None:
    parsed = parse_x_post(text)
    if parsed.weighted_length > rules.max_length:
        notes = []
        if parsed.url_count:
            notes.append("links count as 23 each")
        if has_double_weight_characters(text):
            notes.append("emoji and CJK characters count as 2")
        note = f" ({'; '.join(notes)})" if notes else ""
        start = parsed.overflow_start if parsed.overflow_start is not None else len(text)
        found.append(
            ConstraintWarning(
                WarningCode.TOO_LONG,
                "error",
                f"{rules.name} allows {rules.max_length} characters; this post counts "
                f"{parsed.weighted_length:,}{note}.",
                start=min(start, len(text)),
                end=len(text),
            )
        )
    for match in INVALID_CHARACTERS.finditer(text):
        found.append(
            ConstraintWarning(
                WarningCode.INVALID_CHARACTER,
                "error",
                f"{rules.name} rejects posts containing the invisible character "
                f"U+{ord(match.group()):04X}; delete it.",
                start=match.start(),
                end=match.end(),
            )
        )


def _check_tag_count(
    platform_name: str,
    tags: list[entities.Tag],
    limit: int,
    what: str,
    code: WarningCode,
    found: list[ConstraintWarning],
) -> None:
    if len(tags) <= limit:
        return
    found.append(
        ConstraintWarning(
            code,
            "error",
            f"{platform_name} allows at most {limit} {what} in a caption; this one has "
            f"{len(tags)}.",
            start=tags[limit].start,
            end=tags[-1].end,
        )
    )
