"""Find the emoji that X's v3 rules count as a single character.

twitter-text-parser matches emoji with one regular expression of ~2,500 alternatives, which costs
about a millisecond per post. Here the same set lives in a dict and a start-character regex: only
characters that can begin an emoji are looked at, and at each of them the longest listed sequence
wins (the reference's alternatives are sorted longest first, so its result is the same).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from app.core.textrules import emoji_data

_SKIN_TONES = tuple(chr(cp) for cp in range(0x1F3FB, 0x1F400))
# Keycap bases (#, *, 0-9) are ASCII: they only start an emoji when a variation selector or the
# combining keycap follows, so plain digits never send us into the dict.
_KEYCAP_BASES = "#*0123456789"


@dataclass(frozen=True)
class _EmojiTables:
    singles: frozenset[str]
    sequences: frozenset[str]
    # Lengths of the sequences that begin with a given pair of code points, longest first.
    lengths_by_pair: dict[str, tuple[int, ...]]
    start: re.Pattern[str]  # may begin an emoji (keycap bases only before FE0F or 20E3)
    start_no_keycap: re.Pattern[str]  # the same without keycap bases: one class, scanned faster


def _decode(hex_sequence: str, tones: str = "") -> str:
    out = []
    tone_iter = iter(tones)
    for part in hex_sequence.split("-"):
        out.append(_SKIN_TONES[int(next(tone_iter)) - 1] if part == "T" else chr(int(part, 16)))
    return "".join(out)


def _expand_sequences() -> set[str]:
    sequences = {_decode(item) for item in emoji_data.SEQUENCES.split()}
    for item in emoji_data.SKIN_TONED.split():
        sequences.update(_decode(item, str(tone)) for tone in range(1, 6))
    for item, pairs in emoji_data.TWO_TONED.items():
        sequences.update(_decode(item, pair) for pair in pairs.split())
    return sequences


def _expand_singles() -> set[str]:
    singles: set[str] = set()
    for item in emoji_data.SINGLE_RANGES.split():
        first, _, last = item.partition("..")
        singles.update(chr(cp) for cp in range(int(first, 16), int(last or first, 16) + 1))
    return singles


def _start_patterns(starts: set[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for a character that may begin an emoji (supersets; the dicts decide).

    BMP characters are listed exactly (the regex engine tests them with one bitmap); astral ones
    are one range, because a long list of astral ranges is tested one range at a time and made
    the scan ~50 times slower. The second pattern leaves out the keycap bases: a lone character
    class lets the engine skip ahead in a tight loop, and without U+FE0F or U+20E3 in the text
    no keycap emoji can occur.
    """
    bmp = sorted(c for c in starts if c <= "\uffff" and c not in _KEYCAP_BASES)
    astral = sorted(c for c in starts if c > "\uffff")
    chars = "".join(re.escape(c) for c in bmp) + (f"{astral[0]}-{astral[-1]}" if astral else "")
    keycap = f"[{re.escape(_KEYCAP_BASES)}](?=[\ufe0f\u20e3])"
    return re.compile(f"{keycap}|[{chars}]"), re.compile(f"[{chars}]")


@cache
def tables() -> _EmojiTables:
    """Lookup tables, built once on first use (a few milliseconds)."""
    singles = _expand_singles()
    sequences = _expand_sequences()
    lengths: dict[str, set[int]] = {}
    for seq in sequences:
        lengths.setdefault(seq[:2], set()).add(len(seq))
    start, start_no_keycap = _start_patterns(singles | {pair[0] for pair in lengths})
    return _EmojiTables(
        singles=frozenset(singles),
        sequences=frozenset(sequences),
        lengths_by_pair={p: tuple(sorted(ls, reverse=True)) for p, ls in lengths.items()},
        start=start,
        start_no_keycap=start_no_keycap,
    )


def all_sequences() -> frozenset[str]:
    """Every emoji (single code point or sequence) counted as one character."""
    t = tables()
    return t.singles | t.sequences


def find_emoji(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of the emoji in `text`, left to right, not overlapping."""
    if text.isascii():  # every emoji needs at least one non-ASCII code point
        return []
    t = tables()
    keycap_possible = "\ufe0f" in text or "\u20e3" in text
    search = (t.start if keycap_possible else t.start_no_keycap).search
    sequences, singles = t.sequences, t.singles
    lengths_by_pair = t.lengths_by_pair
    found: list[tuple[int, int]] = []
    match = search(text)
    while match is not None:
        i = match.start()
        end = i + 1 if text[i] in singles else 0
        for length in lengths_by_pair.get(text[i : i + 2], ()):
            if text[i : i + length] in sequences:
                end = i + length
                break
        if end:
            found.append((i, end))
        match = search(text, end or i + 1)
    return found
