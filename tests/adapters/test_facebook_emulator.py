"""Facebook adapter against the emulator: Login, long-lived user token, page tokens, faults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.adapters.facebook import FacebookAdapter
from app.adapters.media_server import LoopbackMediaHost
from app.constants import Platform
from app.core.ports import AuthError
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    connect_account,
    emulator_config,
    expect_fault,
    fault_id,
)


@pytest.fixture
def cfg(emu):
    return emulator_config(emu)


@pytest.fixture
def account(cfg, clock):
    return connect_account(Platform.FACEBOOK, cfg, clock)


@pytest.fixture
def adapter(cfg, clock):
    with FacebookAdapter(cfg, clock) as a:
        yield a


def test_connect_lists_pages_with_non_expiring_tokens(account, emu):
    assert account.external_id == emu.users["facebook"]["page_id"]
    assert account.handle == emu.users["facebook"]["page_name"]
    assert account.credentials.expires_at is None
    assert account.credentials.extra["user_token"]


def test_publish_text_photo_and_metrics(adapter, account, emu, clock, tmp_path):
    text = adapter.publish(account, "Fresh bread at 7", [], "fb-1")
    photo = adapter.publish(account, "Look at this loaf", [make_image(tmp_path, "a.jpg")], "fb-2")
    published = {p["external_id"]: p for p in emu.published()}
    assert published[text.external_id]["idempotency_key"] == "fb-1"
    assert published[photo.external_id]["text"] == "Look at this loaf"
    assert text.rate_limit is not None  # X-Page-Usage was read
    clock.advance(timedelta(hours=24))
    metrics = adapter.fetch_metrics(account, [text.external_id, photo.external_id])
    assert set(metrics) == {text.external_id, photo.external_id}
    assert metrics[text.external_id].impressions > 0


def test_photo_by_loopback_url(cfg, clock, account, emu, media_server, tmp_path):
    with FacebookAdapter(cfg, clock, media_host=LoopbackMediaHost(media_server)) as adapter:
        result = adapter.publish(account, "by url", [make_image(tmp_path, "a.jpg")], "k")
    post = {p["external_id"]: p for p in emu.published()}[result.external_id]
    assert post["media"][0].startswith(media_server.base_url)


def test_page_token_survives_time_and_refresh_gets_a_new_one(adapter, account, clock):
    clock.advance(timedelta(days=30))
    fresh = adapter.refresh(account)  # via the stored long-lived user token, re-extended
    assert fresh.access_token and fresh.expires_at is None
    clock.advance(timedelta(days=60))
    # The page token never expires; the old user token has, so a refresh now needs a reconnect.
    assert adapter.publish(account, "three months later", [], "k").external_id
    with pytest.raises(AuthError):
        adapter.refresh(account)


def test_lost_response_is_reconciled(adapter, account, emu, clock):
    emu.add_fault("facebook", "publish", "lost", count=1)
    since = clock.now()
    expect_fault(lambda: adapter.publish(account, "maybe posted", [], "k"), *PUBLISH_FAULTS[-1][3:])
    assert adapter.find_existing(account, "k", "maybe posted", since) in {
        p["external_id"] for p in emu.published()
    }


def test_lookup_finds_a_post_older_than_one_page(adapter, account, clock):
    # find_existing reads the feed 50 at a time: the first of 60 posts is on the second page
    since = clock.now()
    first = adapter.publish(account, "post number 0", [], "k0").external_id
    for i in range(1, 60):
        clock.advance(timedelta(seconds=5))
        adapter.publish(account, f"post number {i}", [], f"k{i}")
    assert adapter.find_existing(account, "k0", "post number 0", since) == first
    assert adapter.find_existing(account, "k-none", "never posted", since) is None


@pytest.mark.parametrize("case", PUBLISH_FAULTS + READ_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock):
    endpoint, kind, params, expected, code = case
    existing = adapter.publish(account, "already there", [], "k0").external_id
    emu.add_fault("facebook", endpoint, kind, count=1, **params)
    if endpoint == "publish":
        call = lambda: adapter.publish(account, "faulty", [], "k1")  # noqa: E731
    elif endpoint == "metrics":
        call = lambda: adapter.fetch_metrics(account, [existing])  # noqa: E731
    else:
        call = lambda: adapter.find_existing(account, "k", "x", clock.now())  # noqa: E731
    expect_fault(call, expected, code)


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, case):
    endpoint, kind, params, expected, code = case
    emu.add_fault("facebook", endpoint, kind, count=1, **params)
    expect_fault(lambda: adapter.refresh(account), expected, code)


def test_revoked_page_needs_reconnect(adapter, account, emu):
    emu.revoke_tokens("facebook")
    with pytest.raises(AuthError):
        adapter.publish(account, "x", [], "k")
    with pytest.raises(AuthError):
        adapter.refresh(account)
