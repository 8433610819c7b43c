"""Splitting a long text into the parts of a chain (issue 19): at sentence boundaries where
it can, else between words, and only for a "word" longer than a whole part (a run of CJK
text, which has no spaces) between characters; never inside a link, a mention, a hashtag, an
emoji or a character with its combining marks. Each part is numbered ("1/4") and fits every
selected network's limit with its numbering counted, as that network counts (X: weighted,
links 23; the others: characters)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from app import platforms
from app.core.textrules.emoji import find_emoji
from app.core.textrules.urls import find_urls
from app.platforms.names import Platform

__all__ = [
    "SplitError",
    "fits",
    "fits_all",
    "numbered",
    "refusal_without_chains",
    "split_into_parts",
    "text_length",
    "unnumbered",
    "whole_text",
]

# A sentence ends at . ! ? … (closing quotes/brackets kept with it) before a space or the
# end, or at a CJK full stop / mark (no space follows those); a line break ends one too.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]»]*(?=\s|$)|[。！？]+[」』）〉》]*|\n")
_WORD = re.compile(r"\S+\s*")
_GUARDED = re.compile(r"[@#][\w.]+")


class SplitError(ValueError):
    """The text cannot be split within the limits (one clear message)."""


def text_length(text: str, platform: Platform) -> int:
    """The length a network counts (app.core.textrules): X's weighted length, Bluesky's
    graphemes, Mastodon's fediverse count, Threads' emoji-as-UTF-8-bytes, else code points."""
    from app.core.textrules.account_rules import counted_length
    from app.core.textrules.platform_rules import rules_for

    return counted_length(rules_for(platform), text)


def fits(text: str, platform: Platform) -> bool:
    """Within the network's length, and its byte cap where it has one (Bluesky: 3,000)."""
    rules = platforms.get(platform).text
    if rules.max_bytes is not None and len(text.encode("utf-8")) > rules.max_bytes:
        return False
    return text_length(text, platform) <= rules.max_length


def fits_all(text: str, networks: Sequence[Platform]) -> bool:
    return all(fits(text, p) for p in networks)


def numbered(parts: Sequence[str]) -> list[str]:
    n = len(parts)
    return [f"{p} {i}/{n}" for i, p in enumerate(parts, start=1)]


def split_into_parts(text: str, networks: Sequence[Platform]) -> list[str]:
    """The parts of `text` for a chain on `networks`, numbered; one part (unnumbered) when
    the whole text fits."""
    if not networks:
        raise SplitError("Choose at least one account before splitting into parts.")
    text = text.strip()
    if not text:
        return []
    if fits_all(text, networks):
        return [text]
    for digits in (1, 2, 3):
        widest = " " + "9" * digits + "/" + "9" * digits
        parts = _pack(text, lambda s, w=widest: fits_all(s + w, networks))  # type: ignore[misc]
        if len(str(len(parts))) <= digits:
            return numbered(parts)
    raise SplitError("This text would need 1,000 parts or more; shorten it.")


# ---------------------------------------------------------------------- packing


def _sentences(text: str) -> list[str]:
    """Sentences with their trailing whitespace, in order (joined they are `text`)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if end > start:
            out.append(text[start:end])
            start = end
    if start < len(text):
        out.append(text[start:])
    return out


def _clusters(word: str) -> list[str]:
    """A word's user-perceived characters: an emoji sequence is one, a character keeps its
    combining marks and variation selectors."""
    emoji = {s: e for s, e in find_emoji(word)}
    out: list[str] = []
    i = 0
    while i < len(word):
        end = emoji.get(i, i + 1)
        while end < len(word) and (
            unicodedata.combining(word[end]) or word[end] in "\u200d\ufe0f\ufe0e"
        ):
            end += 1
        out.append(word[i:end])
        i = end
    return out


def _guarded_spans(word: str) -> list[tuple[int, int]]:
    spans = [(u.start, u.end) for u in find_urls(word)]
    spans += [(m.start(), m.end()) for m in _GUARDED.finditer(word)]
    return spans


def _break_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """A word longer than a part, cut between characters; a link, mention or hashtag inside
    it stays whole (one that cannot fit a part alone is refused)."""
    for start, end in _guarded_spans(word):
        if not fits(word[start:end].strip()):
            shown = word[start:end][:40]
            raise SplitError(f"“{shown}…” is longer than one part can hold; shorten it.")
    guarded = _guarded_spans(word)
    pieces: list[str] = []
    i = 0
    while i < len(word):
        span = next(((s, e) for s, e in guarded if s == i), None)
        if span is not None:
            pieces.append(word[span[0] : span[1]])
            i = span[1]
            continue
        cluster = _clusters(word[i:])[0]
        pieces.append(cluster)
        i += len(cluster)
    return pieces


def _pieces(text: str, fits: Callable[[str], bool]) -> list[str]:
    """The text as pieces that each fit a part: sentences, or the words of a sentence too
    long, or the characters of a word too long."""
    out: list[str] = []
    for sentence in _sentences(text):
        if fits(sentence.strip()):
            out.append(sentence)
            continue
        for word in _WORD.findall(sentence) or [sentence]:
            if fits(word.strip()):
                out.append(word)
            else:
                out.extend(_break_word(word, fits))
    return out


def _pack(text: str, fits: Callable[[str], bool]) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, fits):
        candidate = current + piece
        if current and not fits(candidate.strip()):
            parts.append(current.strip())
            current = piece.lstrip()
        else:
            current = candidate
    if current.strip():
        parts.append(current.strip())
    return parts


# ---------------------------------------------------------------- networks without chains
_NUMBER = re.compile(r"\s*\(?(\d+)\s*/\s*(\d+)\)?\s*$")


def unnumbered(parts: Sequence[str]) -> list[str]:
    """The parts without the "k/n" the splitter (or a person) put at their end."""
    n, out = len(parts), []
    for k, part in enumerate(parts, start=1):
        m = _NUMBER.search(part)
        if m and int(m.group(1)) == k and int(m.group(2)) == n:
            part = part[: m.start()]
        out.append(part.strip())
    return out


def whole_text(parts: Sequence[str]) -> str:
    """The chain as one post: its parts, unnumbered, one after the other."""
    return " ".join(p for p in unnumbered(parts) if p)


def refusal_without_chains(platform: Platform, whole: str) -> str | None:
    """Why `whole` cannot go to `platform` as one post, in words, or None when it fits."""
    if fits(whole, platform):
        return None
    d = platforms.get(platform)
    rules = d.text
    if rules.max_bytes is not None and len(whole.encode("utf-8")) > rules.max_bytes:
        size, unit, limit = len(whole.encode("utf-8")), "bytes", rules.max_bytes
    else:
        size, unit, limit = text_length(whole, platform), "characters", rules.max_length
    return (
        f"{d.display_name} has no threads: the whole text is {size:,} {unit}, the limit "
        f"{limit:,}. Shorten the thread, or leave {d.display_name} out of this post."
    )
