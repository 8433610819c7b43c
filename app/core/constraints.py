"""Content rules: does a post fit a platform? Warnings for the composer and the scheduler.

`validate(platform, text, media)` returns a list of `ConstraintWarning`. A warning of severity
"error" blocks scheduling; "warning" only informs. `start`/`end` are Python string indices of the
offending characters in `text` (what the composer highlights), or None when the warning is not
about a span. The limits themselves live in one table, `app.core.textrules.platform_rules.RULES`.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from app.core.media import MediaDescription, MediaError, MediaInfo, inspect_media_cached
from app.core.textrules import entities
from app.core.textrules.platform_rules import MediaRules, PlatformRules, rules_for
from app.core.textrules.twitter import (
    INVALID_CHARACTERS,
    has_double_weight_characters,
    parse_x_post,
)
from app.core.textrules.twitter import weighted_length as weighted_length
from app.core.textrules.urls import find_urls
from app.platforms.names import Platform

Severity = Literal["error", "warning"]
# An inspected file, a description of one (MediaItem, the posts service's facts), or a path.
MediaInput = MediaInfo | MediaDescription | str | os.PathLike[str]

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


class WarningCode(enum.StrEnum):
    """Stable codes (compare with plain strings: ``warning.code == "too_long"``)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    INVALID_CHARACTER = "invalid_character"
    TOO_MANY_HASHTAGS = "too_many_hashtags"
    TOO_MANY_MENTIONS = "too_many_mentions"
    LINK_NOT_CLICKABLE = "link_not_clickable"
    MEDIA_REQUIRED = "media_required"
    TOO_MANY_MEDIA = "too_many_media"
    MEDIA_MIXED = "media_mixed"
    IMAGE_FORMAT = "image_format"
    IMAGE_TOO_LARGE = "image_too_large"
    ASPECT_RATIO = "aspect_ratio"
    MEDIA_UNREADABLE = "media_unreadable"
    MEDIA_UNKNOWN_TYPE = "media_unknown_type"
    MEDIA_CORRUPT = "media_corrupt"


_MEDIA_ERROR_CODES = {
    "unreadable": WarningCode.MEDIA_UNREADABLE,
    "unknown_type": WarningCode.MEDIA_UNKNOWN_TYPE,
    "corrupt": WarningCode.MEDIA_CORRUPT,
}


@dataclass(frozen=True)
class ConstraintWarning:
    code: str  # a WarningCode
    severity: Severity
    message: str
    start: int | None = None  # offending characters: text[start:end]
    end: int | None = None
    media_index: int | None = None  # which attachment, for media warnings

    @property
    def blocks_scheduling(self) -> bool:
        return self.severity == "error"


def effective_text(base_text: str, override: str | None) -> str:
    """The text a target publishes: its own override when it has one, else the post's text."""
    return base_text if override is None else override


def has_errors(warnings: Sequence[ConstraintWarning]) -> bool:
    return any(w.severity == "error" for w in warnings)


def validate(
    platform: Platform | str, text: str, media: Sequence[MediaInput] = ()
) -> list[ConstraintWarning]:
    """Every way `text` with `media` breaks `platform`'s rules (empty list: it fits).

    `media` items may be MediaInfo, the publish path's MediaItem, or paths (inspected here; a
    file that cannot be used becomes an error naming it).
    """
    rules = rules_for(platform)
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
    _check_media(rules, media, found)
    return found


# ---------------------------------------------------------------- text

