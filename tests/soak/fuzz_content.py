"""Fuzz: the content rules over arbitrary Unicode and arbitrary media descriptions.

`validate` and `weighted_length` are called on every keystroke of the composer and on every
publish: whatever the text or the media facts, they answer (a list of warnings, a number) and
never raise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.constraints import ConstraintWarning, validate, weighted_length
from app.core.ports import MediaItem
from app.platforms.names import Platform
from tests.soak.fuzzing import examples

ZWJ = "\u200d"
# fmt: off
PIECES = [
    "👨", "👩", "👧", ZWJ, "\ufe0f", "🏽", "🏴", "\U000e0067", "\U000e007f", "1", "#", "\u20e3",
    "🇯", "🇵", "http://", "https://", "www.", "example", ".com", ".co.uk", ".みんな", "t.co/",
    "xn--", "@", "＠", "#", "＃", "$", "cashtag", "/", "?", "=", "&", "%", ":", "(", ")", "[", "]",
    "\u0301", "\u05bc", "ש", "م", "\u200f", "\u202e", "\u2066", "\ufffe", "\ufeff", "\u3000",
    "\xa0", "\u2028", "\u2029", "\r\n", "\n", "\t", "\x00", "\x7f", "\ud800", "\udfff",
]
# fmt: on
any_char = st.characters(codec=None, exclude_categories=())  # surrogates too
piece = st.one_of(any_char, st.sampled_from(PIECES), st.text(max_size=5))
texts = st.lists(piece, max_size=120).map("".join)
huge_texts = st.builds(lambda chunk, n: (chunk or "x") * n, texts, st.integers(50, 3000))

MIMES = [
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "video/mp4",
    "video/quicktime", "application/pdf", "", "image/", "video/", "text/html; charset=utf-8",
]  # fmt: skip
dims = st.one_of(st.none(), st.integers(-10, 100_000), st.just(0))
durations = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=10_000),
)


@dataclass(frozen=True)
class Facts:
    """A media description the way the posts service hands it over."""

    path: str
    mime: str
    bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    original_name: str = ""


media_items = st.builds(
    MediaItem,
    path=st.sampled_from(["/nonexistent/a.jpg", "", "relative.png", "/"]),
    mime=st.one_of(st.sampled_from(MIMES), st.text(max_size=20)),
    bytes=st.integers(-1, 10**10),
    sha256=st.text(max_size=64),
    width=dims,
    height=dims,
    duration_s=durations,
)
facts = st.builds(
    Facts,
    path=st.just("/nonexistent/b.mp4"),
    mime=st.sampled_from(MIMES),
    bytes=st.integers(0, 10**10),
    width=dims,
    height=dims,
    duration_s=durations,
    original_name=st.text(max_size=30),
)
paths = st.sampled_from(["/nonexistent/c.jpg", "/dev/null", "/", "/etc/hostname", ""])
media_lists = st.lists(st.one_of(media_items, facts, paths), max_size=12)


def _check(result: list[ConstraintWarning], text: str) -> None:
    assert isinstance(result, list)
    for w in result:
        assert isinstance(w, ConstraintWarning)
        assert w.severity in ("error", "warning")
        assert isinstance(w.message, str) and w.message.strip()
        for pos in (w.start, w.end):
            assert pos is None or 0 <= pos <= len(text), (pos, len(text))


@settings(max_examples=examples(600))
@given(text=st.one_of(texts, huge_texts))
@example(text="\ud800" * 300)
@example(text=ZWJ.join(["👨"] * 500))
@example(text="https://" + "a." * 5000 + "com")
def test_weighted_length_never_raises(text: str) -> None:
    n = weighted_length(text)
    assert isinstance(n, int) and n >= 0


@settings(max_examples=examples(600))
@given(platform=st.sampled_from(list(Platform)), text=st.one_of(texts, huge_texts))
def test_validate_text_never_raises(platform: Platform, text: str) -> None:
    _check(validate(platform, text), text)


@settings(max_examples=examples(400))
@given(
    platform=st.sampled_from(list(Platform) + [p.value for p in Platform]),
    text=texts,
    media=media_lists,
)
def test_validate_media_never_raises(platform: Platform | str, text: str, media: list) -> None:
    _check(validate(platform, text, media), text)


def test_non_finite_durations_are_answered() -> None:
    for value in (math.nan, math.inf, -math.inf, -1.0):
        item = MediaItem("/x.mp4", "video/mp4", 1000, "", 1080, 1920, value)
        _check(validate(Platform.INSTAGRAM, "hi", [item]), "hi")
