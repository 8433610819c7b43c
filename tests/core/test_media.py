"""app.core.media: the inspector behind the media rules, on real small files made here."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from PIL import Image

from app.core.media import MediaError, MediaInfo, inspect_media
from app.core.ports import MediaItem

MIB = 1024 * 1024

# ---------------------------------------------------------------- file factories (also used by
# test_constraints.py)


def make_jpeg(path: Path, width: int = 1080, height: int = 1350, color: str = "red") -> Path:
    Image.new("RGB", (width, height), color).save(path, "JPEG", quality=85)
    return path


def make_png(path: Path, width: int = 100, height: int = 100) -> Path:
    Image.new("RGB", (width, height), "blue").save(path, "PNG")
    return path


def make_gif(path: Path, frames: int = 3, frame_ms: int = 100) -> Path:
    colors = ["red", "green", "blue", "yellow", "white"]
    images = [Image.new("RGB", (40, 30), colors[i % len(colors)]) for i in range(frames)]
    images[0].save(path, "GIF", save_all=frames > 1, append_images=images[1:], duration=frame_ms)
    return path


def make_big_jpeg(path: Path, at_least: int = 8 * MIB + 1) -> Path:
    """A valid JPEG over `at_least` bytes: a small picture plus padding after its end marker,
    which decoders ignore (quicker than encoding megabytes of noise)."""
    make_jpeg(path, 400, 400)
    with path.open("ab") as fh:
        fh.write(b"\0" * at_least)
    return path


def make_truncated_jpeg(path: Path) -> Path:
    source = make_jpeg(path.with_name("whole-" + path.name), 640, 480)
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mvhd(timescale: int = 1000, duration: int = 12_500, version: int = 0) -> bytes:
    head = bytes([version, 0, 0, 0])
    if version == 0:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    else:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    # rate, volume, reserved, matrix, pre-defined, next track id: not read, but present.
    return box(b"mvhd", head + times + b"\0" * 80)


def tkhd(width: int, height: int, rotated: bool = False, version: int = 0) -> bytes:
    head = bytes([version, 0, 0, 3])
    if version == 0:
        ids = struct.pack(">IIIII", 0, 0, 1, 0, 12_500)
    else:
        ids = struct.pack(">QQIIQ", 0, 0, 1, 0, 12_500)
    a, b, c, d = (0, 0x10000, -0x10000, 0) if rotated else (0x10000, 0, 0, 0x10000)
    matrix = struct.pack(">9i", a, b, 0, c, d, 0, 0, 0, 0x40000000)
    layer_etc = b"\0" * 8 + b"\0" * 8  # reserved, layer, alternate group, volume, reserved
    return box(
        b"tkhd", head + ids + layer_etc + matrix + struct.pack(">II", width << 16, height << 16)
    )


def trak(width: int, height: int, handler: bytes = b"vide", rotated: bool = False) -> bytes:
    hdlr = box(b"hdlr", b"\0" * 8 + handler + b"\0" * 12 + b"\0")
    return box(b"trak", tkhd(width, height, rotated) + box(b"mdia", hdlr))


def make_mp4(
    path: Path,
    *,
    brand: bytes = b"isom",
    movie_header: bytes | None = None,
    tracks: bytes | None = None,
    moov_first: bool = False,
) -> Path:
    ftyp = box(b"ftyp", brand + b"\0\0\0\0" + b"isomiso2mp41")
    moov = box(
        b"moov",
        (mvhd() if movie_header is None else movie_header)
        + (trak(1920, 1080) if tracks is None else tracks),
    )
    mdat = box(b"mdat", b"\0" * 256)
    path.write_bytes(ftyp + (moov + mdat if moov_first else mdat + moov))
    return path


# ---------------------------------------------------------------- images


def test_jpeg_facts(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "photo.jpg", 1080, 1350)
    info = inspect_media(path)
    assert info.mime == "image/jpeg"
    assert info.kind == "image"
    assert (info.width, info.height) == (1080, 1350)
    assert info.bytes == path.stat().st_size
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.duration_s is None
    assert not info.animated
    assert info.name == "photo.jpg"
    assert info.aspect_ratio == pytest.approx(0.8)


def test_png_and_webp(tmp_path: Path) -> None:
    assert inspect_media(make_png(tmp_path / "a.png")).mime == "image/png"
    Image.new("RGB", (30, 20), "green").save(tmp_path / "b.webp", "WEBP")
    webp = inspect_media(tmp_path / "b.webp")
    assert (webp.mime, webp.kind, webp.width, webp.height) == ("image/webp", "image", 30, 20)


def test_animated_gif_is_a_gif_with_duration(tmp_path: Path) -> None:
    info = inspect_media(make_gif(tmp_path / "anim.gif", frames=3, frame_ms=100))
    assert (info.mime, info.kind, info.animated) == ("image/gif", "gif", True)
    assert info.duration_s == pytest.approx(0.3)


def test_still_gif_is_an_image(tmp_path: Path) -> None:
    info = inspect_media(make_gif(tmp_path / "still.gif", frames=1))
    assert (info.mime, info.kind, info.animated) == ("image/gif", "image", False)


def test_type_comes_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "really-a-png.jpg"
    Image.new("RGB", (10, 10)).save(path, "PNG")
    assert inspect_media(path).mime == "image/png"


def test_file_over_8_mib_is_read(tmp_path: Path) -> None:
    info = inspect_media(make_big_jpeg(tmp_path / "big.jpg"))
    assert info.bytes > 8 * MIB
    assert info.mime == "image/jpeg"


# ---------------------------------------------------------------- broken files


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    path = make_truncated_jpeg(tmp_path / "cut.jpg")
    with pytest.raises(MediaError) as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"
    assert "cut.jpg" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_png_with_bad_checksum_is_corrupt(tmp_path: Path) -> None:
    path = make_png(tmp_path / "bad.png")
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # inside the image data chunk: its CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(MediaError, match="bad.png") as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


def test_truncated_animated_gif_is_corrupt(tmp_path: Path) -> None:
    path = make_gif(tmp_path / "anim.gif", frames=4)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(MediaError, match="anim.gif") as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


def test_text_file_named_jpg_is_unknown_type(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("shopping list: eggs, flour\n")
    with pytest.raises(MediaError, match="notes.jpg") as caught:
        inspect_media(path)
    assert caught.value.code == "unknown_type"


def test_empty_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(MediaError, match="empty.jpg") as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


@pytest.mark.parametrize("make", [lambda p: p / "missing.jpg", lambda p: p])
def test_unreadable_path(tmp_path: Path, make) -> None:
    path = make(tmp_path)  # a file that does not exist; a directory
    with pytest.raises(MediaError) as caught:
        inspect_media(path)
    assert caught.value.code == "unreadable"
    assert path.name in caught.value.message


# ---------------------------------------------------------------- MP4 / MOV


def test_mp4_duration_and_size_from_mvhd_and_tkhd(tmp_path: Path) -> None:
    path = make_mp4(tmp_path / "clip.mp4")
    info = inspect_media(path)
    assert (info.mime, info.kind) == ("video/mp4", "video")
    assert info.duration_s == pytest.approx(12.5)
    assert (info.width, info.height) == (1920, 1080)
    assert info.bytes == path.stat().st_size


def test_mp4_with_moov_before_mdat(tmp_path: Path) -> None:
    assert inspect_media(make_mp4(tmp_path / "fast.mp4", moov_first=True)).duration_s == 12.5


def test_mvhd_version_1_has_64_bit_times(tmp_path: Path) -> None:
    header = mvhd(timescale=90_000, duration=90_000 * 61, version=1)
    info = inspect_media(make_mp4(tmp_path / "long.mp4", movie_header=header))
    assert info.duration_s == pytest.approx(61.0)


def test_rotated_phone_video_reports_upright_size(tmp_path: Path) -> None:
    path = make_mp4(tmp_path / "portrait.mp4", tracks=trak(1920, 1080, rotated=True))
    info = inspect_media(path)
    assert (info.width, info.height) == (1080, 1920)


def test_video_track_is_found_among_audio_tracks(tmp_path: Path) -> None:
    tracks = trak(0, 0, handler=b"soun") + trak(1280, 720)
    info = inspect_media(make_mp4(tmp_path / "av.mp4", tracks=tracks))
    assert (info.width, info.height) == (1280, 720)


def test_quicktime_brand_is_mov(tmp_path: Path) -> None:
    info = inspect_media(make_mp4(tmp_path / "clip.mov", brand=b"qt  "))
    assert info.mime == "video/quicktime"


def test_64_bit_box_size_is_understood(tmp_path: Path) -> None:
    payload = b"\0" * 64
    large_mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    ftyp = box(b"ftyp", b"isom\0\0\0\0isom")
    path = tmp_path / "large.mp4"
    path.write_bytes(ftyp + large_mdat + box(b"moov", mvhd() + trak(640, 360)))
    assert inspect_media(path).width == 640


def test_truncated_mp4_is_corrupt(tmp_path: Path) -> None:
    path = make_mp4(tmp_path / "cut.mp4", moov_first=True)
    path.write_bytes(path.read_bytes()[:-100])  # the mdat box now claims more than is there
    with pytest.raises(MediaError, match="cut.mp4") as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


def test_mp4_without_moov_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "nomoov.mp4"
    path.write_bytes(box(b"ftyp", b"isom\0\0\0\0isom") + box(b"mdat", b"\0" * 32))
    with pytest.raises(MediaError, match="nomoov.mp4") as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


@pytest.mark.parametrize(
    "header",
    [
        mvhd(timescale=0),  # division by zero if trusted
        box(b"mvhd", b"\0\0\0\0" + b"\0" * 4),  # too short for its fields
    ],
    ids=["zero-timescale", "short-mvhd"],
)
def test_bad_movie_header_is_corrupt(tmp_path: Path, header: bytes) -> None:
    with pytest.raises(MediaError) as caught:
        inspect_media(make_mp4(tmp_path / "bad.mp4", movie_header=header))
    assert caught.value.code == "corrupt"


def test_box_smaller_than_its_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "tiny.mp4"
    path.write_bytes(
        box(b"ftyp", b"isom\0\0\0\0isom") + struct.pack(">I4s", 4, b"moov") + b"\0" * 8
    )
    with pytest.raises(MediaError) as caught:
        inspect_media(path)
    assert caught.value.code == "corrupt"


def test_audio_only_mp4_is_not_a_video(tmp_path: Path) -> None:
    path = make_mp4(tmp_path / "podcast.mp4", tracks=trak(0, 0, handler=b"soun"))
    with pytest.raises(MediaError, match="podcast.mp4") as caught:
        inspect_media(path)
    assert caught.value.code == "unknown_type"


def test_heic_photo_is_unknown_type(tmp_path: Path) -> None:
    path = make_mp4(tmp_path / "IMG_0001.HEIC", brand=b"heic")
    with pytest.raises(MediaError, match="IMG_0001.HEIC") as caught:
        inspect_media(path)
    assert caught.value.code == "unknown_type"


# ---------------------------------------------------------------- MediaInfo <-> MediaItem


def test_to_media_item_and_back(tmp_path: Path) -> None:
    info = inspect_media(make_jpeg(tmp_path / "p.jpg", 800, 600))
    item = info.to_media_item(public_url="https://cdn.example.com/p.jpg")
    assert isinstance(item, MediaItem)
    assert (item.path, item.mime, item.bytes, item.sha256) == (
        info.path,
        info.mime,
        info.bytes,
        info.sha256,
    )
    assert (item.width, item.height, item.public_url) == (800, 600, "https://cdn.example.com/p.jpg")
    assert MediaInfo.from_media_item(item) == info


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("image/jpeg", "image"),
        ("image/gif", "gif"),
        ("video/mp4", "video"),
        ("video/quicktime", "video"),
    ],
)
def test_media_item_kinds(mime: str, kind: str) -> None:
    item = MediaItem(path="/x/file", mime=mime, bytes=10, sha256="0" * 64)
    assert MediaInfo.from_media_item(item).kind == kind


# ---------------------------------------------------------------- cache for repeated validation


def test_cached_inspection_until_the_file_changes(tmp_path: Path) -> None:
    from app.core.media import inspect_media_cached

    path = make_jpeg(tmp_path / "p.jpg", 800, 600)
    first = inspect_media_cached(path)
    assert inspect_media_cached(str(path)) is first
    make_jpeg(path, 640, 480)  # rewritten: new size and mtime
    assert (inspect_media_cached(path).width, inspect_media_cached(path).height) == (640, 480)
    path.unlink()
    with pytest.raises(MediaError) as caught:
        inspect_media_cached(path)
    assert caught.value.code == "unreadable"
