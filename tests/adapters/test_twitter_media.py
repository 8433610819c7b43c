"""X media upload against respx: video, GIF and large images go in chunks (initialize, append,
finalize) and wait for `processing_info` through the injected sleep; small images in one shot."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from app.core.ports import (
    AccountRef,
    AppCredentials,
    Credentials,
    MediaItem,
    PermanentError,
    TransientError,
)
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter
from app.platforms.twitter.media import MAX_PROCESSING_WAIT_S, ONE_SHOT_LIMIT

API = "https://api.x.com"
MEDIA_ID = "1912090619981471744"


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        platform=Platform.TWITTER,
        external_id="2244994945",
        handle="@herald",
        credentials=Credentials("x-access-token-abcdef123456", "x-refresh-token-1", None),
        app=AppCredentials("client-id", "client-secret"),
    )


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(config, clock, client, sleeps):
    return TwitterAdapter(config, clock, client, sleep=sleeps.append)


def media_file(tmp_path: Path, name: str, mime: str, data: bytes) -> MediaItem:
    path = tmp_path / name
    path.write_bytes(data)
    return MediaItem(str(path), mime, len(data), hashlib.sha256(data).hexdigest())


def video(tmp_path: Path, size: int = 10_000) -> MediaItem:
    data = (b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (size // 256 + 1))[:size]
    return media_file(tmp_path, "clip.mp4", "video/mp4", data)


def processing(state: str, **extra: int) -> dict:
    return {"data": {"id": MEDIA_ID, "processing_info": {"state": state, **extra}}}


def mock_chunked(mock, statuses: list[dict], finalize: dict | None = None):
    init = mock.post(f"{API}/2/media/upload/initialize").respond(
        200, json={"data": {"id": MEDIA_ID, "expires_after_secs": 86400}}
    )
    append = mock.post(f"{API}/2/media/upload/{MEDIA_ID}/append").respond(
        200, json={"data": {"expires_at": 1700000000}}
    )
    final = mock.post(f"{API}/2/media/upload/{MEDIA_ID}/finalize").respond(
        200, json=finalize or processing("pending", check_after_secs=5)
    )
    status = mock.get(f"{API}/2/media/upload").mock(
        side_effect=[httpx.Response(200, json=s) for s in statuses]
    )
    one_shot = mock.post(f"{API}/2/media/upload").respond(500)
    tweet = mock.post(f"{API}/2/tweets").respond(201, json={"data": {"id": "77", "text": "t"}})
    return init, append, final, status, one_shot, tweet


def test_video_is_chunked_then_waits_for_processing(adapter, account, mock, tmp_path, sleeps):
    item = video(tmp_path, 10_000)
    adapter.media_chunk_size = 4096
    init, append, final, status, one_shot, tweet = mock_chunked(
        mock,
        [
            processing("in_progress", check_after_secs=3, progress_percent=40),
            processing("in_progress", check_after_secs=1, progress_percent=90),
            processing("succeeded", progress_percent=100),
        ],
    )
    result = adapter.publish(account, "a video", [item], "idem-v")

    assert result.external_id == "77"
    assert not one_shot.called
    assert json.loads(init.calls[0].request.content) == {
        "media_type": "video/mp4",
        "total_bytes": 10_000,
        "media_category": "tweet_video",
    }
    bodies = [c.request.content for c in append.calls]
    assert len(bodies) == 3  # 4096 + 4096 + 1808
    for index, body in enumerate(bodies):
        assert f'name="segment_index"\r\n\r\n{index}\r\n'.encode() in body
    assert final.call_count == 1
    # X's check_after_secs, in order: finalize said 5, then 3, then 1.
    assert sleeps == [5, 3, 1]
    assert [dict(c.request.url.params) for c in status.calls] == [
        {"command": "STATUS", "media_id": MEDIA_ID}
    ] * 3
    assert json.loads(tweet.calls[0].request.content)["media"] == {"media_ids": [MEDIA_ID]}


def test_gif_is_chunked_with_the_gif_category(adapter, account, mock, tmp_path, sleeps):
    item = media_file(tmp_path, "a.gif", "image/gif", b"GIF89a" + b"\x00" * 300)
    init, append, *_ = mock_chunked(mock, [processing("succeeded")])
    adapter.publish(account, "a gif", [item], "idem-g")
    assert json.loads(init.calls[0].request.content)["media_category"] == "tweet_gif"
    assert append.call_count == 1
    assert sleeps == [5]


def test_image_over_the_one_shot_limit_is_chunked(adapter, account, mock, tmp_path, sleeps):
    path = tmp_path / "big.jpg"
    with path.open("wb") as f:
        f.write(b"\xff\xd8\xff")
        f.truncate(ONE_SHOT_LIMIT + 1)
    item = MediaItem(str(path), "image/jpeg", ONE_SHOT_LIMIT + 1, "0" * 64)
    init, append, final, status, one_shot, _ = mock_chunked(
        mock, [], finalize={"data": {"id": MEDIA_ID, "size": ONE_SHOT_LIMIT + 1}}
    )
    adapter.publish(account, "big picture", [item], "idem-i")
    assert json.loads(init.calls[0].request.content)["media_category"] == "tweet_image"
    assert append.call_count == 2  # 4 MiB chunks
    assert not one_shot.called and not status.called and sleeps == []


def test_failed_processing_is_permanent_with_x_message(adapter, account, mock, tmp_path):
    failed = processing("failed")
    failed["data"]["processing_info"]["error"] = {
        "code": 1,
        "name": "InvalidMedia",
        "message": "Invalid or Unsupported media, Reason: UnsupportedMedia.",
    }
    *_, tweet = mock_chunked(mock, [failed])
    with pytest.raises(PermanentError, match="Invalid or Unsupported media") as info:
        adapter.publish(account, "bad video", [video(tmp_path)], "idem-f")
    assert info.value.code == "media_failed"
    assert not tweet.called


def test_endless_processing_gives_up_for_now_without_posting(
    adapter, account, mock, tmp_path, sleeps
):
    endless = [processing("in_progress", check_after_secs=60)] * 20
    *_, tweet = mock_chunked(mock, endless, finalize=processing("pending", check_after_secs=60))
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "slow video", [video(tmp_path)], "idem-s")
    assert info.value.code == "media_processing"
    assert 0 < sum(sleeps) <= MAX_PROCESSING_WAIT_S
    assert not tweet.called


def test_small_image_goes_in_one_shot(adapter, account, mock, image):
    one_shot = mock.post(f"{API}/2/media/upload").respond(
        200, json={"data": {"id": "5", "media_key": "3_5", "size": image.bytes}}
    )
    init = mock.post(f"{API}/2/media/upload/initialize").respond(500)
    mock.post(f"{API}/2/tweets").respond(201, json={"data": {"id": "9", "text": "t"}})
    adapter.publish(account, "photo", [image], "idem-p")
    assert one_shot.call_count == 1 and not init.called
