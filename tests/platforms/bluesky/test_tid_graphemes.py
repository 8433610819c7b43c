"""Record keys from idempotency keys, and the grapheme/byte counting behind the 300/3,000."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app import platforms
from app.core import constraints
from app.core.textrules.graphemes import grapheme_count, utf8_length
from app.platforms.bluesky import tid


def test_tid_round_trip_and_syntax():
    value = tid.make(1_700_000_000_000_000, 5)
    assert tid.is_valid(value) and len(value) == 13
    assert tid.timestamp_us(value) == 1_700_000_000_000_000
    assert tid.decode(value) & 1023 == 5
    assert not tid.is_valid("notatid") and not tid.is_valid("kzzzzzzzzzzzz")  # top bit set


def test_the_key_of_a_target_is_stable_and_distinct():
    keys = [str(uuid.UUID(int=i)) for i in range(2000)]
    tids = [tid.from_key(k) for k in keys]
    assert tids == [tid.from_key(k) for k in keys]  # re-derived after a crash: the same
    assert len(set(tids)) == len(tids)
    for value in tids[:50]:
        assert tid.is_valid(value)
        when = datetime.fromtimestamp(tid.timestamp_us(value) / 1e6, UTC)
        assert datetime(2023, 1, 1, tzinfo=UTC) <= when < datetime(2041, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        tid.from_key("")


@pytest.mark.parametrize(
    ("text", "graphemes", "size"),
    [
        ("abc", 3, 3),
        ("é", 1, 2),
        ("e\u0301", 1, 3),  # e + combining acute: one grapheme
        ("👩🏽‍💻", 1, 15),
        ("🇩🇪", 1, 8),
        ("日本語", 3, 9),
    ],
)
def test_grapheme_and_byte_counts(text, graphemes, size):
    assert (grapheme_count(text), utf8_length(text)) == (graphemes, size)


def test_bluesky_limits_count_graphemes_then_bytes():
    rules = platforms.get("BLUESKY").text
    assert (rules.max_length, rules.counting, rules.max_bytes) == (300, "graphemes", 3000)
    assert not constraints.validate("BLUESKY", "👍" * 300)  # 300 graphemes, 1,200 bytes
    [long] = constraints.validate("BLUESKY", "é" * 301)
    assert long.severity == "error" and "300" in long.message and long.start == 300
    [heavy] = constraints.validate("BLUESKY", "👩🏽‍💻" * 250)  # 250 graphemes, 3,750 bytes
    assert "3,000 bytes" in heavy.message and heavy.start == 200 * len("👩🏽‍💻")  # 200 fit

    # other networks keep their own counting
    assert not constraints.validate("LINKEDIN", "👩🏽‍💻" * 250)
