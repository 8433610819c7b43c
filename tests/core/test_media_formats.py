"""The media inspector's post-format rules (issue 19): videos against each network's rules read
from real MP4 boxes, carousels against their most, alt text kept in order per post and refused
when the workspace requires it — each refusal in the network's own words."""

from __future__ import annotations

import struct
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.alt_text import AltTextPolicy
from app.core.constraints import validate
from app.core.engine.work import _media_of
from app.core.events import EventHub
from app.core.format_checks import clock as as_clock
from app.core.format_checks import span
from app.core.media import inspect_media
from app.core.models import PostMedia
from app.core.posts import PostService, SchedulingError
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.test_media import make_mp4, mvhd, trak
from tests.core.test_posts import add_account

WALL = datetime(2026, 1, 6, 10, 30)


def video(tmp_path, name: str, seconds: float, size=(1080, 1920), pad: int = 80 * 1024):
    """A real MP4 (moov/mvhd/tkhd boxes) of `seconds`, padded past LinkedIn's 75 KB floor."""
    path = make_mp4(
        tmp_path / name,
        movie_header=mvhd(timescale=1000, duration=int(seconds * 1000)),
        tracks=trak(*size),
    )
    with path.open("ab") as f:
        f.write(struct.pack(">I4s", 8 + pad, b"free") + b"\0" * pad)
    return path


def errors(platform, text, media):
    return [w.message for w in validate(platform, text, media) if w.severity == "error"]


# ---------------------------------------------------------------- videos


def test_reels_refuses_a_video_over_15_minutes_in_words(tmp_path):
    long = video(tmp_path, "tour.mp4", 16 * 60 + 4)
    assert inspect_media(long).duration_s == pytest.approx(964)
    assert errors(Platform.INSTAGRAM, "Tour", [long]) == [
        "Instagram Reels: videos up to 15 minutes; this one is 16:04."
    ]
    assert errors(Platform.INSTAGRAM, "Tour", [video(tmp_path, "ok.mp4", 14 * 60)]) == []


def test_each_network_judges_the_same_video_by_its_own_rules(tmp_path):
    clip = video(tmp_path, "clip.mp4", 150)  # 2:30
    assert errors(Platform.TWITTER, "x", [clip]) == [
        "X videos: videos up to 140 seconds; this one is 2:30."
    ]
    assert errors(Platform.LINKEDIN, "x", [clip]) == []
    assert errors(Platform.FACEBOOK, "x", [clip]) == []
    short = video(tmp_path, "blink.mp4", 2)
    assert errors(Platform.LINKEDIN, "x", [short])[0].startswith(
        "LinkedIn videos: videos of at least 3 seconds; this one is 2 seconds"
    )


def test_video_shape_and_container(tmp_path):
    strip = video(tmp_path, "strip.mp4", 10, size=(1920, 400))  # 4.8:1
    assert any("a shape between 1:3 and 3:1" in m for m in errors(Platform.TWITTER, "x", [strip]))
    mov = make_mp4(tmp_path / "clip.mov", brand=b"qt  ", movie_header=mvhd(1000, 10_000))
    assert inspect_media(mov).mime == "video/quicktime"
    assert any(
        m.startswith("LinkedIn videos: MP4 files only")
        for m in errors(Platform.LINKEDIN, "x", [mov])
    )
    assert errors(Platform.INSTAGRAM, "x", [mov]) == []


def test_limit_words():
    assert span(15 * 60) == "15 minutes"
    assert span(140) == "140 seconds"
    assert span(240 * 60) == "4 hours"
    assert as_clock(964) == "16:04" and as_clock(3723) == "1:02:03"


# ---------------------------------------------------------------- carousels


def test_carousel_of_11_is_refused_in_words(tmp_path):
    path = tmp_path / "p.jpg"
    Image.new("RGB", (1080, 1080), "red").save(path)
    assert errors(Platform.INSTAGRAM, "c", [path] * 10) == []
    assert errors(Platform.INSTAGRAM, "c", [path] * 11) == [
        "Instagram carousels hold at most 10 items; this post has 11."
    ]
    assert errors(Platform.LINKEDIN, "c", [path] * 20) == []
    assert errors(Platform.LINKEDIN, "c", [path] * 21) == [
        "LinkedIn carousels hold at most 20 items; this post has 21."
    ]


