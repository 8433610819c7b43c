"""The Mastodon adapter against respx: the Idempotency-Key, per-account options, media
processing with a bounded, injected wait, error classes, recovery and metrics. Bodies are the
recorded ones (tests/contract/recorded/mastodon/, from Mastodon.py's cassettes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.adapters.http import OUTCOME_UNKNOWN
from app.core.clock import FakeClock
from app.core.ports import (
    AuthError,
    MediaItem,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from app.platforms.mastodon.adapter import MastodonAdapter
from tests.platforms.mastodon.support import INSTANCE, TOKEN, account, recorded


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(sleeps):
    a = MastodonAdapter(AdapterConfig.real(), FakeClock(), sleep=sleeps.append)
    yield a
    a.close()


def video(tmp_path, alt: str | None = "a cat") -> MediaItem:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    return MediaItem(str(path), "video/mp4", 112, "sha", alt_text=alt)


@respx.mock
def test_publish_sends_the_idempotency_key_and_the_accounts_options(adapter):
    route = respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(200, json=recorded("status_post_spoiler.json"))
    )
    acc = account(
        **{
            "mastodon.visibility": "unlisted",
            "mastodon.spoiler_text": "Content warning",
            "mastodon.language": "en",
        }
    )
    result = adapter.publish(acc, "Toot!", [], "key-42")
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "key-42"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert json.loads(request.content) == {
        "status": "Toot!",
        "visibility": "unlisted",
        "spoiler_text": "Content warning",
        "language": "en",
    }
    assert result.external_id == "117020585985737016"
    assert result.url == "http://localhost:3000/@mastodonpy_test/117020585985737016"


@respx.mock
def test_an_unknown_visibility_falls_back_to_public(adapter):
    route = respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(200, json=recorded("status_post.json"))
    )
    adapter.publish(account(**{"mastodon.visibility": "everyone"}), "Toot!", [], "k")
    assert json.loads(route.calls.last.request.content)["visibility"] == "public"


@respx.mock
def test_media_waits_for_processing_then_posts(adapter, tmp_path, sleeps):
    upload = respx.post(f"{INSTANCE}/api/v2/media").mock(
        return_value=httpx.Response(202, json=recorded("media_post_202.json"))
    )
    media_id = recorded("media_post_202.json")["id"]
    poll = respx.get(f"{INSTANCE}/api/v1/media/{media_id}").mock(
        side_effect=[
            httpx.Response(206, json=recorded("media_put_206.json")),
            httpx.Response(206, json=recorded("media_put_206.json")),
            httpx.Response(200, json=recorded("media_get_200.json")),
        ]
    )
    post = respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(200, json=recorded("status_post_with_media.json"))
    )
    result = adapter.publish(account(), "LOL check this out", [video(tmp_path)], "k1")
    assert b'name="description"\r\n\r\na cat' in upload.calls.last.request.content
    assert poll.call_count == 3 and sleeps == [1.0, 2.0, 3.0]
    assert json.loads(post.calls.last.request.content)["media_ids"] == [media_id]
    assert result.external_id == "117020576440066974"


@respx.mock
def test_media_processing_wait_is_bounded(adapter, tmp_path, sleeps):
    respx.post(f"{INSTANCE}/api/v2/media").mock(
        return_value=httpx.Response(202, json=recorded("media_post_202.json"))
    )
    respx.get(url__regex=rf"{INSTANCE}/api/v1/media/\d+").mock(
        return_value=httpx.Response(206, json=recorded("media_put_206.json"))
    )
    status = respx.post(f"{INSTANCE}/api/v1/statuses")
    with pytest.raises(TransientError) as err:
        adapter.publish(account(), "x", [video(tmp_path)], "k1")
    assert err.value.code == "media_processing"
    assert len(sleeps) == len(adapter.media_poll_delays) and sum(sleeps) <= 300
    assert not status.called


@respx.mock
def test_422_is_permanent_with_the_servers_message(adapter):
    respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(422, json=recorded("error_422.json"))
    )
    with pytest.raises(PermanentError) as err:
        adapter.publish(account(), "x" * 501, [], "k")
    assert "Begrenzung von 500 Zeichen" in err.value.message and err.value.status == 422


@pytest.mark.parametrize("status", [401, 403])
@respx.mock
def test_401_and_403_mean_reconnect(adapter, status):
    respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(status, json=recorded("error_401.json"))
    )
    with pytest.raises(AuthError) as err:
        adapter.publish(account(), "x", [], "k")
    assert "The access token is invalid" in err.value.message
    assert TOKEN not in err.value.message


@respx.mock
def test_429_waits_until_the_iso_reset(adapter):
    respx.post(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(
            429,
            json={"error": "Too many requests"},
            headers={
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": "2026-08-01T13:55:00.441909Z",
            },
        )
    )
    with pytest.raises(RateLimitedError) as err:
        adapter.publish(account(), "x", [], "k")
    assert err.value.reset_at == datetime(2026, 8, 1, 13, 55, 0, 441909, tzinfo=UTC)


@respx.mock
def test_5xx_and_timeouts_are_transient_with_an_unknown_outcome(adapter):
    route = respx.post(f"{INSTANCE}/api/v1/statuses")
    route.mock(return_value=httpx.Response(503, json={"error": "Service Unavailable"}))
    with pytest.raises(TransientError) as err:
        adapter.publish(account(), "x", [], "k")
    assert err.value.code == OUTCOME_UNKNOWN
    route.mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransientError) as err:
        adapter.publish(account(), "x", [], "k")
    assert err.value.code == OUTCOME_UNKNOWN


@respx.mock
def test_recovery_finds_the_status_in_the_doubtful_window(adapter):
    page = recorded("account_statuses.json")  # newest first: "Toot number 9!" .. "5!"
    route = respx.get(f"{INSTANCE}/api/v1/accounts/117020565966271181/statuses").mock(
        return_value=httpx.Response(200, json=page)
    )
    since = datetime(2026, 8, 1, 13, 50, tzinfo=UTC)
    found = adapter.find_existing(account(), "k", "Toot number 7!", since)
    assert found == "117020581898706890"
    assert route.calls.last.request.url.params["exclude_reblogs"] == "true"
    # a status older than the window is not ours to claim
    late = datetime(2026, 8, 1, 13, 52, 55, 100000, tzinfo=UTC)
    assert adapter.find_existing(account(), "k", "Toot number 5!", late) is None
    # one newer than `until` is skipped
    until = datetime(2026, 8, 1, 13, 52, 55, 200000, tzinfo=UTC)
    assert adapter.find_existing(account(), "k", "Toot number 9!", since, until) is None


@respx.mock
def test_metrics_of_up_to_20_statuses_in_one_call_a_deleted_one_left_out(adapter):
    # GET /api/v1/statuses?id[]=… (Mastodon 4.3+): an array of the statuses that exist
    # (docs.joinmastodon.org/methods/statuses/#index; the Status body is a recorded one)
    body = recorded("status_get.json") | {
        "favourites_count": 5,
        "reblogs_count": 2,
        "quotes_count": 1,
        "replies_count": 3,
    }
    route = respx.get(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(200, json=[body])
    )
    assert adapter.metrics_batch_size == 20  # Api::BaseController::DEFAULT_STATUSES_LIMIT
    out = adapter.fetch_metrics(account(), ["117020583223442465", "9"])
    assert route.call_count == 1
    assert route.calls[0].request.url.params.get_list("id[]") == ["117020583223442465", "9"]
    assert list(out) == ["117020583223442465"]
    m = out["117020583223442465"]
    assert (m.likes, m.shares, m.comments, m.impressions) == (5, 3, 3, None)


@respx.mock
def test_an_instance_before_4_3_is_asked_one_status_a_call(adapter):
    body = recorded("status_get.json") | {"favourites_count": 5}
    batch = respx.get(f"{INSTANCE}/api/v1/statuses").mock(
        return_value=httpx.Response(404, json=recorded("error_404.json"))
    )
    respx.get(f"{INSTANCE}/api/v1/statuses/117020583223442465").mock(
        return_value=httpx.Response(200, json=body)
    )
    respx.get(f"{INSTANCE}/api/v1/statuses/9").mock(
        return_value=httpx.Response(404, json=recorded("error_404.json"))
    )
    for _ in range(2):
        out = adapter.fetch_metrics(account(), ["117020583223442465", "9"])
        assert list(out) == ["117020583223442465"] and out["117020583223442465"].likes == 5
    assert batch.call_count == 1  # remembered: the second look-up goes one by one at once


def test_tokens_do_not_expire_so_refresh_keeps_them(adapter):
    acc = account()
    assert adapter.refresh(acc) is acc.credentials


def test_an_account_without_an_instance_is_told_to_reconnect(adapter):
    from dataclasses import replace

    with pytest.raises(PermanentError, match="connect it again"):
        adapter.publish(replace(account(), settings={}), "x", [], "k")


@respx.mock
def test_instance_limits_are_read_from_v2_instance(adapter):
    body = recorded("instance_v2.json")
    body["configuration"]["statuses"]["max_characters"] = 5000
    respx.get(f"{INSTANCE}/api/v2/instance").mock(return_value=httpx.Response(200, json=body))
    assert adapter.instance_limits(account()) == {
        "max_length": 5000,
        "url_length": 23,
        "max_media": 4,
        "image_max_bytes": 16777216,
        "video_max_bytes": 103809024,
        "description_limit": 10000,
    }
