"""Fetching media by URL (loopback only, bounded) and reading image headers by hand.

Meta fetches `image_url`/`video_url`/`url` itself; the emulator does too, but only from a
loopback http URL (Herald serves media from a loopback server in tests and the demo), with a
short timeout and a size cap, so it can never be turned into a network client elsewhere.
A JPEG's pixel size is read from its SOF marker: no Pillow needed.
"""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from app.emulator.oauth import LOOPBACK_HOSTS

MIB = 1024 * 1024


class FetchError(Exception):
    """`reason` is "unfetchable" (not loopback, refused, not 200) or "too_large"."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def fetch(url: str, *, max_bytes: int, timeout: float) -> bytes:
    """GET a loopback http URL and return at most `max_bytes` bytes (more: FetchError)."""
    try:
        parts = urlsplit(url)
        port = parts.port or 80
    except ValueError:
        raise FetchError("unfetchable", "malformed URL") from None
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or host not in LOOPBACK_HOSTS:
        raise FetchError("unfetchable", "only loopback http URLs can be fetched by the emulator")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"User-Agent": "facebookexternalhit/1.1"})
        resp = conn.getresponse()
        if resp.status != 200:
            resp.read(64 * 1024)
            raise FetchError("unfetchable", f"media server answered HTTP {resp.status}")
        chunks, total = [], 0
        while True:
            chunk = resp.read(64 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise FetchError("too_large", f"media is larger than {max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError("unfetchable", f"could not fetch media: {exc}") from None
    finally:
        conn.close()


def image_kind(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM":
        return "bmp"
    return None


def is_video(data: bytes) -> bool:
    """MP4 / MOV: an ISO base-media box `ftyp` (or a QuickTime `moov`/`mdat`) up front."""
    return data[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first SOF segment, or None when the JPEG is unreadable."""
    if data[:2] != b"\xff\xd8":
        return None
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # standalone markers, no length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any SOF
            return None
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in _SOF:
            if i + 9 > n:
                return None
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    if image_kind(data) != "png" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