# Whitespace and the invisible characters people use to fake an empty-looking post.
_BLANK = re.compile(r"[\s\u180e\u200b\u200c\u200d\u2060\ufeff\u2800\u3164]*")


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _check_text(rules: PlatformRules, text: str, found: list[ConstraintWarning]) -> None:
    if rules.length_counting == "x_weighted":
        _check_x_text(rules, text, found)
    elif len(text) > rules.max_length:
        found.append(
            ConstraintWarning(
                WarningCode.TOO_LONG,
                "error",
                f"{rules.name} allows {rules.max_length:,} characters; "
                f"this post has {len(text):,}.",
                start=rules.max_length,
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


# ---------------------------------------------------------------- media


def _check_media(
    rules: PlatformRules, media: Sequence[MediaInput], found: list[ConstraintWarning]
) -> None:
    limits = rules.media
    usable: list[tuple[int, MediaInfo]] = []
    for index, item in enumerate(media):
        try:
            usable.append((index, _as_media_info(item)))
        except MediaError as exc:
            found.append(
                ConstraintWarning(
                    _MEDIA_ERROR_CODES[exc.code], "error", exc.message, media_index=index
                )
            )
    if limits.required and not media:
        found.append(
            ConstraintWarning(
                WarningCode.MEDIA_REQUIRED,
                "error",
                f"{rules.name} posts need at least one photo or video.",
            )
        )
    _check_media_counts(rules, len(media), [info for _, info in usable], found)
    for index, info in usable:
        if info.kind != "video":
            _check_image(rules.name, limits, index, info, found)


def _as_media_info(item: MediaInput) -> MediaInfo:
    if isinstance(item, MediaInfo):
        return item
    if isinstance(item, str | os.PathLike):
        return inspect_media_cached(item)
    if getattr(item, "error", None) or (
        item.mime == "image/gif" and not hasattr(item, "animated") and os.path.isfile(item.path)
    ):
        # A file that failed inspection before (look again, for the exact reason), or a GIF
        # whose animation is not recorded (X counts animated GIFs apart from photos).
        info = inspect_media_cached(item.path)
        name = getattr(item, "original_name", None)
        return replace(info, display_name=name) if name else info
    return MediaInfo.from_description(item)


def _check_media_counts(
    rules: PlatformRules, total: int, infos: list[MediaInfo], found: list[ConstraintWarning]
) -> None:
    limits = rules.media
    counts = {kind: sum(1 for i in infos if i.kind == kind) for kind in ("image", "video", "gif")}
    per_kind = (
        ("image", limits.max_images),
        ("video", limits.max_videos),
        ("gif", limits.max_gifs),
    )
    kinds_present = [kind for kind, n in counts.items() if n]
    if not limits.allow_mixed and len(kinds_present) > 1:
        listed = " and ".join(_KIND_PLURAL[k] for k in kinds_present)
        choices = ", or ".join(_count_phrase(limit, kind) for kind, limit in per_kind if limit)
        found.append(
            ConstraintWarning(
                WarningCode.MEDIA_MIXED,
                "error",
                f"{rules.name} can't mix {listed} in one post: attach {choices}.",
            )
        )
        return
    for kind, limit in per_kind:
        if limit is not None and counts[kind] > limit:
            found.append(
                ConstraintWarning(
                    WarningCode.TOO_MANY_MEDIA,
                    "error",
                    f"{rules.name} allows {_count_phrase(limit, kind)} per post; "
                    f"this one has {counts[kind]}.",
                )
            )
            return
    if limits.max_items is not None and total > limits.max_items:
        found.append(
            ConstraintWarning(
                WarningCode.TOO_MANY_MEDIA,
                "error",
                f"{rules.name} allows at most {limits.max_items} photos and videos per post; "
                f"this one has {total}.",
            )
        )


_KIND_SINGULAR = {"image": "photo", "video": "video", "gif": "GIF"}
_KIND_PLURAL = {"image": "photos", "video": "videos", "gif": "GIFs"}


def _count_phrase(n: int, kind: str) -> str:
    if n == 1:
        return f"one {_KIND_SINGULAR[kind]}"
    return f"up to {n} {_KIND_PLURAL[kind]}"


def _check_image(
    platform_name: str,
    limits: MediaRules,
    index: int,
    info: MediaInfo,
    found: list[ConstraintWarning],
) -> None:
    name = info.name
    if limits.image_mimes is not None and info.mime not in limits.image_mimes:
        accepted = ", ".join(sorted(_MIME_LABELS.get(m, m) for m in limits.image_mimes))
        found.append(
            ConstraintWarning(
                WarningCode.IMAGE_FORMAT,
                "error",
                f"{platform_name} only accepts {accepted} photos; {name} is "
                f"{_MIME_LABELS.get(info.mime, info.mime)}. Save it as {accepted} and attach "
                "it again.",
                media_index=index,
            )
        )
    if limits.image_max_bytes is not None and info.bytes > limits.image_max_bytes:
        found.append(
            ConstraintWarning(
                WarningCode.IMAGE_TOO_LARGE,
                "error",
                f"{name} is {_megabytes(info.bytes)}; {platform_name} accepts photos up to "
                f"{_megabytes(limits.image_max_bytes)}.",
                media_index=index,
            )
        )
    ratio = info.aspect_ratio
    low, high = limits.image_min_aspect, limits.image_max_aspect
    if ratio is None or (low is None and high is None):
        return
    shape = None
    if low is not None and ratio < low:
        shape = "too tall"
    elif high is not None and ratio > high:
        shape = "too wide"
    if shape:
        bounds = f"between {_ratio(low)} (portrait) and {_ratio(high)} (landscape)"
        found.append(
            ConstraintWarning(
                WarningCode.ASPECT_RATIO,
                "error",
                f"{name} is {shape} for {platform_name} ({info.width}×{info.height}, "
                f"{float(ratio):.2f}:1); photos must be {bounds}. Crop it and attach it again.",
                media_index=index,
            )
        )


_MIME_LABELS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
}


def _megabytes(n: int) -> str:
    mib = n / (1024 * 1024)
    return f"{mib:g} MB" if mib.is_integer() else f"{mib:.2f} MB"


def _ratio(value: Fraction | None) -> str:
    if value is None:
        return "any"
    if value < 1 and (value.numerator, value.denominator) == (4, 5):
        return "4:5"
    return f"{float(value):g}:1"
