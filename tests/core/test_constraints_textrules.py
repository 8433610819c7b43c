"""The text machinery behind the rules: TLD trie, emoji table, tags, offsets, custom configs.

Where twitter-text-parser (a test dependency) holds the reference data, Herald's embedded copy is
checked against it, so an update of one without the other shows up here.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.textrules import (
    TweetConfig,
    WeightRange,
    clear_caches,
    extract_urls,
    parse_tweet,
    warm_up,
    weighted_length,
)
from app.core.textrules.emoji import all_sequences, find_emoji
from app.core.textrules.entities import hashtags, mentions
from app.core.textrules.offsets import utf16_length, utf16_to_index
from app.core.textrules.tlds import COUNTRY_TLDS, GENERIC_TLDS
from app.core.textrules.urls import _TLD_END, _case_forms, _trie_pattern, find_urls

# ---------------------------------------------------------------- top-level domains


def test_tld_case_classes_match_what_ignorecase_matches() -> None:
    cased = "".join(
        chr(cp) for cp in range(0x10000) if unicodedata.category(chr(cp)) in ("Lu", "Ll", "Lt")
    )
    for ch in sorted(set("".join(GENERIC_TLDS | COUNTRY_TLDS))):
        pool = cased + ch
        expected = {m.group() for m in re.finditer(re.escape(ch), pool, re.IGNORECASE)}
        assert {m.group() for m in re.finditer(_case_forms(ch), pool)} == expected, ch


@pytest.mark.parametrize("module", ["valid_gtld", "valid_cctld"])
def test_tld_trie_matches_twitter_text_alternation(module: str) -> None:
    reference_module = pytest.importorskip(f"twitter_text.regexp.{module}")
    reference = re.compile(getattr(reference_module, module).pattern, re.IGNORECASE)
    names = GENERIC_TLDS if module == "valid_gtld" else COUNTRY_TLDS
    trie = re.compile(_trie_pattern(names), re.IGNORECASE)
    probes = {
        variant
        for name in names
        for variant in (
            name,
            name.upper(),
            name + "x",
            name + ".",
            name[:-1],
            name + "み",
            name[1:],
        )
    }
    for probe in sorted(probes):
        ref, ours = reference.match(probe), trie.match(probe)
        assert (ref and ref.end()) == (ours and ours.end()), probe


def test_tld_lists_match_twitter_text() -> None:
    gtld = pytest.importorskip("twitter_text.regexp.valid_gtld").valid_gtld.pattern
    cctld = pytest.importorskip("twitter_text.regexp.valid_cctld").valid_cctld.pattern

    def names(pattern: str) -> set[str]:
        return set(pattern[len("(?:(?:") : pattern.index(")(?=")].split("|"))

    assert names(gtld) == GENERIC_TLDS
    assert names(cctld) == COUNTRY_TLDS
    assert _TLD_END == "(?=[^0-9a-zA-Z@+-]|$)"


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$TVI.CA and $twitter.com", []),  # cashtags are not links
        ("http://t.co/" + "a" * 41, []),  # t.co slugs longer than 40 are not links
        ("http://t.co/abc's", ["http://t.co/abc"]),
        ("visit HERALD.APP today", ["HERALD.APP"]),
        ("long.test.tar.bz2", []),
        ("a-b.example.com/x?y=1", ["a-b.example.com/x?y=1"]),
        ("test http://xn--ls8h.la/", ["http://xn--ls8h.la/"]),
        ("no dot here", []),
    ],
)
def test_links(text: str, expected: list[str]) -> None:
    assert [u.url for u in extract_urls(text)] == expected


def test_link_results_are_cached_immutably() -> None:
    text = "see example.com"
    assert find_urls(text) is find_urls(text)
    assert isinstance(find_urls(text), tuple)
    extract_urls(text).clear()  # the public list is a copy
    assert len(find_urls(text)) == 1


def test_warm_up_and_clear_caches_keep_results() -> None:
    before = weighted_length("see example.com 😷")
    warm_up()
    clear_caches()
    assert weighted_length("see example.com 😷") == before == 4 + 23 + 1 + 2


# ---------------------------------------------------------------- emoji


def test_emoji_table_matches_twitter_text_parser() -> None:
    reference = pytest.importorskip("twitter_text.regexp.emoji")
    expected = {
        "".join(chr(int(cp, 16)) for cp in entry.codepoint.split())
        for entry in reference.emoji_list
    }
    assert all_sequences() == expected


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("no emoji", []),
        ("a😷b", [(1, 2)]),
        ("👨\u200d👩\u200d👧\u200d👦!", [(0, 7)]),
        ("1\ufe0f\u20e3 1 2", [(0, 3)]),  # keycap; bare digits are not emoji
        ("🇯🇵🇫", [(0, 2)]),  # a flag, then a lone regional indicator (not listed alone)
        ("©", [(0, 1)]),
    ],
)
def test_find_emoji(text: str, spans: list[tuple[int, int]]) -> None:
    assert find_emoji(text) == spans


# ---------------------------------------------------------------- hashtags and mentions


def test_hashtags() -> None:
    text = "#one #two a#no #3#no ＃全角 #café &#39; #_x"
    assert [t.text for t in hashtags(text)] == ["#one", "#two", "#3", "＃全角", "#café", "#_x"]
    assert hashtags("no tags") == []


def test_mentions() -> None:
    text = "@bob, mail@example.com @a.b_c @@x ＠wide"
    assert [t.text for t in mentions(text)] == ["@bob", "@a.b_c", "＠wide"]


# ---------------------------------------------------------------- offsets


def _utf16_to_index_slowly(text: str, units: int) -> int:
    seen = 0
    for index, ch in enumerate(text):
        seen += 2 if ch > "\uffff" else 1
        if seen > units:
            return index
    return len(text)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "é", "😷", "\ud800", "日", "\U0001f1ef"]), max_size=30),
    st.integers(-2, 70),
)
def test_utf16_offsets(text: str, units: int) -> None:
    assert utf16_length(text) == sum(2 if c > "\uffff" else 1 for c in text)
    expected = 0 if units <= 0 else _utf16_to_index_slowly(text, units)
    assert utf16_to_index(text, units) == expected


# ---------------------------------------------------------------- other configurations


ODD_CONFIG = TweetConfig(
    max_weighted_length=50,
    scale=10,
    default_weight=10,
    transformed_url_length=5,
    emoji_parsing_enabled=False,
    ranges=(
        WeightRange(ord("a"), ord("m"), 30),
        WeightRange(ord("a"), ord("z"), 20),  # overlaps: the first listed range wins for a-m
        WeightRange(0x4E00, 0x9FFF, 0),
    ),
)


def _weigh_slowly(text: str, config: TweetConfig) -> int:
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        weights = [r.weight for r in config.ranges if r.start <= ord(ch) <= r.end]
        total += weights[0] if weights else config.default_weight
    return total // config.scale


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("amnzAZ 1!日本😷é")), max_size=40))
def test_custom_configuration_weights(text: str) -> None:
    result = parse_tweet(text, ODD_CONFIG)
    assert result.weighted_length == _weigh_slowly(text, ODD_CONFIG)
    assert result.valid == (0 < result.weighted_length <= 50)
    if result.overflow_start is not None:
        # Everything before the span fits; adding its first character does not.
        assert _weigh_slowly(text[: result.overflow_start], ODD_CONFIG) <= 50
        assert _weigh_slowly(text[: result.overflow_start + 1], ODD_CONFIG) > 50
