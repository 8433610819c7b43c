"""What each network accepts: the one table to update when a platform changes its limits.

Sources: /work/shared/PLATFORM-APIS.md (X: 280 weighted characters, 4 images or 1 video or 1 GIF;
Instagram: caption 2,200 characters, 30 hashtags, 20 @-mentions, JPEG up to 8 MB with an aspect
ratio from 4:5 to 1.91:1, carousels of 2-10 items; LinkedIn 3,000 characters; Facebook 63,206).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from app.constants import Platform

MIB = 1024 * 1024

# How a platform counts characters: X's weighted count (links 23, CJK and emoji 2), or plain
# code points (what a person sees as characters, for the networks that publish no rule).
LengthCounting = Literal["x_weighted", "code_points"]


@dataclass(frozen=True)
class MediaRules:
    required: bool = False  # at least one image or video
    max_items: int | None = None  # None: no limit Herald knows of
    max_images: int | None = None
    max_videos: int | None = None
    max_gifs: int | None = None  # animated GIFs
    allow_mixed: bool = True  # may images, videos and GIFs share a post?
    image_mimes: frozenset[str] | None = None  # None: any image type Herald reads
    image_max_bytes: int | None = None
    # Width / height, inclusive bounds.
    image_min_aspect: Fraction | None = None
    image_max_aspect: Fraction | None = None


@dataclass(frozen=True)
class PlatformRules:
    platform: Platform
    name: str  # as shown to people
    max_length: int
    length_counting: LengthCounting = "code_points"
    max_hashtags: int | None = None
    max_mentions: int | None = None
    links_clickable: bool = True
    media: MediaRules = MediaRules()


RULES: Mapping[Platform, PlatformRules] = MappingProxyType(
    {
        Platform.TWITTER: PlatformRules(
            platform=Platform.TWITTER,
            name="X",
            max_length=280,
            length_counting="x_weighted",
            media=MediaRules(
                max_items=4, max_images=4, max_videos=1, max_gifs=1, allow_mixed=False
            ),
        ),
        Platform.INSTAGRAM: PlatformRules(
            platform=Platform.INSTAGRAM,
            name="Instagram",
            max_length=2200,
            max_hashtags=30,
            max_mentions=20,
            links_clickable=False,
            media=MediaRules(
                required=True,
                max_items=10,  # a carousel holds 2 to 10; one item is a single post
                image_mimes=frozenset({"image/jpeg"}),
                image_max_bytes=8 * MIB,
                image_min_aspect=Fraction(4, 5),
                image_max_aspect=Fraction(191, 100),
            ),
        ),
        Platform.LINKEDIN: PlatformRules(
            platform=Platform.LINKEDIN, name="LinkedIn", max_length=3000
        ),
        Platform.FACEBOOK: PlatformRules(
            platform=Platform.FACEBOOK, name="Facebook", max_length=63206
        ),
    }
)


def rules_for(platform: Platform | str) -> PlatformRules:
    """The rules of a platform given as `Platform` or its value ("TWITTER", "twitter", "X")."""
    return RULES[parse_platform(platform)]


def parse_platform(platform: Platform | str) -> Platform:
    if isinstance(platform, Platform):
        return platform
    value = str(platform).strip().upper()
    if value == "X":
        return Platform.TWITTER
    try:
        return Platform(value)
    except ValueError:
        known = ", ".join(p.value for p in Platform)
        raise ValueError(f"unknown platform {platform!r}; expected one of {known}") from None
