"""Facets carry UTF-8 byte offsets: each facet's bytes, cut from text.encode(), are what it
names (emoji, accents, CJK before and between them)."""

from __future__ import annotations

import itertools

import pytest

from app.platforms.bluesky import facets

DIDS = {"alice.bsky.social": "did:plc:alice", "bob.test": "did:plc:bob"}


def cut(text: str, facet: dict) -> str:
    i = facet["index"]
    return text.encode("utf-8")[i["byteStart"] : i["byteEnd"]].decode("utf-8")


def kinds(text: str) -> list[tuple[str, str, str]]:
    out = []
    for f in facets.build(text, DIDS.get):
        [feature] = f["features"]
        kind = feature["$type"].rsplit("#", 1)[1]
        value = feature.get("uri") or feature.get("did") or feature.get("tag")
        out.append((kind, cut(text, f), value))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Crème brûlée 🍮 at https://café.example/menu today",
            [("link", "https://café.example/menu", "https://café.example/menu")],
        ),
        (
            "👩🏽‍💻👨‍👩‍👧 @alice.bsky.social ask!",
            [("mention", "@alice.bsky.social", "did:plc:alice")],
        ),
        ("東京で #寿司 と #ramen 🍜", [("tag", "#寿司", "寿司"), ("tag", "#ramen", "ramen")]),
        (
            "two: https://a.example/x, and example.org/y.",
            [
                ("link", "https://a.example/x", "https://a.example/x"),
                ("link", "example.org/y", "https://example.org/y"),
            ],
        ),
    ],
)
def test_offsets_are_utf8_bytes(text, expected):
    assert kinds(text) == expected


def test_byte_offsets_differ_from_code_points_after_multibyte_text():
    text = "é🙂 #tag"
    [facet] = facets.build(text)
    assert facet["index"] == {"byteStart": 7, "byteEnd": 11}  # é=2, 🙂=4, space=1
    assert text.index("#") == 3


def test_unknown_handles_stay_plain_text_and_fragments_are_not_tags():
    text = "hi @nobody.example see https://x.example/page#section #real #123"
    found = kinds(text)
    assert ("tag", "#real", "real") in found
    assert all(k != "mention" for k, _, _ in found)
    assert ("link", "https://x.example/page#section", "https://x.example/page#section") in found
    assert all(value != "section" for _, _, value in found)
    assert all(value != "123" for _, _, value in found)  # all digits: no tag


def test_facets_are_sorted_and_never_overlap():
    text = "#a https://b.example @bob.test #c"
    built = facets.build(text, DIDS.get)
    starts = [f["index"]["byteStart"] for f in built]
    assert starts == sorted(starts)
    spans = [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in built]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert facets.first_link(text) == "https://b.example"
