"""Facts about a media file (type, size, pixels, duration, hash) for the content rules.

Images are read with Pillow: the header for type, size and frames, then a full decode, because a
truncated JPEG has a perfectly good header and only fails when its pixels are read. MP4 and MOV
are ISO base media files: their duration and picture size sit in the `moov` box (`mvhd`, and each
track's `tkhd`), which a small parser below reads with bounded, size-checked reads instead of
decoding any video.

`inspect_media` raises `MediaError` (a ValueError naming the file) for a file that cannot be read,
is of a type Herald does not post, or is damaged; the content rules turn it into an error that
blocks scheduling.
"""

from __future__ import annotations

import hashlib
import os
import struct
import warnings
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from PIL import Image

from app.core import mp4boxes
from app.core.ports import MediaItem

MediaKind = Literal["image", "gif", "video"]
MediaErrorCode = Literal["unreadable", "unknown_type", "corrupt"]

IMAGE_MIMES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
VIDEO_MIMES = frozenset({"video/mp4", "video/quicktime"})
SUPPORTED_TYPES = "JPEG, PNG, GIF, WebP, MP4 or MOV"

# Upper bound that keeps a hostile or broken animation from making us decode forever (the
# MP4 / MOV box reader has its own bounds: app.core.mp4boxes).
_MAX_FRAMES_DECODED = 2_000
_HASH_CHUNK = 1024 * 1024
# ISO base media brands that are not video: HEIF/AVIF still images and M4A/M4B audio.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"})
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P "})
_QUICKTIME_FIRST_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})


class MediaError(ValueError):
    """A media file Herald cannot use; `message` is ready to show and names the file."""

    def __init__(self, path: str | os.PathLike[str], code: MediaErrorCode, message: str) -> None:
        super().__init__(message)
        self.path = str(path)
        self.code: MediaErrorCode = code
        self.message = message

    @property
    def name(self) -> str:
        return Path(self.path).name or self.path


@dataclass(frozen=True)
class MediaInfo:
    path: str
    mime: str
    kind: MediaKind  # "gif" is an animated GIF; a still GIF is an "image"
    bytes: int
    sha256: str
    width: int | None = None  # as displayed (a rotated phone video reports its upright size)
    height: int | None = None
    duration_s: float | None = None  # videos and animated GIFs
    animated: bool = False
    # The name people know the file by, when `path` is Herald's hashed copy of it.
    display_name: str | None = None
    #: a video track's sample format from its stsd box ("avc1", "hvc1"...); None: unknown
    codec: str | None = None

    @property
    def name(self) -> str:
        return self.display_name or Path(self.path).name or self.path

    @property
    def aspect_ratio(self) -> Fraction | None:
        """Width / height, exact; None when the size is unknown."""
        if not self.width or not self.height:
            return None
        return Fraction(self.width, self.height)

    def to_media_item(self, public_url: str | None = None) -> MediaItem:
        """The publish path's view of this file (`public_url` for platforms that fetch it)."""
        return MediaItem(
            path=self.path,
            mime=self.mime,
            bytes=self.bytes,
            sha256=self.sha256,
            width=self.width,
            height=self.height,
            duration_s=self.duration_s,
            public_url=public_url,
        )

    @classmethod
    def from_media_item(cls, item: MediaItem) -> MediaInfo:
        """Best view of a MediaItem, which does not record animation: a GIF counts as animated."""
        return cls.from_description(item)

    @classmethod
    def from_description(cls, facts: MediaDescription) -> MediaInfo:
        """MediaInfo from any object describing an inspected file (MediaItem, the posts
        service's media facts...). Without an `animated` attribute a GIF counts as animated."""
        mime = facts.mime
        animated = bool(getattr(facts, "animated", mime == "image/gif"))
        if mime in VIDEO_MIMES:
            kind: MediaKind = "video"
        elif mime == "image/gif" and animated:
            kind = "gif"
        else:
            kind = "image"
        return cls(
            path=facts.path,
            mime=mime,
            kind=kind,
            bytes=facts.bytes,
            sha256=str(getattr(facts, "sha256", "") or ""),
            width=facts.width,
            height=facts.height,
            duration_s=facts.duration_s,
            animated=kind == "gif",
            display_name=getattr(facts, "original_name", None) or None,
            codec=getattr(facts, "codec", None) or None,
        )


class MediaDescription(Protocol):
    """What the rules need from an already-inspected file; MediaItem has it, and so does any
    record with these attributes (an `original_name` and `animated`, if present, are used)."""

    @property
    def path(self) -> str: ...
    @property
    def mime(self) -> str: ...
    @property
    def bytes(self) -> int: ...
    @property
    def width(self) -> int | None: ...
    @property
    def height(self) -> int | None: ...
    @property
    def duration_s(self) -> float | None: ...


def inspect_media(path: str | os.PathLike[str]) -> MediaInfo:
    """Type, size, pixel size, duration and sha256 of the file at `path`.

    Raises MediaError (code "unreadable", "unknown_type" or "corrupt") naming the file.
    """
    path = Path(path)
    name = path.name or str(path)
    try:
        with path.open("rb") as fh:
            size = _file_size(fh)
            head = fh.read(32)
            if not head:
                raise MediaError(path, "corrupt", f"{name} is empty (0 bytes).")
            mime = _sniff(head, path, name)
            fh.seek(0)
            if mime in VIDEO_MIMES:
                width, height, duration, codec = _read_video(fh, size, path, name)
                kind: MediaKind = "video"
                animated = False
            else:
                width, height, duration, animated = _read_image(fh, mime, path, name)
                codec = None
                kind = "gif" if mime == "image/gif" and animated else "image"
            digest = _sha256(fh)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise MediaError(path, "unreadable", f"Herald can't read {name}: {reason}.") from exc
    return MediaInfo(
        path=str(path),
        mime=mime,
        kind=kind,
        bytes=size,
        sha256=digest,
        width=width,
        height=height,
        duration_s=duration,
        animated=animated,
        codec=codec,
    )


