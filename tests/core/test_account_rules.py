"""Per-account limits (a Mastodon instance's own) and the fediverse's way of counting."""

from __future__ import annotations

import pytest

from app.core.constraints import validate
from app.core.textrules.account_rules import fediverse_length, rules_for_account

MASTODON = "MASTODON"


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("hello", 5),
        ("see https://example.com/a/very/long/path/that/goes/on", 4 + 23),
        ("two https://a.com/x and http://b.org/y", 4 + 23 + 5 + 23),
        ("hi @bob@mastodon.social", 3 + 4),  # a remote mention counts its local part
        ("hi @bob", 7),
        ("mail bob@example.com", 20),  # not a mention
        ("👩‍👩‍👧 family", 1 + 7),  # one emoji sequence counts once
        ("café", 4),
        ("cafe\u0301", 4),  # e + combining acute: one character as a person sees it
    ],
)
def test_fediverse_length(text, length):
    assert fediverse_length(text) == length


def test_the_accounts_own_limit_replaces_the_networks():
    assert rules_for_account(MASTODON).max_length == 500
    settings = {"text_limits": {"max_length": 5000, "url_length": 30, "max_media": 6}}
    rules = rules_for_account(MASTODON, settings)
    assert (rules.max_length, rules.url_length, rules.media.max_items) == (5000, 30, 6)
    assert fediverse_length("x https://e.com/" + "a" * 50, rules.url_length) == 2 + 30


@pytest.mark.parametrize("bad", [None, "5000", {"max_length": -1}, {"max_length": True}])
def test_unusable_stored_limits_are_ignored(bad):
    assert rules_for_account(MASTODON, {"text_limits": bad}).max_length == 500


def test_validate_uses_the_accounts_limit():
    text = "Soup. " * 100
    [warning] = validate(MASTODON, text)
    assert warning.severity == "error" and "500 characters on this server" in warning.message
    assert validate(MASTODON, text, (), {"text_limits": {"max_length": 5000}}) == []
