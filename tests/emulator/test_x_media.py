"""The emulator's X media upload as X's OpenAPI (v2.167) has it: video and GIF only in chunks,
processed on the emulator's clock before a post may use them; and the timeline's time window."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import bearer, jpeg, x_login

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 1000
GIF = b"GIF89a" + b"\x02" * 500


@pytest.fixture
def xh(client: httpx.Client) -> dict[str, str]:
    return bearer(x_login(client)["access_token"])


def chunked(
    client: httpx.Client,
    xh: dict[str, str],
    data: bytes,
    media_type: str,
    category: str,
    size: int = 400,
) -> dict[str, Any]:
    init = client.post(
        "/x/2/media/upload/initialize",
        json={"media_type": media_type, "total_bytes": len(data), "media_category": category},
        headers=xh,
    )
    assert init.status_code == 200, init.text
    media_id = init.json()["data"]["id"]
    for index, start in enumerate(range(0, len(data), size)):
        part = client.post(
            f"/x/2/media/upload/{media_id}/append",
            data={"segment_index": str(index)},
            files={"media": ("blob", data[start : start + size], "application/octet-stream")},
            headers=xh,
        )
        assert part.status_code == 200, part.text
        assert part.json()["data"]["expires_at"] > 0
    done = client.post(f"/x/2/media/upload/{media_id}/finalize", headers=xh)
    assert done.status_code == 200, done.text
    return dict(done.json()["data"])


def status(client: httpx.Client, xh: dict[str, str], media_id: str) -> dict[str, Any]:
    resp = client.get(
        "/x/2/media/upload", params={"command": "STATUS", "media_id": media_id}, headers=xh
    )
    assert resp.status_code == 200, resp.text
    return dict(resp.json()["data"]["processing_info"])


@pytest.mark.parametrize(
    ("data", "category"),
    [(VIDEO, "tweet_video"), (GIF, "tweet_gif"), (VIDEO, "tweet_image")],
    ids=["video", "gif", "video-called-image"],
)
def test_one_shot_upload_of_video_or_gif_is_refused(
    client: httpx.Client, xh: dict[str, str], data: bytes, category: str
) -> None:
    resp = client.post(
        "/x/2/media/upload",
        data={"media_category": category},
        files={"media": ("clip", data, "application/octet-stream")},
        headers=xh,
    )
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["title"] == "Invalid Request"
    assert body["type"].endswith("/2/problems/invalid-request")
    assert "chunks" in body["errors"][0]["message"]


def test_video_is_processed_on_the_emulator_clock_before_a_post_may_use_it(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    emu.configure(x_media_processing_s=10, x_media_check_after_s=3)
    done = chunked(client, xh, VIDEO, "video/mp4", "tweet_video")
    media_id = done["id"]
    assert done["media_key"] == f"7_{media_id}"
    assert done["size"] == len(VIDEO)
    assert done["processing_info"] == {"state": "pending", "check_after_secs": 3}

    post = {"text": "too early", "media": {"media_ids": [media_id]}}
    assert client.post("/x/2/tweets", json=post, headers=xh).status_code == 400

    emu.advance(4)
    info = status(client, xh, media_id)
    assert info["state"] == "in_progress"
    assert info["check_after_secs"] == 3
    assert 0 < info["progress_percent"] < 100
    assert client.post("/x/2/tweets", json=post, headers=xh).status_code == 400

    emu.advance(5)  # 9 s: one second left, so X says to look again in 1 s
    assert status(client, xh, media_id)["check_after_secs"] == 1
    emu.advance(1)
    assert status(client, xh, media_id) == {"state": "succeeded", "progress_percent": 100}
    assert client.post("/x/2/tweets", json=post, headers=xh).status_code == 201


def test_gif_is_processed_too(emu: EmulatorServer, client: httpx.Client, xh: dict) -> None:
    done = chunked(client, xh, GIF, "image/gif", "tweet_gif")
    assert done["media_key"] == f"16_{done['id']}"
    assert done["processing_info"]["state"] == "pending"
    emu.advance(emu.emulator.config.x_media_processing_s)
    assert status(client, xh, done["id"])["state"] == "succeeded"


def test_bytes_that_are_no_video_fail_processing_with_x_message(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    done = chunked(client, xh, b"not a video at all" * 10, "video/mp4", "tweet_video")
    emu.advance(emu.emulator.config.x_media_processing_s)
    info = status(client, xh, done["id"])
    assert info["state"] == "failed"
    assert info["error"]["message"] == "Invalid or Unsupported media, Reason: UnsupportedMedia."
    post = {"text": "never", "media": {"media_ids": [done["id"]]}}
    assert client.post("/x/2/tweets", json=post, headers=xh).status_code == 400


def test_large_image_goes_in_chunks_and_needs_no_processing(
    client: httpx.Client, xh: dict[str, str]
) -> None:
    image = jpeg(64, 64)
    done = chunked(client, xh, image, "image/jpeg", "tweet_image", size=100)
    assert done["media_key"] == f"3_{done['id']}"
    assert "processing_info" not in done
    post = {"text": "picture", "media": {"media_ids": [done["id"]]}}
    assert client.post("/x/2/tweets", json=post, headers=xh).status_code == 201


def test_finalize_with_missing_bytes_or_twice_is_refused(
    client: httpx.Client, xh: dict[str, str]
) -> None:
    init = client.post(
        "/x/2/media/upload/initialize",
        json={"media_type": "video/mp4", "total_bytes": 5000, "media_category": "tweet_video"},
        headers=xh,
    ).json()["data"]
    client.post(
        f"/x/2/media/upload/{init['id']}/append",
        data={"segment_index": "0"},
        files={"media": ("blob", VIDEO, "application/octet-stream")},
        headers=xh,
    )
    short = client.post(f"/x/2/media/upload/{init['id']}/finalize", headers=xh)
    assert short.status_code == 400
    assert "total file size" in short.json()["errors"][0]["message"]
    assert client.post("/x/2/media/upload/999/finalize", headers=xh).status_code == 400


# ---------------------------------------------------------------------- timeline window
def test_timeline_honours_start_and_end_time(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    me = client.get("/x/2/users/me", headers=xh).json()["data"]["id"]
    for i in range(4):
        client.post("/x/2/tweets", json={"text": f"t{i}"}, headers=xh)
        emu.advance(60)
    emu.advance(-59.5)
    client.post("/x/2/tweets", json={"text": "half a second later"}, headers=xh)
    # posts at 14:00:00, 14:01:00, 14:02:00, 14:03:00 and 14:03:00.5. X's reference: both
    # bounds are inclusive, to the second ("12:00:01 includes the first second of the minute")
    resp = client.get(
        f"/x/2/users/{me}/tweets",
        params={
            "start_time": "2026-01-05T14:01:00Z",
            "end_time": "2026-01-05T14:03:00Z",
            "max_results": 5,
        },
        headers=xh,
    )
    assert [t["text"] for t in resp.json()["data"]] == ["half a second later", "t3", "t2", "t1"]


@pytest.mark.parametrize(
    "params",
    [
        {"start_time": "yesterday"},
        {"start_time": "2026-01-05T14:03:00Z", "end_time": "2026-01-05T14:01:00Z"},
    ],
    ids=["malformed", "start-after-end"],
)
def test_timeline_refuses_a_bad_window(
    client: httpx.Client, xh: dict[str, str], params: dict[str, str]
) -> None:
    me = client.get("/x/2/users/me", headers=xh).json()["data"]["id"]
    resp = client.get(f"/x/2/users/{me}/tweets", params=params, headers=xh)
    assert resp.status_code == 400
    assert "start_time" in resp.json()["errors"][0]["message"]


def test_processing_time_zero_makes_media_ready_at_finalize(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    # what app.testing's herald_emulator sets: a frozen test clock never finishes processing
    emu.configure(x_media_processing_s=0)
    done = chunked(client, xh, VIDEO, "video/mp4", "tweet_video")
    assert done["processing_info"] == {"state": "succeeded", "progress_percent": 100}
