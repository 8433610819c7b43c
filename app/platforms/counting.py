"""Text lengths for the networks that count plainly: code points, or code points with each
emoji counted as its UTF-8 bytes (Meta's Threads: "Emojis are counted as the number of UTF-8
bytes", developers.facebook.com/docs/threads/posts). X's weighted count lives in
app.core.textrules.twitter.

An "emoji" here is a code point in the Unicode emoji blocks (pictographs, symbols and dingbats,
regional indicators, skin tones) or a joiner/selector that builds emoji sequences (ZWJ U+200D,
VS16 U+FE0F, keycap U+20E3, tags U+E0020-E007F). Meta publishes no finer rule.
"""

from __future__ import annotations

from app.platforms.descriptor import LengthCounting

_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # mahjong .. symbols and pictographs extended-A (incl. flags, skin)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # arrows and stars (⭐ U+2B50)
    (0x2300, 0x23FF),  # technical (⌚ ⏰)
    (0xE0020, 0xE007F),  # tag sequences (subdivision flags)
)
_JOINERS = {0x200D, 0xFE0F, 0x20E3}


def is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return cp in _JOINERS or any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


def char_weight(ch: str, counting: LengthCounting) -> int:
    if counting == "emoji_utf8_bytes" and is_emoji(ch):
        return len(ch.encode("utf-8"))
    return 1


def plain_length(text: str, counting: LengthCounting) -> int:
    """The length of `text` as a network that is not X counts it."""
    if counting != "emoji_utf8_bytes":
        return len(text)
    return sum(char_weight(ch, counting) for ch in text)


def overflow_index(text: str, counting: LengthCounting, limit: int) -> int:
    """The index of the first character past `limit` (len(text) when it all fits)."""
    total = 0
    for index, ch in enumerate(text):
        total += char_weight(ch, counting)
        if total > limit:
            return index
    return len(text)
