"""What each network accepts, as the constraint checker reads it. The values live in each
network's descriptor (app/platforms/<network>/): update them there.

Sources: /work/shared/PLATFORM-APIS.md (X: 280 weighted characters, 4 images or 1 video or 1 GIF;
Instagram: caption 2,200 characters, 30 hashtags, 20 @-mentions, JPEG up to 8 MB with an aspect
ratio from 4:5 to 1.91:1, carousels of 2-10 items; LinkedIn 3,000 characters; Facebook 63,206).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The rules' types and values live in the network descriptors (app/platforms/); this module
# keeps its names so the constraint checker and the composer read them as before.
from app.platforms.descriptor import MIB, LengthCounting, MediaRules, PlatformDescriptor
from app.platforms.names import Platform
from app.platforms.views import PerPlatform

__all__ = ["MIB", "RULES", "LengthCounting", "MediaRules", "PlatformRules", "rules_for"]


@dataclass(frozen=True)
class PlatformRules:
    platform: Platform
    name: str  # as shown to people
    max_length: int
    length_counting: LengthCounting = "code_points"
    max_hashtags: int | None = None
    max_mentions: int | None = None
    links_clickable: bool = True
    max_bytes: int | None = None  # UTF-8 size cap (Bluesky)
    url_length: int = 23  # what a link counts under "fediverse" counting
    media: MediaRules = MediaRules()  # noqa: RUF009 frozen: one shared default is safe


# Built once per descriptor (checked by identity: a network registered again is rebuilt).
_BUILT: dict[str, tuple[PlatformDescriptor, PlatformRules]] = {}


def _from_descriptor(d: PlatformDescriptor) -> PlatformRules:
    built = _BUILT.get(d.name)
    if built is not None and built[0] is d:
        return built[1]
    rules = _build(d)
    _BUILT[d.name] = (d, rules)
    return rules


def _build(d: PlatformDescriptor) -> PlatformRules:
    return PlatformRules(
        platform=Platform(d.name),
        name=d.display_name,
        max_length=d.text.max_length,
        length_counting=d.text.counting,
        max_hashtags=d.text.max_hashtags,
        max_mentions=d.text.max_mentions,
        links_clickable=d.text.links_clickable,
        max_bytes=d.text.max_bytes,
        url_length=d.text.url_length,
        media=d.media,
    )


#: every registered network's rules, read from the registry at each lookup
RULES: Mapping[Platform, PlatformRules] = PerPlatform(_from_descriptor)


def rules_for(platform: Platform | str) -> PlatformRules:
    """The rules of a platform given as `Platform` or what a person types (its name or
    display name in any case: "twitter", "X", "LinkedIn")."""
    return RULES[parse_platform(platform)]


def parse_platform(platform: Platform | str) -> Platform:
    return platform if isinstance(platform, Platform) else Platform.parse(str(platform))
