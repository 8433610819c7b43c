"""The media half of the content rules: how many photos, videos and GIFs a platform takes,
whether it mixes them, and each image's format, size and shape (app.core.constraints)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from app.core.constraint_warnings import ConstraintWarning, WarningCode
from app.core.format_checks import carousel_refusal, check_video
from app.core.media import (
    MediaDescription,
    MediaError,
    MediaInfo,
    inspect_media_cached,
    video_codec,
)
from app.core.textrules.platform_rules import MediaRules, PlatformRules

# An inspected file, a description of one (MediaItem, the posts service's facts), or a path.
MediaInput = MediaInfo | MediaDescription | str | os.PathLike[str]

_MEDIA_ERROR_CODES = {
    "unreadable": WarningCode.MEDIA_UNREADABLE,
    "unknown_type": WarningCode.MEDIA_UNKNOWN_TYPE,
    "corrupt": WarningCode.MEDIA_CORRUPT,
}


def check_media(
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
        elif limits.video is not None:
            check_video(limits.video, index, info, found)


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
    info = MediaInfo.from_description(item)
    if info.kind == "video" and info.codec is None and os.path.isfile(info.path):
        # The stored facts carry no codec: read it from the file's boxes (at publish too).
        info = replace(info, codec=video_codec(info.path))
    return info


def _check_media_counts(
    rules: PlatformRules, total: int, infos: list[MediaInfo], found: list[ConstraintWarning]
) -> None:
    limits = rules.media
    carousel = carousel_refusal(rules.platform.value, rules.name, total)
    if carousel is not None:
        found.append(carousel)
        return
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
