"""Issue 19 on the emulator, through the testers' plugin (app/testing.py): one scheduled post
with a video and one carousel (with alt text) publish on every network that has each format
(video: X, Instagram Reels, Facebook, LinkedIn, Threads, Bluesky; carousels: Instagram,
LinkedIn, Facebook, Threads), exactly once, in the composer's order, the platform's ids
stored; LinkedIn video and Instagram Reels wait for processing on the emulator's clock (the
adapters' sleep moves that clock, nothing sleeps for real)."""

from __future__ import annotations

import struct
from datetime import datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from app import platforms
from app.core.enums import PostStatus
from app.core.models import Account, Target
from app.core.ports import AccountRef, MediaItem
from app.emulator import EmulatorServer
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform
from app.testing import advance
from tests.adapters.emu_support import connect_account, emulator_config
from tests.core.test_media import make_mp4, mvhd, trak

WHEN = datetime(2026, 1, 5, 10, 0)


def make_video(path: Path, seconds: float = 20) -> Path:
    make_mp4(path, movie_header=mvhd(1000, int(seconds * 1000)), tracks=trak(1080, 1920))
    with path.open("ab") as f:  # past LinkedIn's 75 KB floor
        f.write(struct.pack(">I4s", 8 + 90_000, b"free") + b"\0" * 90_000)
    return path


