"""Bluesky video (issue 19): one MP4 per post as `app.bsky.embed.video` {video blob, alt,
aspectRatio}. On the emulator, the video service's path: service-auth tokens from the PDS,
getUploadLimits, uploadVideo (its unwrapped job status), getJobStatus polled on the
emulator's clock until the blob is ready; the same video again is "already_exists" and its
earlier blob is used; a failed job and a spent daily limit are refused in words. The
PDS's own uploadBlob path is tested against the real reference PDS
(tests/integration/test_bluesky_real_pds.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.ports import MediaItem, PermanentError, RateLimitedError
from app.emulator import EmulatorServer
from app.platforms.bluesky import video
from app.platforms.bluesky.adapter import BlueskyAdapter, rkey_of
from app.platforms.names import Platform
from app.testing import advance
from tests.adapters.emu_support import connect_account, emulator_config
from tests.core.test_media_formats_emulator import make_video


@pytest.fixture
def emu(clock):
    with EmulatorServer(port=0, seed=0, now=clock.now, bluesky_video_processing_s=12) as server:
        yield server


@pytest.fixture
def setup(emu, clock):
    cfg = emulator_config(emu)
    account = connect_account(Platform.BLUESKY, cfg, clock)
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # the emulator's clock moves, nothing sleeps
        waited.append(seconds)
        advance(clock, emu, seconds)

    with BlueskyAdapter(cfg, clock, sleep=sleep) as adapter:
        yield adapter, account, waited


def clip(path: Path, alt: str | None = "A loaf coming out of the oven") -> MediaItem:
    make_video(path)
    return MediaItem(
        str(path), "video/mp4", path.stat().st_size, "ab" * 32, 1080, 1920, 20.0, alt_text=alt
    )


def test_a_video_post_goes_through_the_video_service(emu, setup, tmp_path):
    adapter, account, waited = setup
    result = adapter.publish(account, "The new oven", [clip(tmp_path / "oven.mp4")], "k-video")
    assert sum(waited) >= 12  # processing, on the emulator's clock
    (post,) = emu.published()
    assert post["external_id"] == result.external_id
    embed = post["extra"]["record"]["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["video"]["mimeType"] == "video/mp4"
    assert embed["alt"] == "A loaf coming out of the oven"
    assert embed["aspectRatio"] == {"width": 1080, "height": 1920}
    stored = adapter.get_record(account, rkey_of(result.external_id))
    assert stored is not None and stored["value"]["embed"]["video"] == embed["video"]


def test_the_same_video_again_reuses_the_processed_blob(emu, setup, tmp_path):
    adapter, account, waited = setup
    item = clip(tmp_path / "oven.mp4")
    adapter.publish(account, "First", [item], "k-1")
    waited.clear()
    adapter.publish(account, "Second", [item], "k-2")  # uploadVideo: 409 already_exists
    first, second = emu.published()
    assert first["extra"]["record"]["embed"]["video"] == second["extra"]["record"]["embed"]["video"]
    assert sum(waited) < 12  # no second processing


def test_a_failed_job_is_refused_in_words(setup, tmp_path):
    adapter, account, _ = setup
    path = tmp_path / "not-a-video.mp4"
    path.write_bytes(b"this is not an MP4 file at all")
    item = MediaItem(str(path), "video/mp4", path.stat().st_size, "cd" * 32, 640, 360, 3.0)
    with pytest.raises(PermanentError, match="Bluesky could not process the video: Failed"):
        adapter.publish(account, "Broken", [item], "k-bad")


def test_a_spent_daily_limit_waits_instead_of_failing(emu, setup, tmp_path, monkeypatch):
    adapter, account, _ = setup
    monkeypatch.setattr("app.emulator.bluesky.video.DAILY_VIDEOS", 0)
    with pytest.raises(RateLimitedError, match="daily video upload limit"):
        adapter.publish(account, "Too many", [clip(tmp_path / "v.mp4")], "k-limit")
    assert emu.published() == []


def test_bluesky_takes_mp4_only_and_one_video_alone(setup, tmp_path):
    adapter, account, _ = setup
    item = clip(tmp_path / "v.mp4")
    mov = MediaItem(item.path, "video/quicktime", item.bytes, item.sha256, 1080, 1920, 20.0)
    with pytest.raises(PermanentError, match="MP4 videos only"):
        adapter.publish(account, "MOV", [mov], "k-mov")
    with pytest.raises(PermanentError, match="up to 4 images, or one video"):
        adapter.publish(account, "Two", [item, item], "k-two")


def test_which_upload_path_an_account_takes(clock):
    from app.adapters.config import AdapterConfig
    from app.core.ports import AccountRef, Credentials

    def path_for(pds: str) -> str | None:
        ref = AccountRef(
            Platform.BLUESKY, "did:plc:x", "me", Credentials("t"), settings={"pds": pds}
        )
        with BlueskyAdapter(AdapterConfig.real(), clock) as adapter:
            return video._service(adapter, ref)

    assert path_for("https://bsky.social") == video.VIDEO_SERVICE
    assert path_for("https://morel.us-east.host.bsky.network") == video.VIDEO_SERVICE
    assert path_for("https://pds.example.org") is None  # a self-hosted PDS: uploadBlob
