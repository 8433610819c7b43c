"""The media inspector's post-format rules: a video's duration, size, container and shape
against the network's `VideoRules`, and a carousel's size against `PostFormats.carousel_max`,
each refused in the network's own words ("Instagram Reels: videos up to 15 minutes; this one
is 16:04"). Read from the descriptors; run when scheduling and again at publish (both go
through app.core.constraints.validate)."""

from __future__ import annotations

from fractions import Fraction

from app import platforms
from app.core.constraint_warnings import ConstraintWarning, WarningCode
from app.core.media import MediaInfo
from app.platforms.video_rules import VideoRules, codec_name

_CONTAINERS = {"video/mp4": "MP4", "video/quicktime": "MOV"}


def check_video(
    rules: VideoRules, index: int, info: MediaInfo, found: list[ConstraintWarning]
) -> None:
    """Every way the video `info` (attachment `index`) breaks `rules`."""
    label, name = rules.label, info.name

    def refuse(code: WarningCode, message: str) -> None:
        found.append(ConstraintWarning(code, "error", message, media_index=index))

    if rules.mimes is not None and info.mime not in rules.mimes:
        accepted = " or ".join(sorted(_CONTAINERS.get(m, m) for m in rules.mimes))
        refuse(
            WarningCode.VIDEO_FORMAT,
            f"{label}: {accepted} files only; {name} is {_CONTAINERS.get(info.mime, info.mime)}.",
        )
    codec = codec_name(info.codec) if info.codec else None
    if rules.codecs is not None and codec is not None and codec not in rules.codecs:
        accepted = " or ".join(sorted(rules.codecs))
        refuse(
            WarningCode.VIDEO_FORMAT,
            f"{label}: {accepted} video only; {name} is coded in {codec}. Export it again "
            f"as {accepted}.",
        )
    duration = info.duration_s
    if duration is not None:
        if rules.max_s is not None and duration > rules.max_s:
            refuse(
                WarningCode.VIDEO_DURATION,
                f"{label}: videos up to {span(rules.max_s)}; this one is {clock(duration)}.",
            )
        elif rules.min_s is not None and duration < rules.min_s:
            refuse(
                WarningCode.VIDEO_DURATION,
                f"{label}: videos of at least {span(rules.min_s)}; this one is {clock(duration)}.",
            )
    if rules.max_bytes is not None and info.bytes > rules.max_bytes:
        refuse(
            WarningCode.VIDEO_SIZE,
            f"{label}: files up to {_size(rules.max_bytes)}; {name} is {_size(info.bytes)}.",
        )
    elif rules.min_bytes is not None and info.bytes < rules.min_bytes:
        refuse(
            WarningCode.VIDEO_SIZE,
            f"{label}: files of at least {_size(rules.min_bytes)}; {name} is {_size(info.bytes)}.",
        )
    ratio = info.aspect_ratio
    low, high = rules.min_aspect, rules.max_aspect
    if ratio is not None and (
        (low is not None and ratio < low) or (high is not None and ratio > high)
    ):
        refuse(
            WarningCode.VIDEO_ASPECT,
            f"{label}: a shape between {_ratio(low)} and {_ratio(high)}; {name} is "
            f"{info.width}×{info.height}.",
        )


def carousel_refusal(platform: str, display_name: str, count: int) -> ConstraintWarning | None:
    """The refusal of a carousel of `count` items over the network's most, or None."""
    try:
        formats = platforms.get(platform).formats
    except (KeyError, ValueError):
        return None
    most = formats.carousel_max
    if not formats.carousel or most is None or count <= most:
        return None
    return ConstraintWarning(
        WarningCode.TOO_MANY_MEDIA,
        "error",
        f"{display_name} carousels hold at most {most} items; this post has {count}.",
    )


def span(seconds: float) -> str:
    """A limit in words: "15 minutes", "140 seconds", "0.5 seconds", "4 hours"."""
    if seconds >= 7200 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} hours"
    if seconds >= 180 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return f"{seconds:g} seconds"


def clock(seconds: float) -> str:
    """A duration as a player shows it: "16:04", "1:02:03"; under a minute "2.4 seconds"."""
    if seconds < 60:
        return f"{seconds:.1f} seconds".replace(".0 ", " ")
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:g} GB"
    if n >= 1024 * 1024:
        mib = n / (1024 * 1024)
        return f"{mib:g} MB" if mib.is_integer() else f"{mib:.1f} MB"
    return f"{n / 1024:.0f} KB"


def _ratio(value: Fraction | None) -> str:
    if value is None:
        return "any"
    if value < 1:
        return f"1:{float(1 / value):g}"
    return f"{float(value):g}:1"