def make_photos(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        path = tmp_path / f"photo{i}.jpg"
        Image.new("RGB", (1080, 1080), (40 * i, 100, 200 - 20 * i)).save(path, "JPEG")
        paths.append(path)
    return paths


def networks_with(flag: str) -> list[str]:
    return [d.name for d in platforms.all_platforms() if getattr(d.formats, flag)]


def test_one_video_post_and_one_carousel_publish_once_everywhere_in_order(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine,
    tmp_path,
):  # fmt: skip
    ctx, ws = herald_context, herald_workspace
    video_nets, carousel_nets = networks_with("video"), networks_with("carousel")
    assert set(video_nets) >= {"TWITTER", "INSTAGRAM", "LINKEDIN", "FACEBOOK", "THREADS", "BLUESKY"}
    assert set(carousel_nets) >= {"INSTAGRAM", "LINKEDIN", "FACEBOOK", "THREADS"}
    by_net = {a.platform.value: a for a in herald_accounts}
    clip = make_video(tmp_path / "oven.mp4")
    photos = make_photos(tmp_path, 3)
    order = [photos[2], photos[0], photos[1]]  # the order the composer's strip left them in
    alts = ["Loaf two", "Loaf zero", "Loaf one"]

    video_post = ctx.posts.create(
        ws.id, "The new oven, in 20 seconds", [by_net[n].id for n in video_nets],
        media_paths=[clip], scheduled_local=WHEN, action="schedule",
    ).id  # fmt: skip
    carousel_post = ctx.posts.create(
        ws.id, "Three loaves", [by_net[n].id for n in carousel_nets],
        media_paths=order, media_alt_texts=alts, scheduled_local=WHEN, action="schedule",
    ).id  # fmt: skip
    assert herald_emulator.published() == []

    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()
    advance(herald_clock, herald_emulator, 3600)  # anything retried goes now, never twice
    herald_engine.run_until_idle()

    assert ctx.posts.get(video_post).status == PostStatus.PUBLISHED
    assert ctx.posts.get(carousel_post).status == PostStatus.PUBLISHED
    published = herald_emulator.published()
    videos = [p for p in published if p["text"] == "The new oven, in 20 seconds"]
    carousels = [p for p in published if p["text"] == "Three loaves"]
    assert sorted(p["platform"] for p in videos) == sorted(video_nets)  # once each
    assert sorted(p["platform"] for p in carousels) == sorted(carousel_nets)
    ids = stored_ids(ctx, carousel_post)
    video_ids = stored_ids(ctx, video_post)
    for post in videos:
        assert video_ids[post["platform"]] == post["external_id"]  # the platform's id is stored
    for post in carousels:
        assert ids[post["platform"]] == post["external_id"]  # the platform's id is stored
        assert len(post["media"]) == 3
        assert post["extra"]["alt_texts"] == alts, post["platform"]  # in the composer's order
    ig = next(p for p in carousels if p["platform"] == "INSTAGRAM")
    assert ig["extra"]["media_type"] == "CAROUSEL"
    reel = next(p for p in videos if p["platform"] == "INSTAGRAM")
    assert reel["extra"]["media_type"] == "REELS"
    li_video = next(p for p in videos if p["platform"] == "LINKEDIN")
    assert li_video["media"][0].startswith("urn:li:video:")
    threads_video = next(p for p in videos if p["platform"] == "THREADS")
    assert threads_video["extra"]["media_type"] == "VIDEO"
    threads_carousel = next(p for p in carousels if p["platform"] == "THREADS")
    assert threads_carousel["extra"]["media_type"] == "CAROUSEL_ALBUM"
    sky = next(p for p in videos if p["platform"] == "BLUESKY")
    embed = sky["extra"]["record"]["embed"]
    assert embed["$type"] == "app.bsky.embed.video"
    assert embed["video"]["mimeType"] == "video/mp4"
    assert embed["aspectRatio"] == {"width": 1080, "height": 1920}


def stored_ids(ctx, post_id: int) -> dict[str, str | None]:
    """platform -> the external id stored on the post's target there."""
    with ctx.db.session() as s:
        rows = s.execute(
            select(Account.platform, Target.external_id)
            .join(Account, Account.id == Target.account_id)
            .where(Target.post_id == post_id)
        ).all()
    return {str(platform): external_id for platform, external_id in rows}


def test_x_images_carry_alt_text_on_the_emulator(
    herald_context, herald_workspace, herald_accounts, herald_clock, herald_emulator, herald_engine,
    tmp_path,
):  # fmt: skip
    x = herald_accounts["x"]
    photos = make_photos(tmp_path, 2)
    herald_context.posts.create(
        herald_workspace.id, "Two loaves", [x.id], media_paths=photos,
        media_alt_texts=["Rye", "Spelt"], scheduled_local=WHEN, action="schedule",
    )  # fmt: skip
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()
    (tweet,) = herald_emulator.published()
    uploads = herald_emulator.emulator.state.uploads
    assert [uploads[m].extra.get("alt_text") for m in tweet["media"]] == ["Rye", "Spelt"]


def test_linkedin_video_waits_for_processing_on_the_emulator_clock(clock, tmp_path):
    with EmulatorServer(port=0, seed=0, now=clock.now, linkedin_video_processing_s=30) as emu:
        cfg = emulator_config(emu)
        account: AccountRef = connect_account(Platform.LINKEDIN, cfg, clock)
        waited: list[float] = []

        def sleep(seconds: float) -> None:  # the emulator's clock moves, nothing sleeps
            waited.append(seconds)
            advance(clock, emu, seconds)

        path = make_video(tmp_path / "v.mp4")
        item = MediaItem(str(path), "video/mp4", path.stat().st_size, "0" * 64, 1080, 1920, 20.0)
        with LinkedInAdapter(cfg, clock, sleep=sleep) as adapter:
            result = adapter.publish(account, "Video", [item], "k-video")
        assert sum(waited) >= 30  # PROCESSING until 30 s of the emulator's clock went by
        (post,) = emu.published()
        assert post["external_id"] == result.external_id
        assert post["media"][0].startswith("urn:li:video:")


def test_instagram_reel_waits_for_processing_on_the_emulator_clock(clock, tmp_path):
    from app.adapters.media_server import LoopbackMediaHost, MediaServer
    from app.platforms.instagram.adapter import InstagramAdapter

    with (
        EmulatorServer(port=0, seed=0, now=clock.now, ig_video_processing_s=45) as emu,
        MediaServer() as media,
    ):
        cfg = emulator_config(emu)
        account = connect_account(Platform.INSTAGRAM, cfg, clock)
        waited: list[float] = []

        def sleep(seconds: float) -> None:
            waited.append(seconds)
            advance(clock, emu, seconds)

        path = make_video(tmp_path / "reel.mp4")
        item = MediaItem(str(path), "video/mp4", path.stat().st_size, "0" * 64, 1080, 1920, 20.0)
        host = LoopbackMediaHost(media)
        with InstagramAdapter(cfg, clock, media_host=host, sleep=sleep) as adapter:
            result = adapter.publish(account, "Reel", [item], "k-reel")
        assert sum(waited) >= 45
        (post,) = emu.published()
        assert post["external_id"] == result.external_id
        assert post["extra"]["media_type"] == "REELS"
