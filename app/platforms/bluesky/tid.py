"""Record keys: TIDs (atproto "Timestamp Identifiers", specs/tid).

A TID is a 64-bit integer (top bit 0, then 53 bits of microseconds since the Unix epoch and
10 bits of clock id) written as 13 characters of base32-sortable. `app.bsky.feed.post` keys
must be TIDs, and createRecord accepts one chosen by the client.

Herald derives the key of a post from the target's idempotency key alone, so a re-send or a
crash recovery re-derives the same key: the PDS holds at most one record at it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
#: derived timestamps fall between 2023-01-01 and about 2040, so they look like real TIDs
_BASE_US = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
_SPAN_US = 1 << 49


def encode(value: int) -> str:
    if not 0 <= value < (1 << 63):
        raise ValueError("a TID is a 63-bit unsigned integer")
    out = []
    for _ in range(13):
        out.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def decode(tid: str) -> int:
    if not is_valid(tid):
        raise ValueError(f"{tid!r} is not a TID")
    value = 0
    for ch in tid:
        value = (value << 5) | ALPHABET.index(ch)
    return value


def is_valid(tid: str) -> bool:
    return bool(TID_RE.match(tid))


def make(timestamp_us: int, clock_id: int) -> str:
    if not 0 <= clock_id < 1024:
        raise ValueError("a TID's clock id is 10 bits")
    return encode(((timestamp_us & ((1 << 53) - 1)) << 10) | clock_id)


def timestamp_us(tid: str) -> int:
    return decode(tid) >> 10


def from_key(idempotency_key: str) -> str:
    """The record key of the post made for `idempotency_key`: the same key always gives the
    same TID, different keys different ones (SHA-256, 59 bits of it)."""
    if not idempotency_key:
        raise ValueError("an idempotency key is needed to derive a record key")
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    return make(_BASE_US + (digest >> 15) % _SPAN_US, digest & 1023)
