"""X adapter against the emulator over loopback: OAuth, posts, media, metrics, tokens, faults."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.core.ports import AuthError, Credentials
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import (
    PUBLISH_FAULTS,
    READ_FAULTS,
    TOKEN_FAULTS,
    CountingClient,
    check_injected_fault,
    check_lookup_past_first_page,
    check_lost_publish_is_found,
    check_revoked_tokens_refused,
    check_token_fault,
    expect_fault,
    fault_id,
)


@pytest.fixture
def platform():
    return Platform.TWITTER


def test_connect_gives_rotating_tokens(account, emu, clock):
    assert account.external_id == emu.users["twitter"]["id"]
    assert account.handle == "@" + emu.users["twitter"]["handle"]
    assert account.credentials.refresh_token
    assert account.credentials.expires_at == clock.now() + timedelta(hours=2)


def test_publish_text_and_media_then_metrics(adapter, account, emu, clock, tmp_path):
    text_post = adapter.publish(account, "Hello from Herald", [], "idem-x-1")
    media_post = adapter.publish(
        account, "With a picture", [make_image(tmp_path, "a.jpg")], "idem-x-2"
    )
    published = {p["external_id"]: p for p in emu.published()}
    assert published[text_post.external_id]["text"] == "Hello from Herald"
    assert published[text_post.external_id]["idempotency_key"] == "idem-x-1"
    assert len(published[media_post.external_id]["media"]) == 1
    assert text_post.rate_limit is not None and text_post.rate_limit.limit

    clock.advance(timedelta(hours=1))  # still within the 2 h token
    metrics = adapter.fetch_metrics(account, [text_post.external_id, media_post.external_id, "999"])
    assert set(metrics) == {text_post.external_id, media_post.external_id}
    assert metrics[text_post.external_id].impressions > 0


def test_metrics_batches_split_over_100(cfg, clock, account):
    counter = CountingClient()
    try:
        adapter = TwitterAdapter(cfg, clock, counter.client)
        ids = [
            adapter.publish(account, f"post number {i}", [], f"k{i}").external_id
            for i in range(101)
        ]
        before = sum(
            n for (m, p), n in counter.calls.items() if m == "GET" and p.endswith("/2/tweets")
        )
        metrics = adapter.fetch_metrics(account, ids)
        after = sum(
            n for (m, p), n in counter.calls.items() if m == "GET" and p.endswith("/2/tweets")
        )
    finally:
        counter.close()
    assert after - before == 2
    assert set(metrics) == set(ids)


def test_token_expiry_refresh_and_rotation(adapter, account, clock):
    clock.advance(timedelta(hours=2, minutes=1))
    with pytest.raises(AuthError):
        adapter.publish(account, "expired token", [], "k1")
    fresh = adapter.refresh(account)
    assert fresh.access_token != account.credentials.access_token
    assert fresh.refresh_token and fresh.refresh_token != account.credentials.refresh_token
    assert fresh.expires_at == clock.now() + timedelta(hours=2)
    renewed = replace(account, credentials=fresh)
    assert adapter.publish(renewed, "after refresh", [], "k2").external_id
    # The old refresh token was single-use: presenting it again is refused.
    with pytest.raises(AuthError):
        adapter.refresh(account)
    # The rotated one works once more.
    assert adapter.refresh(renewed).refresh_token != fresh.refresh_token


def test_lost_response_is_reconciled(adapter, account, emu, clock):
    since = clock.now()
    check_lost_publish_is_found(adapter, account, emu, clock, "maybe posted")
    assert adapter.find_existing(account, "k-none", "never posted", since) is None


def test_lookup_finds_a_post_older_than_one_page(adapter, account, clock):
    # find_existing reads the timeline 100 at a time: the first of 110 is on the second page
    check_lookup_past_first_page(adapter, account, clock, 110)


@pytest.mark.parametrize("case", PUBLISH_FAULTS + READ_FAULTS, ids=fault_id)
def test_injected_faults(adapter, account, emu, case, clock):
    check_injected_fault(adapter, account, emu, clock, case)


def test_media_upload_fault(adapter, account, emu, tmp_path):
    emu.add_fault("twitter", "media_upload", "503", count=1)
    from app.core.ports import TransientError

    expect_fault(
        lambda: adapter.publish(account, "pic", [make_image(tmp_path, "a.jpg")], "k"),
        TransientError,
        None,
    )


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=fault_id)
def test_token_faults(adapter, account, emu, case):
    check_token_fault(adapter, account, emu, case)


def test_revoked_tokens_need_reauth(adapter, account, emu):
    check_revoked_tokens_refused(adapter, account, emu)


def test_oauth1_user_keys_are_accepted_or_explained(cfg, clock, account):
    # The emulator speaks OAuth 2.0 only; a 1.0a-signed request must fail as an AuthError,
    # never as an unexpected exception.
    signed = replace(
        account,
        credentials=Credentials("legacy-token", extra={"oauth1_token_secret": "legacy-secret"}),
    )
    with TwitterAdapter(cfg, clock) as adapter, pytest.raises(AuthError):
        adapter.publish(signed, "signed", [], "k")


# ---------------------------------------------------------------------- video, time window
def _video(tmp_path, size: int = 3000):
    import hashlib

    from app.core.ports import MediaItem

    data = (b"\x00\x00\x00\x18ftypmp42" + b"\x07" * size)[:size]
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    return MediaItem(str(path), "video/mp4", len(data), hashlib.sha256(data).hexdigest())


def test_video_is_chunked_and_waits_for_processing_on_the_clock(cfg, clock, account, emu, tmp_path):
    emu.configure(x_media_processing_s=12, x_media_check_after_s=5)
    counter = CountingClient()
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # a fake clock: no test sleeps for real
        slept.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    try:
        with TwitterAdapter(cfg, clock, counter.client, sleep=sleep) as adapter:
            adapter.media_chunk_size = 1024
            start = clock.now()
            post = adapter.publish(account, "a clip", [_video(tmp_path)], "idem-video")
    finally:
        counter.close()
    published = {p["external_id"]: p for p in emu.published()}
    assert len(published[post.external_id]["media"]) == 1
    assert counter.calls[("POST", "/x/2/media/upload/initialize")] == 1
    assert counter.calls[("POST", "/x/2/media/upload")] == 0  # never one-shot
    media_id = published[post.external_id]["media"][0]
    assert counter.calls[("POST", f"/x/2/media/upload/{media_id}/append")] == 3
    assert slept == [5, 5, 2]  # X's check_after_secs, to the end of processing
    assert clock.now() - start == timedelta(seconds=12)


def test_video_that_x_cannot_process_fails_with_x_message(adapter, account, emu, tmp_path, clock):
    from app.core.ports import MediaItem, PermanentError

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is no video" * 50)
    item = MediaItem(str(bad), "video/mp4", bad.stat().st_size, "0" * 64)
    adapter.sleep = lambda s: clock.advance(timedelta(seconds=s))
    with pytest.raises(PermanentError, match="Invalid or Unsupported media"):
        adapter.publish(account, "never", [item], "idem-bad")
    assert not [p for p in emu.published() if p["text"] == "never"]


def test_lookup_covers_a_window_busier_than_five_pages(adapter, account, emu, clock):
    from app.emulator.state import Post

    state = emu.emulator.state
    since = clock.now()
    lost = adapter.publish(account, "the doubtful one", [], "k-doubt").external_id
    with emu.emulator.lock:
        base = emu.emulator.now_ts()
        for i in range(650):  # 6.5 pages of 100 after it, inside the window
            tweet_id = state.new_id("tweet")
            post = Post("twitter", account.external_id, tweet_id, f"busy {i}", base + 1 + i / 10)
            state.add_post(post)
    clock.advance(timedelta(minutes=10))
    until = since + timedelta(minutes=2)
    assert adapter.find_existing(account, "k-doubt", "the doubtful one", since, until) == lost
    assert adapter.find_existing(account, "k-none", "never posted", since, until) is None
