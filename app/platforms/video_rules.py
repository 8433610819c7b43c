"""What a network takes as a video, as data: the media inspector (app/core/format_checks.py)
refuses a file outside these bounds when the post is scheduled and again at publish.

Sources (provenance in docs/media-formats.md): X's media best practices (0.5-140 s, 512 MB, MP4
or MOV, 1:3 to 3:1); Instagram's ig-user/media reference (Reels: MOV/MP4, 3 s to 15 min,
300 MB); LinkedIn's Videos API (MP4, 3 s to 30 min, 75 KB to 500 MB, 1:2.4 to 2.4:1);
Facebook's video publishing guide (up to 240 min, 10 GB).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

MP4_OR_MOV = frozenset({"video/mp4", "video/quicktime"})


@dataclass(frozen=True)
class VideoRules:
    #: how the network calls a video post, for messages: "Instagram Reels", "X videos"
    label: str
    min_s: float | None = None
    max_s: float | None = None
    min_bytes: int | None = None
    max_bytes: int | None = None
    #: accepted containers as MIME types (None: any video Herald reads)
    mimes: frozenset[str] | None = None
    #: width / height, inclusive bounds
    min_aspect: Fraction | None = None
    max_aspect: Fraction | None = None
