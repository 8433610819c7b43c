"""ISO base media (MP4 / MOV) boxes, read defensively: every size is checked against its
parent before it is trusted, and loops are bounded, so a hostile or broken file cannot make
Herald loop or allocate. Problems are reported through `corrupt(detail)`, which makes the
caller's own error."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import BinaryIO

# Real files have a handful of top-level boxes and a few tracks.
MAX_BOXES_PER_LEVEL = 10_000

# Makes the "damaged file" error for one file from a detail ("its 'moov' box ...").
Corrupt = Callable[[str], Exception]


def boxes(fh: BinaryIO, start: int, end: int, corrupt: Corrupt) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box between `start` and `end`.

    Sizes are checked against the enclosing box before anything is trusted; a box that claims
    to run past its parent (a truncated download, a damaged file) is an error.
    """
    pos = start
    for _ in range(MAX_BOXES_PER_LEVEL):
        if end - pos < 8:
            return  # trailing padding shorter than a box header is tolerated
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            raise corrupt("it ends in the middle of a box header")
        box_size, box_type = struct.unpack(">I4s", header)
        header_size = 8
        if box_size == 1:  # 64-bit size follows the type
            large = fh.read(8)
            if len(large) < 8:
                raise corrupt("it ends in the middle of a box header")
            (box_size,) = struct.unpack(">Q", large)
            header_size = 16
        elif box_size == 0:  # the box runs to the end of its parent
            box_size = end - pos
        if box_size < header_size or box_size > end - pos:
            label = box_type.decode("latin-1")
            raise corrupt(f"its '{label}' box claims more bytes than the file holds")
        yield box_type, pos + header_size, pos + box_size
        pos += box_size
    raise corrupt("it has an implausible number of boxes")


def read_payload(fh: BinaryIO, start: int, end: int, limit: int) -> bytes:
    fh.seek(start)
    return fh.read(min(end - start, limit))


def parse_mvhd(payload: bytes, corrupt: Corrupt) -> float | None:
    """Duration in seconds (None when the file says "unknown")."""
    version = payload[0] if payload else -1
    if version == 0 and len(payload) >= 20:
        timescale, duration = struct.unpack_from(">II", payload, 12)
        unknown = duration == 0xFFFFFFFF
    elif version == 1 and len(payload) >= 32:
        timescale, duration = struct.unpack_from(">IQ", payload, 20)
        unknown = duration == 0xFFFFFFFFFFFFFFFF
    else:
        raise corrupt("its movie header (mvhd box) is too short")
    if timescale == 0:
        raise corrupt("its movie header gives a time scale of zero")
    return None if unknown else duration / timescale


def parse_trak(
    fh: BinaryIO, start: int, end: int, corrupt: Corrupt
) -> tuple[tuple[int, int] | None, bytes | None, str | None]:
    """((width, height) as displayed or None, handler type such as b"vide", the first sample
    entry's format such as "avc1" or None) of one track."""
    size = None
    handler = None
    codec = None
    for box_type, box_start, box_end in boxes(fh, start, end, corrupt):
        if box_type == b"tkhd":
            size = parse_tkhd(read_payload(fh, box_start, box_end, 96), corrupt)
        elif box_type == b"mdia":
            for child_type, child_start, child_end in boxes(fh, box_start, box_end, corrupt):
                if child_type == b"hdlr":
                    payload = read_payload(fh, child_start, child_end, 12)
                    handler = payload[8:12] if len(payload) >= 12 else None
                elif child_type == b"minf":
                    codec = _sample_format(fh, child_start, child_end, corrupt)
    return size, handler, codec


def _sample_format(fh: BinaryIO, start: int, end: int, corrupt: Corrupt) -> str | None:
    """The format of the first sample entry in minf/stbl/stsd ("avc1", "hvc1", "mp4a"...):
    what the track is coded with (ISO/IEC 14496-12, 8.5.2)."""
    for box_type, box_start, box_end in boxes(fh, start, end, corrupt):
        if box_type != b"stbl":
            continue
        for child_type, child_start, child_end in boxes(fh, box_start, box_end, corrupt):
            if child_type != b"stsd":
                continue
            # version and flags (4), entry count (4), then the first entry: size (4), format (4)
            payload = read_payload(fh, child_start, child_end, 16)
            if len(payload) >= 8 and struct.unpack_from(">I", payload, 4)[0] == 0:
                return None  # no sample entry: nothing says how the track is coded
            if len(payload) < 16:
                raise corrupt("its sample description (stsd box) is too short")
            entry = payload[12:16]
            if entry in (b"encv", b"resv"):  # encrypted / restricted: the original is in frma
                (size,) = struct.unpack_from(">I", payload, 8)
                entry_end = min(child_start + 8 + size, child_end)
                entry = _original_format(fh, child_start + 8, entry_end, corrupt) or entry
            return entry.decode("latin-1")
    return None


def _original_format(fh: BinaryIO, start: int, end: int, corrupt: Corrupt) -> bytes | None:
    """The `frma` (original format) of a protected visual sample entry at `start`: its child
    boxes follow the 8-byte header and 78 bytes of VisualSampleEntry fields (14496-12 8.12)."""
    children = start + 8 + 78
    if children >= end:
        return None
    for box_type, box_start, box_end in boxes(fh, children, end, corrupt):
        if box_type != b"sinf":
            continue
        for child_type, child_start, child_end in boxes(fh, box_start, box_end, corrupt):
            if child_type == b"frma":
                original = read_payload(fh, child_start, child_end, 4)
                return original if len(original) == 4 else None
    return None


def parse_tkhd(payload: bytes, corrupt: Corrupt) -> tuple[int, int] | None:
    version = payload[0] if payload else -1
    matrix_at = {0: 40, 1: 52}.get(version)
    if matrix_at is None or len(payload) < matrix_at + 44:
        raise corrupt("a track header (tkhd box) is too short")
    a, b, _u, c, d = struct.unpack_from(">iiiii", payload, matrix_at)
    width_fixed, height_fixed = struct.unpack_from(">II", payload, matrix_at + 36)
    width, height = round(width_fixed / 65536), round(height_fixed / 65536)
    if not width or not height:
        return None  # audio and other tracks without pictures
    if a == 0 and d == 0 and b != 0 and c != 0:  # rotated by 90 or 270 degrees
        width, height = height, width
    return width, height