def test_linkedin_refuses_images_with_a_video(tmp_path):
    path = tmp_path / "p.jpg"
    Image.new("RGB", (1080, 1080), "red").save(path)
    found = errors(Platform.LINKEDIN, "x", [path, video(tmp_path, "v.mp4", 10)])
    assert found and "can't mix photos and videos" in found[0]


# ---------------------------------------------------------------- alt text through the service


@pytest.fixture
def service(db, clock):
    return PostService(db, clock, EventHub())


@pytest.fixture
def ws(db, clock) -> int:
    return WorkspaceService(db, clock).create("Bakery", "Europe/Paris").id


@pytest.fixture
def images(tmp_path):
    paths = []
    for i, colour in enumerate(("orange", "brown", "white")):
        path = tmp_path / f"bread{i}.jpg"
        Image.new("RGB", (1080, 1080), colour).save(path)
        paths.append(path)
    return paths


def test_alt_text_and_order_are_stored_and_reach_the_publisher(db, clock, service, ws, images):
    ig = add_account(db, clock, ws, Platform.INSTAGRAM, "@bakery")
    order = [images[2], images[0], images[1]]
    detail = service.create(
        ws,
        "Three loaves",
        [ig],
        media_paths=order,
        media_alt_texts=["White loaf", "  ", "Brown loaf"],
        scheduled_local=WALL,
        action="schedule",
    )
    assert [m.alt_text for m in detail.media] == ["White loaf", None, "Brown loaf"]
    assert [m.original_name for m in detail.media] == ["bread2.jpg", "bread0.jpg", "bread1.jpg"]
    with db.session() as s:
        items = _media_of(s, {detail.id})[detail.id]
        rows = s.scalars(select(PostMedia).order_by(PostMedia.position)).all()
    assert [i.alt_text for i in items] == ["White loaf", None, "Brown loaf"]
    assert [r.position for r in rows] == [0, 1, 2]


def test_required_alt_text_refuses_an_image_without_one(db, clock, service, ws, images):
    ig = add_account(db, clock, ws, Platform.INSTAGRAM, "@bakery")
    policy = AltTextPolicy(db)
    assert policy.is_required(ws) is False
    # Off: scheduling goes ahead (the composer only warns).
    service.create(ws, "a", [ig], media_paths=images[:2], scheduled_local=WALL, action="schedule")
    policy.set_required(ws, True)
    assert policy.is_required(ws) is True
    with pytest.raises(SchedulingError) as refused:
        service.create(
            ws,
            "b",
            [ig],
            media_paths=images[:2],
            media_alt_texts=["Orange loaf"],
            scheduled_local=WALL,
            action="schedule",
        )
    assert refused.value.messages == [
        "image 2 (bread1.jpg) has no alt text; this workspace requires alt text on every image "
        "(Instagram (@bakery)). Describe it in the media strip's alt text field."
    ]
    # A draft may still lack it; with every image described it schedules.
    service.create(ws, "c", [ig], media_paths=images[:2], action="draft")
    done = service.create(
        ws,
        "d",
        [ig],
        media_paths=images[:2],
        media_alt_texts=["Orange loaf", "Brown loaf"],
        scheduled_local=WALL,
        action="schedule",
    )
    assert [m.alt_text for m in done.media] == ["Orange loaf", "Brown loaf"]


def test_duplicate_keeps_alt_text(db, clock, service, ws, images):
    x = add_account(db, clock, ws)
    detail = service.create(
        ws, "a", [x], media_paths=images[:1], media_alt_texts=["Loaf"], action="draft"
    )
    assert [m.alt_text for m in service.duplicate(detail.id).media] == ["Loaf"]


def test_the_publish_path_checks_the_video_again(tmp_path):
    """At publish the engine asks the adapter's validate() with the stored MediaItem facts."""
    from app.adapters.config import AdapterConfig
    from app.core.clock import FakeClock
    from app.core.media import MediaInfo
    from app.platforms.instagram.adapter import InstagramAdapter

    info = inspect_media(video(tmp_path, "tour.mp4", 16 * 60 + 4))
    item = MediaInfo.to_media_item(info)
    with InstagramAdapter(AdapterConfig.real(), FakeClock()) as adapter:
        found = [w.message for w in adapter.validate("Tour", [item]) if w.severity == "error"]
    assert found == ["Instagram Reels: videos up to 15 minutes; this one is 16:04."]
