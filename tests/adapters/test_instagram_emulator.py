"""Instagram adapter against the emulator: Instagram Login, loopback media, containers, faults."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.adapters.media_server import LoopbackMediaHost
from app.core.ports import AuthError, PermanentError
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    check_injected_fault,
    check_lookup_past_first_page,
    check_lost_publish_is_found,
    check_token_fault,
    expect_fault,
    fault_id,
)


@pytest.fixture
def platform():
    return Platform.INSTAGRAM


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def adapter(cfg, clock, media_server, sleeps):
    with InstagramAdapter(
        cfg, clock, media_host=LoopbackMediaHost(media_server), sleep=sleeps.append
    ) as a:
        yield a


def test_connect_gives_long_lived_token(account, emu, clock):
    assert account.external_id == emu.users["instagram"]["id"]
    assert account.handle == "@" + emu.users["instagram"]["handle"]
    assert account.credentials.expires_at >= clock.now() + timedelta(days=59)


def test_publish_image_and_carousel_then_metrics(adapter, account, emu, clock, tmp_path, sleeps):
    single = adapter.publish(
        account, "One picture #herald", [make_image(tmp_path, "a.jpg")], "ig-1"
    )
    assert sleeps  # the container was IN_PROGRESS once: polled with back-off, no real sleep
    carousel = adapter.publish(
        account, "Three pictures", [make_image(tmp_path, f"{i}.jpg") for i in range(3)], "ig-2"
    )
    published = {p["external_id"]: p for p in emu.published()}
    assert published[single.external_id]["text"] == "One picture #herald"
    assert published[single.external_id]["idempotency_key"] == "ig-1"
    assert len(published[carousel.external_id]["media"]) == 3
    assert single.rate_limit is not None and single.rate_limit.limit

    clock.advance(timedelta(hours=6))
    metrics = adapter.fetch_metrics(account, [single.external_id, carousel.external_id])
    assert set(metrics) == {single.external_id, carousel.external_id}
    assert metrics[single.external_id].impressions > 0


def test_text_only_is_refused_before_any_call(adapter, account, emu):
    with pytest.raises(PermanentError):
        adapter.publish(account, "no picture", [], "k")
    assert emu.published() == []


def test_token_refresh_and_expiry(adapter, account, clock, tmp_path):
    clock.advance(timedelta(days=30))
    fresh = adapter.refresh(account)
    assert fresh.access_token != account.credentials.access_token
    assert fresh.expires_at >= clock.now() + timedelta(days=59)
    renewed = replace(account, credentials=fresh)
    assert adapter.publish(renewed, "still here", [make_image(tmp_path, "a.jpg")], "k").external_id
    clock.advance(timedelta(days=61))
    with pytest.raises(AuthError):
        adapter.publish(renewed, "too late", [make_image(tmp_path, "b.jpg")], "k2")
    with pytest.raises(AuthError):
        adapter.refresh(renewed)


def test_lost_response_is_reconciled(adapter, account, emu, clock, tmp_path):
    media = [make_image(tmp_path, "a.jpg")]
    check_lost_publish_is_found(adapter, account, emu, clock, "maybe posted", media)


def test_lookup_finds_a_post_older_than_one_page(adapter, account, emu, clock, tmp_path):
    # find_existing reads the media list 50 at a time: the first of 60 is on the second page
    emu.configure(instagram_publishes_per_24h=1000)
    check_lookup_past_first_page(adapter, account, clock, 60, [make_image(tmp_path, "a.jpg")])


@pytest.mark.parametrize("case", PUBLISH_FAULTS + READ_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock, tmp_path):
    check_injected_fault(adapter, account, emu, clock, case, [make_image(tmp_path, "a.jpg")])


@pytest.mark.parametrize(
    ("endpoint", "kind", "expected"),
    [
        ("container_status", "error", PermanentError),
        ("container_status", "503", None),
        ("media_upload", "invalid_token", AuthError),
    ],
)
def test_container_faults(adapter, account, emu, tmp_path, endpoint, kind, expected):
    from app.core.ports import TransientError

    emu.add_fault("instagram", endpoint, kind, count=1)
    expect_fault(
        lambda: adapter.publish(account, "c", [make_image(tmp_path, "a.jpg")], "k"),
        expected or TransientError,
        None,
    )


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, clock, case):
    clock.advance(timedelta(days=2))  # a refresh needs a token at least 24 h old
    check_token_fault(adapter, account, emu, case)
