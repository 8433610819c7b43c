"""Content rules: X's weighted length against twitter-text-parser, and validate() for all four
platforms on a long post. Timings are of cold calls: Herald's result caches (which the composer
hits when it asks twice about the same text) are cleared before every call."""

from __future__ import annotations

from app.core.constraints import validate, weighted_length
from app.core.media import MediaInfo
from app.core.textrules import clear_caches, extract_urls, warm_up
from app.core.textrules.emoji import find_emoji
from app.core.textrules.entities import hashtags, mentions
from app.platforms.names import Platform
from tests.bench.harness import Row, compare, row, sample

VALIDATE_BUDGET_MS = 1.0

_X_HEAD = (
    "Big news from the Herald team: our spring release is out, with drag-and-drop calendars "
    "and smarter scheduling. Read the notes at https://example.com/blog/spring-release and "
    "grab the installer from herald.app/download today. "
)
X_POST = (_X_HEAD + "Thanks to everyone who sent feedback! " * 3)[:280]

_LONG_PARAGRAPH = (
    "Our café opens at 8 tomorrow ☕ with a new seasonal menu: pumpkin bread, cardamom buns "
    "and the return of the flat white. Thanks to @lena_bakes and @northside.coffee for the "
    "beans. Full menu at https://example.com/menu, bookings via book.example.org/cafe. "
    "#coffee #bakery #localfood #breakfast 🥐🎃 "
)
LONG_POST = (_LONG_PARAGRAPH * 8)[:2000]

_PHOTO = MediaInfo(
    path="/media/menu.jpg", mime="image/jpeg", kind="image", bytes=350_000, sha256="0" * 64,
    width=1080, height=1350,
)  # fmt: skip


def _x_weighted_length() -> int:
    clear_caches()
    return weighted_length(X_POST)


def _validate_all_platforms() -> int:
    clear_caches()
    return sum(len(validate(platform, LONG_POST, [_PHOTO])) for platform in Platform)


def collect() -> list[Row]:
    from twitter_text import parse_tweet as reference_parse_tweet

    assert len(X_POST) == 280 and len(extract_urls(X_POST)) == 2
    assert len(LONG_POST) == 2000
    warm_up()  # compile once, outside the timings (the app does it at start-up)
    assert weighted_length(X_POST) == reference_parse_tweet(X_POST).weightedLength

    x_row = compare(
        "X weighted length, 280 chars + 2 URLs",
        _x_weighted_length,
        "twitter-text-parser",
        lambda: reference_parse_tweet(X_POST),
        repeat=15,
        number=20,
        note="cold calls (caches cleared); reference = twitter_text.parse_tweet, v3 config",
    )
    if x_row.ratio:
        x_row.extra["speedup"] = round(1 / x_row.ratio, 1)

    values = sample(_validate_all_platforms, repeat=15, number=50)
    validate_row = row(
        "validate x4 platforms, 2,000 chars",
        values,
        budget_ms=VALIDATE_BUDGET_MS,
        links=len(extract_urls(LONG_POST)),
        hashtags=len(hashtags(LONG_POST)),
        mentions=len(mentions(LONG_POST)),
        emoji=len(find_emoji(LONG_POST)),
        note="TWITTER, INSTAGRAM, LINKEDIN, FACEBOOK on one dense post (a café paragraph x8); "
        "one photo as MediaInfo (no file I/O); cold calls",
    )
    validate_row.extra["within_budget"] = validate_row.median < VALIDATE_BUDGET_MS
    return [x_row, validate_row]


if __name__ == "__main__":
    for r in collect():
        print(r.as_dict())
