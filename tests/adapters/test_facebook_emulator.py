"""Facebook adapter against the emulator: Login, long-lived user token, page tokens, faults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.adapters.media_server import LoopbackMediaHost
from app.core.ports import AuthError
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.names import Platform
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    check_injected_fault,
    check_lookup_past_first_page,
    check_lost_publish_is_found,
    check_revoked_tokens_refused,
    check_token_fault,
    fault_id,
)


@pytest.fixture
def platform():
    return Platform.FACEBOOK


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
    check_lost_publish_is_found(adapter, account, emu, clock, "maybe posted")


def test_lookup_finds_a_post_older_than_one_page(adapter, account, clock):
    # find_existing reads the feed 50 at a time: the first of 60 posts is on the second page
    check_lookup_past_first_page(adapter, account, clock, 60)


@pytest.mark.parametrize("case", PUBLISH_FAULTS + READ_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock):
    check_injected_fault(adapter, account, emu, clock, case)


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, case):
    check_token_fault(adapter, account, emu, case)


def test_revoked_page_needs_reconnect(adapter, account, emu):
    check_revoked_tokens_refused(adapter, account, emu)