def video_codec(path: str | os.PathLike[str]) -> str | None:
    """The video track's sample format ("avc1", "hvc1"...) of the MP4/MOV at `path`, read
    from its boxes alone (no checksum); None when the file can't be read as a video."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return _read_video(fh, _file_size(fh), path, path.name)[3]
    except (OSError, MediaError):
        return None


def inspect_media_cached(path: str | os.PathLike[str]) -> MediaInfo:
    """inspect_media, remembered while the file is unchanged (same inode, size and mtime).

    The composer validates on every keystroke; decoding a 12-megapixel JPEG each time would
    not do. Failures are not remembered, so a fixed file is seen at once.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return inspect_media(path)  # raises the "unreadable" MediaError with the reason
    return _inspect_unchanged(os.fspath(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _inspect_unchanged(path: str, inode: int, size: int, mtime_ns: int) -> MediaInfo:
    return inspect_media(path)


def _file_size(fh: BinaryIO) -> int:
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(0)
    return size


def _sha256(fh: BinaryIO) -> str:
    fh.seek(0)
    digest = hashlib.sha256()
    while chunk := fh.read(_HASH_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sniff(head: bytes, path: Path, name: str) -> str:
    """MIME type from the file's first bytes (its name may lie)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    box_type = head[4:8]
    if box_type == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            raise MediaError(
                path,
                "unknown_type",
                f"{name} is a HEIC/AVIF photo, which Herald can't post yet; "
                "export it as JPEG and attach it again.",
            )
        if brand in _AUDIO_BRANDS:
            raise MediaError(path, "unknown_type", f"{name} is an audio file, not a video.")
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if box_type in _QUICKTIME_FIRST_BOXES:
        return "video/quicktime"  # QuickTime files written before the ftyp box existed
    raise MediaError(
        path,
        "unknown_type",
        f"{name} isn't a picture or video Herald can post ({SUPPORTED_TYPES}).",
    )


# ---------------------------------------------------------------- images


def _read_image(
    fh: BinaryIO, mime: str, path: Path, name: str
) -> tuple[int, int, float | None, bool]:
    """(width, height, duration of an animation or None, animated) after a full decode."""
    fmt = next(f for f, m in IMAGE_MIMES.items() if m == mime)
    kind_label = "WebP" if fmt == "WEBP" else fmt
    try:
        with warnings.catch_warnings():
            # Pillow only warns below 2x its pixel limit; a decompression bomb is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh, formats=[fmt]) as im:
                width, height = im.size
                frames = int(getattr(im, "n_frames", 1))
                im.verify()  # format checks without decoding (PNG chunk CRCs, ...)
            fh.seek(0)
            with Image.open(fh, formats=[fmt]) as im:  # verify() leaves the image unusable
                if fmt == "JPEG":
                    # Decode at 1/8 scale: libjpeg still reads every byte of the scan data, so
                    # truncation is caught, at a fraction of the cost of full-size pixels.
                    im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                duration_ms = _decode_frames(im, frames)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(path, "corrupt", f"{name} has too many pixels to open safely.") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError) as exc:
        raise MediaError(
            path, "corrupt", f"{name} looks damaged: it is not a complete {kind_label} image."
        ) from exc
    animated = frames > 1
    duration = duration_ms / 1000 if animated and duration_ms else None
    return width, height, duration, animated


def _decode_frames(im: Image.Image, frames: int) -> int:
    """Decode every frame (up to a bound); returns the summed frame durations in ms."""
    im.load()
    total_ms = int(im.info.get("duration", 0) or 0)
    for index in range(1, min(frames, _MAX_FRAMES_DECODED)):
        im.seek(index)
        im.load()
        total_ms += int(im.info.get("duration", 0) or 0)
    return total_ms


# ---------------------------------------------------------------- MP4 / MOV


def _read_video(
    fh: BinaryIO, size: int, path: Path, name: str
) -> tuple[int | None, int | None, float | None, str | None]:
    """(width, height, duration in seconds, codec) from moov/mvhd, the video track's tkhd and
    its sample description (stsd)."""

    def corrupt(detail: str) -> MediaError:
        return MediaError(path, "corrupt", f"{name} looks damaged: {detail}.")

    moov = None
    for box_type, start, end in mp4boxes.boxes(fh, 0, size, corrupt):
        if box_type == b"moov":
            moov = (start, end)
    if moov is None:
        raise corrupt("it has no movie header (moov box); the file may be incomplete")

    duration = None
    codec = None
    video_size = None
    fallback_size = None
    for box_type, start, end in mp4boxes.boxes(fh, *moov, corrupt):
        if box_type == b"mvhd":
            duration = mp4boxes.parse_mvhd(mp4boxes.read_payload(fh, start, end, 112), corrupt)
        elif box_type == b"trak":
            track_size, handler, track_codec = mp4boxes.parse_trak(fh, start, end, corrupt)
            if track_size and handler == b"vide" and video_size is None:
                video_size, codec = track_size, track_codec
            elif track_size and fallback_size is None:
                fallback_size = track_size
    if duration is None:
        raise corrupt("its movie header (mvhd box) is missing")
    width_height = video_size or fallback_size
    if width_height is None:
        raise MediaError(path, "unknown_type", f"{name} has no video track.")
    return width_height[0], width_height[1], duration, codec
