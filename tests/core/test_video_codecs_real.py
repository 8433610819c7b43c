"""The media inspector on real MP4 files made by ffmpeg (x264, x265, AV1, MPEG-4 Part 2, and
an encrypted H.264 one whose codec is behind `encv`),
copied from mozilla/mp4parse-rust (provenance: tests/contract/recorded/media/SOURCES.md):
the codec read from stsd and each network's verdict on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.constraints import validate
from app.core.media import inspect_media
from app.platforms.names import Platform
from app.platforms.video_rules import codec_name

HERE = Path(__file__).resolve().parents[1] / "contract" / "recorded" / "media"


@pytest.mark.parametrize(
    ("name", "fourcc", "codec", "size"),
    [
        ("h264_white_frame_sar_16_9.mp4", "avc1", "H.264", (1138, 480)),  # 640x480, SAR 16:9
        ("hevc_white_frame.mp4", "hev1", "HEVC", (640, 480)),
        ("tiny_av1.mp4", "av01", "AV1", (64, 64)),
        ("bbb_sunflower_QCIF_30fps_mp4v_noaudio_1f.mp4", "mp4v", "MPEG-4 Part 2", (256, 144)),
        ("bipbop_cbcs_video_init.mp4", "avc1", "H.264", (400, 300)),  # encv: sinf/frma
    ],
)
def test_real_files_codec_and_size(name, fourcc, codec, size):
    info = inspect_media(HERE / name)
    assert info.mime == "video/mp4"
    assert info.codec == fourcc
    assert codec_name(fourcc) == codec
    assert (info.width, info.height) == size


def codec_errors(platform: Platform, name: str) -> list[str]:
    found = validate(platform, "Clip", [HERE / name])
    return [w.message for w in found if w.severity == "error" and "coded in" in w.message]


def test_each_network_judges_the_real_codecs():
    assert codec_errors(Platform.TWITTER, "h264_white_frame_sar_16_9.mp4") == []
    assert codec_errors(Platform.TWITTER, "hevc_white_frame.mp4") == [
        "X videos: H.264 video only; hevc_white_frame.mp4 is coded in HEVC. "
        "Export it again as H.264."
    ]
    for platform in (Platform.INSTAGRAM, Platform.THREADS):
        assert codec_errors(platform, "hevc_white_frame.mp4") == []
        assert codec_errors(platform, "h264_white_frame_sar_16_9.mp4") == []
        assert len(codec_errors(platform, "tiny_av1.mp4")) == 1
        assert (
            "coded in MPEG-4 Part 2"
            in codec_errors(platform, "bbb_sunflower_QCIF_30fps_mp4v_noaudio_1f.mp4")[0]
        )
