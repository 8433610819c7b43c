"""What a network takes as a video, as data: the media inspector (app/core/format_checks.py)
refuses a file outside these bounds when the post is scheduled and again at publish.

Sources (provenance in docs/media-formats.md): X's media best practices (0.5-140 s, 512 MB, MP4
or MOV, 1:3 to 3:1); Instagram's ig-user/media reference (Reels: MOV/MP4, 3 s to 15 min,
300 MB); LinkedIn's Videos API (MP4, 3 s to 30 min, 75 KB to 500 MB, 1:2.4 to 2.4:1);
Facebook's video publishing guide (up to 240 min, 10 GB). Codecs: Instagram's and Threads'
video specifications (HEVC or H.264), X's media best practices (H.264).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

MP4_OR_MOV = frozenset({"video/mp4", "video/quicktime"})

#: a video track's sample format (the fourcc of its stsd entry, ISO/IEC 14496-12 and 14496-15)
#: -> the codec's name as people know it
CODEC_NAMES = {
    "avc1": "H.264",
    "avc3": "H.264",
    "hvc1": "HEVC",
    "hev1": "HEVC",
    "vp08": "VP8",
    "vp09": "VP9",
    "av01": "AV1",
    "mp4v": "MPEG-4 Part 2",
    "s263": "H.263",
    "jpeg": "Motion JPEG",
    "mjp2": "Motion JPEG 2000",
    "apch": "ProRes",
    "apcn": "ProRes",
    "apcs": "ProRes",
    "apco": "ProRes",
    "ap4h": "ProRes",
}
H264 = frozenset({"H.264"})
H264_OR_HEVC = frozenset({"H.264", "HEVC"})


def codec_name(fourcc: str) -> str:
    """ "avc1" -> "H.264"; a format Herald does not name keeps its fourcc ("'xyz1'")."""
    return CODEC_NAMES.get(fourcc, f"'{fourcc.strip()}'")


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
    #: accepted video codecs by name (CODEC_NAMES' values; None: any)
    codecs: frozenset[str] | None = None
