"""The media inspector reads a video's codec from its MP4 sample description (moov/trak/mdia/
minf/stbl/stsd, ISO/IEC 14496-12 8.5.2) and each network refuses, in words, what it does not
take: Instagram Reels and Threads H.264 or HEVC, X H.264 (issue 19). Small crafted files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from app.adapters.config import AdapterConfig
from app.core.clock import FakeClock
from app.core.constraints import validate
from app.core.media import MediaError, MediaInfo, inspect_media, video_codec
from app.platforms.names import Platform
from app.platforms.video_rules import codec_name
from tests.core.test_media import box, make_mp4, mvhd, tkhd


def stsd(*formats: bytes) -> bytes:
    entries = b"".join(box(f, b"\0" * 6 + struct.pack(">H", 1) + b"\0" * 70) for f in formats)
    return box(b"stsd", b"\0\0\0\0" + struct.pack(">I", len(formats)) + entries)


def coded_trak(width: int, height: int, fourcc: bytes, handler: bytes = b"vide") -> bytes:
    hdlr = box(b"hdlr", b"\0" * 8 + handler + b"\0" * 12 + b"\0")
    minf = box(b"minf", box(b"stbl", stsd(fourcc) if fourcc else box(b"stsd", b"\0" * 8)))
    return box(b"trak", tkhd(width, height) + box(b"mdia", hdlr + minf))


def clip(tmp_path: Path, fourcc: bytes, name: str = "clip.mp4", seconds: float = 20) -> Path:
    audio = coded_trak(0, 0, b"mp4a", handler=b"soun")  # an audio track first: not the codec
    return make_mp4(
        tmp_path / name,
        movie_header=mvhd(1000, int(seconds * 1000)),
        tracks=audio + coded_trak(1080, 1920, fourcc),
    )


def errors(platform: Platform, path: Path) -> list[str]:
    return [w.message for w in validate(platform, "Clip", [path]) if w.severity == "error"]


@pytest.mark.parametrize(
    ("fourcc", "name"),
    [(b"avc1", "H.264"), (b"avc3", "H.264"), (b"hvc1", "HEVC"), (b"hev1", "HEVC"),
     (b"av01", "AV1"), (b"vp09", "VP9"), (b"apcn", "ProRes")],
)  # fmt: skip
def test_the_codec_is_read_from_the_video_tracks_stsd(tmp_path, fourcc, name):
    info = inspect_media(clip(tmp_path, fourcc))
    assert info.codec == fourcc.decode()
    assert codec_name(info.codec) == name
    assert (info.width, info.height) == (1080, 1920)


def test_a_file_without_a_sample_description_has_no_codec(tmp_path):
    assert inspect_media(clip(tmp_path, b"")).codec is None


def test_a_truncated_stsd_is_a_damaged_file(tmp_path):
    hdlr = box(b"hdlr", b"\0" * 8 + b"vide" + b"\0" * 13)
    broken = box(
        b"trak",
        tkhd(640, 360) + box(b"mdia", hdlr + box(b"minf", box(b"stbl", box(b"stsd", b"\0\0")))),
    )
    path = make_mp4(tmp_path / "bad.mp4", tracks=broken)
    with pytest.raises(MediaError, match="sample description"):
        inspect_media(path)
    assert video_codec(path) is None  # the cheap reader says "unknown", never raises


def test_reels_and_threads_refuse_av1_in_words(tmp_path):
    av1 = clip(tmp_path, b"av01", "holiday.mp4")
    assert errors(Platform.INSTAGRAM, av1) == [
        "Instagram Reels: H.264 or HEVC video only; holiday.mp4 is coded in AV1. "
        "Export it again as H.264 or HEVC."
    ]
    assert errors(Platform.THREADS, av1) == [
        "Threads videos: H.264 or HEVC video only; holiday.mp4 is coded in AV1. "
        "Export it again as H.264 or HEVC."
    ]


def test_x_takes_h264_and_refuses_hevc(tmp_path):
    hevc = clip(tmp_path, b"hvc1", "phone.mov")
    assert errors(Platform.TWITTER, hevc) == [
        "X videos: H.264 video only; phone.mov is coded in HEVC. Export it again as H.264."
    ]
    assert errors(Platform.INSTAGRAM, hevc) == []  # Reels take HEVC
    assert errors(Platform.TWITTER, clip(tmp_path, b"avc1", "ok.mp4")) == []


def test_a_network_without_codec_rules_takes_any(tmp_path):
    assert errors(Platform.FACEBOOK, clip(tmp_path, b"av01")) == []


def test_an_unnamed_codec_is_shown_by_its_fourcc(tmp_path):
    odd = clip(tmp_path, b"xyz1", "odd.mp4")
    assert "odd.mp4 is coded in 'xyz1'" in errors(Platform.TWITTER, odd)[0]


def test_the_publish_path_reads_the_codec_from_the_file_again(tmp_path):
    """At publish the stored facts carry no codec: the check reads it from the file."""
    from app.platforms.twitter.adapter import TwitterAdapter

    item = MediaInfo.to_media_item(inspect_media(clip(tmp_path, b"hvc1", "phone.mp4")))
    with TwitterAdapter(AdapterConfig.real(), FakeClock()) as adapter:
        found = [w.message for w in adapter.validate("Clip", [item]) if w.severity == "error"]
    assert found == [
        "X videos: H.264 video only; phone.mp4 is coded in HEVC. Export it again as H.264."
    ]


def test_bluesky_and_threads_judge_videos_by_their_published_limits(tmp_path):
    ok = clip(tmp_path, b"avc1", "ok.mp4", seconds=170)
    assert errors(Platform.BLUESKY, ok) == []
    assert errors(Platform.THREADS, ok) == []
    long = clip(tmp_path, b"avc1", "long.mp4", seconds=6 * 60 + 5)
    assert errors(Platform.BLUESKY, long) == [
        "Bluesky videos: videos up to 3 minutes; this one is 6:05."
    ]
    assert errors(Platform.THREADS, long) == [
        "Threads videos: videos up to 5 minutes; this one is 6:05."
    ]
    mov = make_mp4(
        tmp_path / "phone.mov",
        brand=b"qt  ",
        movie_header=mvhd(1000, 20_000),
        tracks=coded_trak(1080, 1920, b"avc1"),
    )
    assert errors(Platform.BLUESKY, mov) == ["Bluesky videos: MP4 files only; phone.mov is MOV."]
    assert errors(Platform.THREADS, mov) == []


def test_a_threads_carousel_holds_twenty(tmp_path):
    from PIL import Image

    photos = []
    for i in range(21):
        path = tmp_path / f"p{i}.jpg"
        Image.new("RGB", (100, 100), (i * 10, 0, 0)).save(path, "JPEG")
        photos.append(path)
    found = [w.message for w in validate(Platform.THREADS, "Many", photos) if w.severity == "error"]
    assert found == ["Threads carousels hold at most 20 items; this post has 21."]
    assert [w for w in validate(Platform.THREADS, "Ok", photos[:20]) if w.severity == "error"] == []
