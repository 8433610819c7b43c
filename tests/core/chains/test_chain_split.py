"""The chain splitter (issue 19): sentence boundaries first, never inside a link, a mention,
a word or an emoji; numbering counted within each network's limit."""

from __future__ import annotations

import re

import pytest

from app.core.chain_split import SplitError, split_into_parts, text_length
from app.core.textrules.twitter import weighted_length
from app.platforms.names import Platform

X, LI, IG = Platform.TWITTER, Platform.LINKEDIN, Platform.INSTAGRAM
NUMBER = re.compile(r" (\d+)/(\d+)$")


def _strip(parts: list[str]) -> list[str]:
    return [NUMBER.sub("", p) for p in parts]


def _assert_numbered(parts: list[str]) -> None:
    n = len(parts)
    for i, part in enumerate(parts, start=1):
        assert part.endswith(f" {i}/{n}"), part


def test_a_text_that_fits_stays_one_unnumbered_part():
    assert split_into_parts("  Fresh bread today.  ", [X, LI]) == ["Fresh bread today."]


def test_it_splits_at_sentence_boundaries_and_numbers_each_part_within_the_limit():
    sentences = [f"Sentence number {i} tells a little more about the bakery." for i in range(20)]
    text = " ".join(sentences)
    parts = split_into_parts(text, [X])
    assert len(parts) > 1
    _assert_numbered(parts)
    assert all(weighted_length(p) <= 280 for p in parts)  # numbering counted
    for body in _strip(parts):
        assert body.endswith("bakery.")  # every cut is at a sentence end
    assert " ".join(_strip(parts)) == text  # nothing lost, nothing added


def test_the_strictest_selected_network_sets_the_size():
    text = " ".join(["All good things take time."] * 40)  # ~1,000 characters
    assert len(split_into_parts(text, [LI])) == 1
    both = split_into_parts(text, [LI, X])
    assert len(both) > 1 and all(weighted_length(p) <= 280 for p in both)


def test_a_url_is_never_cut_and_counts_23_on_x():
    url = "https://example.com/" + "a" * 300  # longer than a whole post, counted as 23
    text = " ".join(["Read the whole story here."] * 12) + f" {url} " + "Tell us what you think."
    parts = split_into_parts(text, [X])
    _assert_numbered(parts)
    assert sum(p.count(url) for p in parts) == 1
    assert all(weighted_length(p) <= 280 for p in parts)


def test_a_link_longer_than_a_part_is_refused_with_a_clear_message():
    url = "https://example.com/" + "b" * 3000
    with pytest.raises(SplitError, match="longer than one part"):
        split_into_parts("See " + url + " " + "x " * 10, [LI])


def test_mentions_and_words_stay_whole_when_a_sentence_is_too_long():
    words = [f"@baker{i}" if i % 5 == 0 else f"word{i}" for i in range(120)]
    text = " ".join(words)  # one sentence, far longer than 280
    parts = split_into_parts(text, [X])
    _assert_numbered(parts)
    assert " ".join(_strip(parts)).split() == words  # cut only between words
    assert all(weighted_length(p) <= 280 for p in parts)


def test_emoji_sequences_are_never_cut_and_count_two_on_x():
    family = "👨‍👩‍👧‍👦"
    text = family * 200  # no spaces, no sentence end: cut between emoji only
    parts = split_into_parts(text, [X])
    _assert_numbered(parts)
    assert all(weighted_length(p) <= 280 for p in parts)
    assert all(body == family * (len(body) // len(family)) for body in _strip(parts))
    assert "".join(_strip(parts)) == text


def test_cjk_splits_at_its_own_full_stops_and_counts_double_on_x():
    sentence = "今日は新しいパンを焼きました。"  # 15 CJK characters = 30 weighted
    text = sentence * 30
    parts = split_into_parts(text, [X])
    _assert_numbered(parts)
    assert all(weighted_length(p) <= 280 for p in parts)
    for body in _strip(parts):
        assert body.endswith("。")
    assert "".join(_strip(parts)) == text
    # on a network counting characters, the same text needs fewer parts
    assert len(split_into_parts(text, [IG])) == 1


def test_numbering_grows_to_two_digits_and_still_fits():
    text = " ".join(f"Step {i} of the recipe is simple enough." for i in range(150))
    parts = split_into_parts(text, [X])
    assert len(parts) >= 10
    _assert_numbered(parts)
    assert parts[9].endswith(f" 10/{len(parts)}")
    assert all(text_length(p, X) <= 280 for p in parts)


def test_no_network_selected_is_one_clear_message():
    with pytest.raises(SplitError, match="at least one account"):
        split_into_parts("Hello. " * 100, [])
