"""Pure helpers: JPEG/PNG headers, X's weighted length, multipart, the rate-limit windows."""

from __future__ import annotations

import io

from PIL import Image

from app.emulator.media import image_kind, is_video, jpeg_size, png_size
from app.emulator.ratelimit import RateLimiter
from app.emulator.twitter.api import weighted_length
from app.emulator.wire import parse_multipart
from tests.emulator.helpers import MP4, jpeg, png


def _jpeg(width: int, height: int, **options: object) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height)).save(buf, "JPEG", **options)
    return buf.getvalue()


def test_jpeg_size_from_sof() -> None:
    assert jpeg_size(jpeg(1080, 1350)) == (1080, 1350)
    assert jpeg_size(_jpeg(640, 480, progressive=True)) == (640, 480)
    exif = Image.Exif()
    exif[0x010F] = "Herald"  # Make: an APP1 segment before the SOF
    assert jpeg_size(_jpeg(33, 17, exif=exif.tobytes())) == (33, 17)
    assert jpeg_size(jpeg(10, 10)[:20]) is None
    assert jpeg_size(png(10, 10)) is None


def test_image_kinds() -> None:
    assert image_kind(jpeg(4, 4)) == "jpeg"
    assert image_kind(png(4, 4)) == "png"
    assert png_size(png(7, 9)) == (7, 9)
    assert image_kind(b"GIF89a....") == "gif"
    assert image_kind(b"hello") is None
    assert is_video(MP4) and not is_video(jpeg(4, 4))


def test_weighted_length() -> None:
    assert weighted_length("a" * 280) == 280
    assert weighted_length("日本") == 4
    assert weighted_length("see https://example.com/a/very/long/path/indeed ok") == 4 + 23 + 3
    assert weighted_length("👩‍👩‍👧") <= 8  # joiners are free


def test_multipart() -> None:
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="media_category"\r\n\r\ntweet_image\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="media"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\r\n\x02\r\n--XyZ--\r\n"
    )
    form, files = parse_multipart(body, "XyZ")
    assert form == {"media_category": "tweet_image"}
    assert files["media"].data == b"\x00\x01\r\n\x02"
    assert files["media"].filename == "a.bin"


def test_rate_limit_windows() -> None:
    limiter = RateLimiter()
    first = limiter.fixed("k", 2, 900, 1000.0)
    assert (first.allowed, first.remaining, first.reset) == (True, 1, 1900)
    limiter.fixed("k", 2, 900, 1001.0)
    assert not limiter.fixed("k", 2, 900, 1899.0).allowed
    assert limiter.fixed("k", 2, 900, 1900.0).remaining == 1
    day = 86400
    assert limiter.daily_utc("d", 1, 5 * day + 10).reset == 6 * day
    assert not limiter.daily_utc("d", 1, 6 * day - 1).allowed
    assert limiter.daily_utc("d", 1, 6 * day).allowed
    assert limiter.moving("m", 2, 100, 0.0).allowed
    assert limiter.moving("m", 2, 100, 50.0).allowed
    blocked = limiter.moving("m", 2, 100, 99.0)
    assert (blocked.allowed, blocked.reset) == (False, 100)
    assert limiter.moving("m", 2, 100, 100.0).allowed
    assert RateLimiter.from_dict(limiter.to_dict()).to_dict() == limiter.to_dict()
