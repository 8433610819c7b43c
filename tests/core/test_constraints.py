"""app.core.constraints: one test (or more) per content rule, with real files where media count."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from app.core.constraints import (
    ConstraintWarning,
    effective_text,
    has_errors,
    validate,
    weighted_length,
)
from app.core.media import MediaInfo, inspect_media
from app.core.textrules.platform_rules import RULES, rules_for
from app.platforms.names import Platform
from tests.core.test_media import (
    make_big_jpeg,
    make_gif,
    make_jpeg,
    make_mp4,
    make_png,
    make_truncated_jpeg,
)

ALL_PLATFORMS = list(Platform)


def fake(kind: str = "image", mime: str | None = None, name: str = "f", **kw) -> MediaInfo:
    """A MediaInfo without a file, for the count rules."""
    default_mime = {"image": "image/jpeg", "gif": "image/gif", "video": "video/mp4"}[kind]
    fields = {"width": 1080, "height": 1080, "bytes": 1000, "sha256": "0" * 64} | kw
    return MediaInfo(path=f"/media/{name}", mime=mime or default_mime, kind=kind, **fields)  # type: ignore[arg-type]


def codes(warnings: list[ConstraintWarning]) -> list[str]:
    return [w.code for w in warnings]


def only(warnings: list[ConstraintWarning], code: str) -> ConstraintWarning:
    matching = [w for w in warnings if w.code == code]
    assert len(matching) == 1, warnings
    return matching[0]


# ---------------------------------------------------------------- X: weighted length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        ("", 0),
        ("see https://example.com/a/very/long/path/that/is/long", 4 + 23),
        ("see example.com and t.co/abc", 4 + 23 + 5 + 23),  # links without http:// count too
        ("foo.baz", 7),  # not a known top-level domain: plain text
        ("@example.com", 12),  # no link right after @
        ("日本語", 6),  # CJK counts 2
        ("😷", 2),
        ("👨\u200d👩\u200d👧\u200d👦", 2),  # one ZWJ family emoji counts 2
        ("🙋🏽", 2),  # emoji + skin tone
        ("e\u0301", 1),  # NFC: e + combining acute becomes é
        ("a\u2013b", 3),  # en dash is in a weight-1 range
    ],
)
def test_weighted_length(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_x_accepts_exactly_280() -> None:
    assert validate(Platform.TWITTER, "x" * 280) == []


def test_x_too_long_marks_the_characters_past_the_limit() -> None:
    text = "x" * 291
    warning = only(validate(Platform.TWITTER, text), "too_long")
    assert warning.severity == "error"
    assert (warning.start, warning.end) == (280, 291)
    assert warning.message == "X allows 280 characters; this post counts 291."


def test_x_too_long_mentions_links_and_starts_after_the_last_fitting_link() -> None:
    text = "y" * 250 + " https://example.com/some/long/path " + "z" * 20
    warning = only(validate(Platform.TWITTER, text), "too_long")
    assert "links count as 23 each" in warning.message
    assert "counts 295" in warning.message
    # 250 + 1 + 23 = 274 fit; the space after the link is 275; 5 more "z" reach 280.
    assert text[warning.start : warning.end] == "z" * 15


def test_x_overflow_span_is_in_python_indices_with_astral_emoji() -> None:
    text = "😷" * 139 + "abc"  # 278 + 3 = 281: only "c" is past the limit
    warning = only(validate("TWITTER", text), "too_long")
    assert "emoji and CJK characters count as 2" in warning.message
    assert (warning.start, warning.end) == (141, 142)
    assert text[warning.start :] == "c"


def test_x_rejects_invalid_characters() -> None:
    text = "hello\ufffeworld"
    warning = only(validate(Platform.TWITTER, text), "invalid_character")
    assert warning.severity == "error"
    assert (warning.start, warning.end) == (5, 6)
    assert "U+FFFE" in warning.message


# ---------------------------------------------------------------- X: media


@pytest.mark.parametrize(
    "media",
    [
        [fake("image")] * 4,
        [fake("video")],
        [fake("gif")],
        [],
    ],
    ids=["4-images", "1-video", "1-gif", "none"],
)
def test_x_media_that_fits(media: list[MediaInfo]) -> None:
    assert validate(Platform.TWITTER, "hi", media) == []


@pytest.mark.parametrize(
    ("media", "fragment"),
    [
        ([fake("image")] * 5, "up to 4 photos per post; this one has 5"),
        ([fake("video")] * 2, "one video per post; this one has 2"),
        ([fake("gif")] * 2, "one GIF per post; this one has 2"),
    ],
    ids=["5-images", "2-videos", "2-gifs"],
)
def test_x_too_many_media(media: list[MediaInfo], fragment: str) -> None:
    warning = only(validate(Platform.TWITTER, "hi", media), "too_many_media")
    assert warning.severity == "error"
    assert fragment in warning.message


@pytest.mark.parametrize(
    "media",
    [[fake("image"), fake("video")], [fake("image"), fake("gif")], [fake("video"), fake("gif")]],
    ids=["image+video", "image+gif", "video+gif"],
)
def test_x_cannot_mix_media_kinds(media: list[MediaInfo]) -> None:
    warnings = validate(Platform.TWITTER, "hi", media)
    assert codes(warnings) == ["media_mixed"]
    assert warnings[0].severity == "error"


def test_x_counts_a_real_animated_gif_as_gif(tmp_path: Path) -> None:
    gif = make_gif(tmp_path / "dance.gif", frames=3)
    photo = make_jpeg(tmp_path / "photo.jpg")
    assert codes(validate(Platform.TWITTER, "hi", [gif, photo])) == ["media_mixed"]
    still = make_gif(tmp_path / "still.gif", frames=1)
    assert validate(Platform.TWITTER, "hi", [still, photo]) == []


# ---------------------------------------------------------------- Instagram: caption


def test_instagram_caption_limit() -> None:
    photo = [fake("image")]
    assert validate(Platform.INSTAGRAM, "a" * 2200, photo) == []
    warning = only(validate(Platform.INSTAGRAM, "a" * 2205, photo), "too_long")
    assert (warning.start, warning.end) == (2200, 2205)
    assert warning.message == "Instagram allows 2,200 characters; this post has 2,205."


def test_instagram_hashtag_limit() -> None:
    photo = [fake("image")]
    thirty = " ".join(f"#tag{i}" for i in range(30))
    assert validate(Platform.INSTAGRAM, thirty, photo) == []
    text = thirty + " #extra1 #extra2"
    warning = only(validate(Platform.INSTAGRAM, text, photo), "too_many_hashtags")
    assert warning.severity == "error"
    assert text[warning.start : warning.end] == "#extra1 #extra2"
    assert "30 hashtags" in warning.message and "32" in warning.message


def test_instagram_mention_limit() -> None:
    photo = [fake("image")]
    twenty = " ".join(f"@friend{i}" for i in range(20))
    assert validate(Platform.INSTAGRAM, twenty, photo) == []
    text = twenty + " and @one_more"
    warning = only(validate(Platform.INSTAGRAM, text, photo), "too_many_mentions")
    assert text[warning.start : warning.end] == "@one_more"


def test_instagram_email_addresses_and_inner_hashes_are_not_tags() -> None:
    text = " ".join(["mail@example.com", "C#", "a#b"] * 40)
    warnings = validate(Platform.INSTAGRAM, text, [fake("image")])
    assert "too_many_mentions" not in codes(warnings)
    assert "too_many_hashtags" not in codes(warnings)


def test_instagram_links_are_a_warning_not_an_error() -> None:
    text = "New menu at example.com/menu, see you soon"
    warnings = validate(Platform.INSTAGRAM, text, [fake("image")])
    warning = only(warnings, "link_not_clickable")
    assert warning.severity == "warning"
    assert text[warning.start : warning.end] == "example.com/menu"
    assert not has_errors(warnings)
    assert not warning.blocks_scheduling


# ---------------------------------------------------------------- Instagram: media


def test_instagram_needs_media() -> None:
    warning = only(validate(Platform.INSTAGRAM, "caption"), "media_required")
    assert warning.severity == "error"


def test_instagram_accepts_a_video(tmp_path: Path) -> None:
    assert validate(Platform.INSTAGRAM, "reel", [make_mp4(tmp_path / "reel.mp4")]) == []


@pytest.mark.parametrize(("width", "height"), [(1080, 1350), (1080, 1080), (1910, 1000)])
def test_instagram_jpeg_within_aspect_bounds(tmp_path: Path, width: int, height: int) -> None:
    photo = make_jpeg(tmp_path / "ok.jpg", width, height)
    assert validate(Platform.INSTAGRAM, "caption", [photo]) == []


@pytest.mark.parametrize(
    ("width", "height", "shape"),
    [(1000, 2000, "too tall"), (1079, 1350, "too tall"), (2000, 1000, "too wide")],
)
def test_instagram_aspect_ratio(tmp_path: Path, width: int, height: int, shape: str) -> None:
    photo = make_jpeg(tmp_path / "odd.jpg", width, height)
    warning = only(validate(Platform.INSTAGRAM, "caption", [photo]), "aspect_ratio")
    assert warning.severity == "error"
    assert warning.media_index == 0
    assert shape in warning.message
    assert "odd.jpg" in warning.message
    assert "4:5" in warning.message and "1.91:1" in warning.message


def test_instagram_png_is_an_error(tmp_path: Path) -> None:
    png = make_png(tmp_path / "logo.png", 1080, 1080)
    warning = only(validate(Platform.INSTAGRAM, "caption", [png]), "image_format")
    assert warning.severity == "error"
    assert "logo.png" in warning.message and "JPEG" in warning.message


def test_instagram_photo_over_8_mb(tmp_path: Path) -> None:
    big = make_big_jpeg(tmp_path / "huge.jpg")
    warning = only(validate(Platform.INSTAGRAM, "caption", [big]), "image_too_large")
    assert warning.severity == "error"
    assert "huge.jpg" in warning.message
    assert "8.00 MB" in warning.message and "up to 8 MB" in warning.message


def test_instagram_carousel_holds_at_most_10() -> None:
    assert validate(Platform.INSTAGRAM, "c", [fake("image")] * 10) == []
    warning = only(validate(Platform.INSTAGRAM, "c", [fake("image")] * 11), "too_many_media")
    assert "10" in warning.message and "11" in warning.message


# ---------------------------------------------------------------- LinkedIn, Facebook


@pytest.mark.parametrize(
    ("platform", "limit"), [(Platform.LINKEDIN, 3000), (Platform.FACEBOOK, 63206)]
)
def test_plain_length_limits(platform: Platform, limit: int) -> None:
    assert validate(platform, "b" * limit) == []
    warning = only(validate(platform, "b" * (limit + 1)), "too_long")
    assert (warning.start, warning.end) == (limit, limit + 1)
    assert f"{limit:,}" in warning.message


# ---------------------------------------------------------------- every platform


@pytest.mark.parametrize("platform", ALL_PLATFORMS)
@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\t ", "\u200b\u200d"],
    ids=["empty", "spaces", "whitespace", "zero-width"],
)
def test_empty_post_is_an_error(platform: Platform, text: str) -> None:
    warnings = validate(platform, text, [fake("image")])
    warning = only(warnings, "empty")
    assert warning.severity == "error"
    assert (warning.start, warning.end) == (None, None)


@pytest.mark.parametrize("platform", ALL_PLATFORMS)
def test_broken_media_is_an_error_naming_the_file(platform: Platform, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("not a picture")
    media = [
        tmp_path / "gone.jpg",  # unreadable: no such file
        text_file,  # unknown type
        make_truncated_jpeg(tmp_path / "cut.jpg"),  # corrupt
    ]
    warnings = validate(platform, "hello", media)
    for code, index, name in [
        ("media_unreadable", 0, "gone.jpg"),
        ("media_unknown_type", 1, "notes.jpg"),
        ("media_corrupt", 2, "cut.jpg"),
    ]:
        warning = only(warnings, code)
        assert warning.severity == "error"
        assert warning.media_index == index
        assert name in warning.message


def test_paths_may_be_strings(tmp_path: Path) -> None:
    photo = str(make_jpeg(tmp_path / "p.jpg"))
    assert validate(Platform.INSTAGRAM, "caption", [photo]) == []


def test_media_items_from_the_publish_path_are_accepted(tmp_path: Path) -> None:
    item = inspect_media(make_png(tmp_path / "p.png")).to_media_item()
    assert codes(validate(Platform.INSTAGRAM, "caption", [item])) == ["image_format"]


@pytest.mark.parametrize("value", ["TWITTER", "twitter", "X", Platform.TWITTER])
def test_platform_may_be_given_by_value(value: Platform | str) -> None:
    assert codes(validate(value, "x" * 281)) == ["too_long"]


def test_unknown_platform_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="MYSPACE"):
        validate("MYSPACE", "hi")


def test_effective_text_prefers_the_override() -> None:
    assert effective_text("base", None) == "base"
    assert effective_text("base", "tailored for X") == "tailored for X"
    assert effective_text("base", "") == ""  # an empty override is still an override
    assert codes(validate(Platform.TWITTER, effective_text("base", ""))) == ["empty"]


def test_rules_are_one_table() -> None:
    assert set(RULES) == set(Platform)
    assert rules_for("INSTAGRAM").max_hashtags == 30
    stricter = replace(RULES[Platform.LINKEDIN], max_length=10)
    assert stricter.max_length == 10 and RULES[Platform.LINKEDIN].max_length == 3000


def test_warnings_are_ordered_and_serialisable() -> None:
    warnings = validate(Platform.INSTAGRAM, "x" * 2201 + " example.com")
    assert codes(warnings) == ["too_long", "link_not_clickable", "media_required"]
    assert all(isinstance(w.message, str) and w.message for w in warnings)


@dataclass(frozen=True)
class StoredFacts:
    """Shaped like the posts service's record of an attached file (a hashed copy on disk)."""

    path: str
    original_name: str
    mime: str
    bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    sha256: str
    error: str | None = None


def test_any_record_with_media_facts_is_accepted_and_named_by_its_original_name() -> None:
    facts = StoredFacts(
        "/data/media/3f2a9c.png", "logo.png", "image/png", 2000, 1080, 1080, None, "0"
    )
    warning = only(validate(Platform.INSTAGRAM, "caption", [facts]), "image_format")
    assert "logo.png" in warning.message and "3f2a9c" not in warning.message


def test_a_record_that_failed_inspection_is_looked_at_again(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("not a picture")
    facts = StoredFacts(str(text_file), "notes.jpg", "", 0, None, None, None, "", error="bad")
    assert codes(validate(Platform.LINKEDIN, "hi", [facts])) == ["media_unknown_type"]


def test_a_gif_record_without_animation_info_is_inspected(tmp_path: Path) -> None:
    still = make_gif(tmp_path / "still.gif", frames=1)
    facts = StoredFacts(
        str(still), "still.gif", "image/gif", still.stat().st_size, 40, 30, None, ""
    )
    photo = fake("image")
    assert validate(Platform.TWITTER, "hi", [facts, photo]) == []  # a still GIF is a photo
