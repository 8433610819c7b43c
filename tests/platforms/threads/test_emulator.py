"""The Threads adapter against the emulator over loopback: the real sign-in (authorize, code,
60-day token, /me), containers for text, image, video and carousel, polling through the
injected sleep, the publishing limit, a lost publish answer, insights and token refresh."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from app.adapters.config import AdapterConfig
from app.adapters.http import OUTCOME_UNKNOWN
from app.adapters.media_server import LoopbackMediaHost
from app.core.ports import MediaItem, PermanentError, RateLimitedError, TransientError
from app.platforms.names import Platform
from app.platforms.threads.adapter import ThreadsAdapter
from tests.adapters.conftest import make_image
from tests.adapters.emu_support import connect_account


@pytest.fixture
def cfg(emu) -> AdapterConfig:
    return AdapterConfig.for_emulator(emu.base_url)


@pytest.fixture
def account(cfg, clock):
    return connect_account(Platform.THREADS, cfg, clock)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(cfg, clock, media_server, sleeps):
    host = LoopbackMediaHost(media_server)
    with ThreadsAdapter(cfg, clock, media_host=host, sleep=sleeps.append) as a:
        yield a


def make_video(tmp_path, name="clip.mp4") -> MediaItem:
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
    path = tmp_path / name
    path.write_bytes(data)
    return MediaItem(
        str(path), "video/mp4", len(data), hashlib.sha256(data).hexdigest(), duration_s=8
    )


def test_connect_gives_a_sixty_day_token(account, emu, clock):
    assert account.external_id == emu.users["threads"]["id"]
    assert account.handle == "@" + emu.users["threads"]["handle"]
    assert account.credentials.expires_at >= clock.now() + timedelta(days=59)


def test_text_image_video_carousel_publish_exactly_once(adapter, account, emu, tmp_path, sleeps):
    text = adapter.publish(account, "Just words 🍞", [], "k-text")
    image = adapter.publish(account, "A loaf", [make_image(tmp_path, "a.jpg")], "k-img")
    video = adapter.publish(account, "Kneading", [make_video(tmp_path)], "k-vid")
    carousel = adapter.publish(
        account, "Three loaves", [make_image(tmp_path, f"{i}.jpg") for i in range(3)], "k-car"
    )
    posts = {p["external_id"]: p for p in emu.published() if p["platform"] == "THREADS"}
    assert set(posts) == {
        text.external_id,
        image.external_id,
        video.external_id,
        carousel.external_id,
    }
    assert posts[text.external_id]["extra"]["media_type"] == "TEXT_POST"
    assert posts[video.external_id]["extra"]["media_type"] == "VIDEO"
    assert posts[carousel.external_id]["extra"]["media_type"] == "CAROUSEL_ALBUM"
    assert len(posts[carousel.external_id]["media"]) == 3
    assert sleeps  # containers were IN_PROGRESS first: waited through the injected sleep


def test_reply_is_published_under_its_parent(adapter, account, emu):
    first = adapter.publish(account, "part 1", [], "k1")
    second = adapter.reply(account, "part 2", first.external_id, "k2")
    post = next(p for p in emu.published() if p["external_id"] == second.external_id)
    assert post["extra"]["reply_to_id"] == first.external_id


def test_text_over_500_counting_emoji_bytes_is_refused_by_the_emulator(adapter, account, emu):
    with pytest.raises(PermanentError):
        adapter.publish(account, "a" * 490 + "🍞🍞🍞", [], "k")  # 490 + 3 x 4 = 502
    assert not [p for p in emu.published() if p["platform"] == "THREADS"]


def test_publishing_limit_is_read_and_respected(adapter, account, emu, clock):
    emu.configure(threads_publishes_per_24h=2)
    adapter.publish(account, "one", [], "k1")
    adapter.publish(account, "two", [], "k2")
    with pytest.raises(RateLimitedError) as err:
        adapter.publish(account, "three", [], "k3")
    assert err.value.code == "threads_publish_limit"
    emu.advance(24 * 3600 + 1)  # the rolling window frees
    assert adapter.publish(account, "three", [], "k3").external_id


def test_lost_publish_answer_is_found_not_sent_again(adapter, account, emu, clock):
    emu.add_fault("threads", "publish", "lost", count=1)
    since = clock.now()
    with pytest.raises(TransientError) as err:
        adapter.publish(account, "lost answer", [], "k-lost")
    assert err.value.code == OUTCOME_UNKNOWN
    found = adapter.find_existing(account, "k-lost", "lost answer", since)
    threads = [p for p in emu.published() if p["platform"] == "THREADS"]
    assert len(threads) == 1 and found == threads[0]["external_id"]


def test_after_a_crash_the_listing_alone_finds_it(adapter, account, emu, clock, cfg, media_server):
    emu.add_fault("threads", "publish", "lost", count=1)
    since = clock.now()
    with pytest.raises(TransientError):
        adapter.publish(account, "crash", [], "k-crash")
    with ThreadsAdapter(cfg, clock, sleep=lambda s: None) as fresh:  # a new process
        assert fresh.find_existing(account, "k-crash", "crash", since) is not None
        assert fresh.find_existing(account, "k-other", "never sent", since) is None


def test_insights_and_views_not_reported(adapter, account, emu, clock):
    post = adapter.publish(account, "measure me", [], "k")
    emu.advance(2 * 86400)
    got = adapter.fetch_metrics(account, [post.external_id])[post.external_id]
    assert got.impressions is not None and got.impressions > 0
    emu.configure(threads_views_reported=0)
    got = adapter.fetch_metrics(account, [post.external_id])[post.external_id]
    assert got.impressions is None


def test_refresh_after_a_day(adapter, account, emu, clock):
    with pytest.raises(TransientError):
        adapter.refresh(account)  # under a day old: Herald does not even ask
    clock.advance(timedelta(days=2))
    creds = adapter.refresh(account)
    assert creds.access_token != account.credentials.access_token
    assert creds.expires_at >= clock.now() + timedelta(days=59)
