"""What the content rules say about a post: one ConstraintWarning per problem, with a stable
code, a severity ("error" blocks scheduling; "warning" only informs) and what it is about."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
    # The media inspector (app/core/format_checks.py): videos, carousels, alt text.
    VIDEO_DURATION = "video_duration"
    VIDEO_SIZE = "video_size"
    VIDEO_FORMAT = "video_format"
    VIDEO_ASPECT = "video_aspect"
    ALT_TEXT_MISSING = "alt_text_missing"


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


def has_errors(warnings: Sequence[ConstraintWarning]) -> bool:
    return any(w.severity == "error" for w in warnings)
