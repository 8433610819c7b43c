"""Threads' length rule: 500, each emoji counted as its UTF-8 bytes; other networks unchanged."""

from __future__ import annotations

from app.core.constraint_warnings import WarningCode
from app.core.constraints import validate
from app.platforms.counting import overflow_index, plain_length
from app.platforms.names import Platform


def test_emoji_count_their_utf8_bytes_and_letters_one():
    assert plain_length("héllo", "emoji_utf8_bytes") == 5  # é is one character, not 2 bytes
    assert plain_length("🍞", "emoji_utf8_bytes") == 4
    assert plain_length("☕", "emoji_utf8_bytes") == 3  # a BMP emoji: 3 bytes
    assert plain_length("👍🏽", "emoji_utf8_bytes") == 8  # skin tone modifier too
    assert plain_length("🍞", "code_points") == 1  # networks without the rule: unchanged


def test_overflow_starts_at_the_first_character_past_the_limit():
    text = "a" * 498 + "🍞" + "b"
    assert overflow_index(text, "emoji_utf8_bytes", 500) == 498
    assert overflow_index("abc", "emoji_utf8_bytes", 500) == 3


def test_validate_refuses_a_threads_text_over_500_with_the_rule_in_words():
    ok = [w for w in validate(Platform.THREADS, "🍞" * 125, []) if w.code == WarningCode.TOO_LONG]
    assert ok == []
    [warning] = [
        w for w in validate(Platform.THREADS, "🍞" * 126, []) if w.code == WarningCode.TOO_LONG
    ]
    assert warning.severity == "error"
    assert "500" in warning.message and "UTF-8" in warning.message and "504" in warning.message
    assert warning.start == 125
    # Plain counting elsewhere is untouched: LinkedIn counts an emoji as one.
    assert not [
        w for w in validate(Platform.LINKEDIN, "🍞" * 126, []) if w.code == WarningCode.TOO_LONG
    ]
