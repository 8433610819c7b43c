"""Video, carousels and alt text per adapter against respx (issue 19): the requests each network
documents, in order, with the alt text and the order of the images as given.

Shapes: LinkedIn Videos API (learn.microsoft.com .../shares/videos-api), Images and Posts APIs;
X POST /2/media/metadata (xdevplatform/xdk specs/openapi.json); Instagram ig-user/media
(alt_text on image containers, caption on the CAROUSEL parent only, REELS with video_url and
status_code polled); Facebook /photos alt_text_custom with attached_media."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from app.core.ports import AccountRef, Credentials, MediaItem, PermanentError, TransientError
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter
from tests.adapters.conftest import make_image

LI = "https://api.linkedin.com"
PERSON = "urn:li:person:8675309"
VIDEO_URN = "urn:li:video:C5F10AQGKQg"


def li_account() -> AccountRef:
    return AccountRef(Platform.LINKEDIN, PERSON, "Pat", Credentials("li-token"))


def make_video(tmp_path, name="clip.mp4", size=10_000) -> MediaItem:
    data = (b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (size // 256 + 1))[:size]
    path = tmp_path / name
    path.write_bytes(data)
    return MediaItem(
        str(path), "video/mp4", size, hashlib.sha256(data).hexdigest(), 1080, 1920, 20.0
    )


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


# ---------------------------------------------------------------- LinkedIn


def test_linkedin_video_initialize_parts_finalize_poll_then_post(
    mock, config, clock, client, tmp_path
):
    clip = make_video(tmp_path, size=10_000)
    parts = [(0, 5_999), (6_000, 9_999)]
    init = mock.post(f"{LI}/rest/videos", params={"action": "initializeUpload"}).respond(
        200,
        json={
            "value": {
                "uploadUrlsExpireAt": 1650567510704,
                "video": VIDEO_URN,
                "uploadInstructions": [
                    {
                        "uploadUrl": f"https://www.linkedin.com/dms-uploads/v/{i}",
                        "firstByte": a,
                        "lastByte": b,
                    }
                    for i, (a, b) in enumerate(parts)
                ],
                "uploadToken": "",
            }
        },
    )
    puts = [
        mock.put(f"https://www.linkedin.com/dms-uploads/v/{i}").respond(
            200, headers={"etag": f"e{i}"}
        )
        for i in range(2)
    ]
    final = mock.post(f"{LI}/rest/videos", params={"action": "finalizeUpload"}).respond(200)
    statuses = iter(["PROCESSING", "PROCESSING", "AVAILABLE"])
    status = mock.get(url__regex=rf"{LI}/rest/videos/urn%3Ali%3Avideo%3A.*").mock(
        side_effect=lambda req: httpx.Response(200, json={"status": next(statuses)})
    )
    post = mock.post(f"{LI}/rest/posts").respond(201, headers={"x-restli-id": "urn:li:share:1"})
    sleeps: list[float] = []
    adapter = LinkedInAdapter(config, clock, client, sleep=sleeps.append)

    result = adapter.publish(li_account(), "Our new oven", [clip], "k1")

    assert result.external_id == "urn:li:share:1"
    body = json.loads(init.calls[0].request.content)["initializeUploadRequest"]
    assert body == {
        "owner": PERSON,
        "fileSizeBytes": 10_000,
        "uploadCaptions": False,
        "uploadThumbnail": False,
    }
    data = Path(clip.path).read_bytes()
    assert [p.calls[0].request.content for p in puts] == [data[:6_000], data[6_000:]]
    assert json.loads(final.calls[0].request.content) == {
        "finalizeUploadRequest": {
            "video": VIDEO_URN,
            "uploadToken": "",
            "uploadedPartIds": ["e0", "e1"],
        }
    }
    assert status.call_count == 3 and sleeps == list(adapter.video_poll_delays[:2])
    assert json.loads(post.calls[0].request.content)["content"] == {"media": {"id": VIDEO_URN}}


def test_linkedin_video_processing_is_bounded_and_failure_is_permanent(
    mock, config, clock, client, tmp_path
):
    clip = make_video(tmp_path)
    mock.post(f"{LI}/rest/videos", params={"action": "initializeUpload"}).respond(
        200,
        json={
            "value": {
                "video": VIDEO_URN,
                "uploadInstructions": [
                    {
                        "uploadUrl": "https://www.linkedin.com/dms-uploads/v/0",
                        "firstByte": 0,
                        "lastByte": clip.bytes - 1,
                    }
                ],
            }
        },
    )
    mock.put("https://www.linkedin.com/dms-uploads/v/0").respond(200, headers={"etag": "e0"})
    mock.post(f"{LI}/rest/videos", params={"action": "finalizeUpload"}).respond(200)
    route = mock.get(url__regex=rf"{LI}/rest/videos/.*")
    posts = mock.post(f"{LI}/rest/posts").respond(201, headers={"x-restli-id": "urn:li:share:2"})
    sleeps: list[float] = []
    adapter = LinkedInAdapter(config, clock, client, sleep=sleeps.append)
    adapter.video_poll_delays = (1.0, 1.0, 1.0)

    route.respond(200, json={"status": "PROCESSING"})
    with pytest.raises(TransientError) as slow:
        adapter.publish(li_account(), "x", [clip], "k")
    assert slow.value.code == "video_processing_timeout" and sleeps == [1.0, 1.0, 1.0]

    route.respond(200, json={"status": "PROCESSING_FAILED"})
    with pytest.raises(PermanentError):
        adapter.publish(li_account(), "x", [clip], "k")
    assert not posts.called  # no post without a usable video


def test_linkedin_multi_image_keeps_order_and_alt_text(mock, config, clock, client, tmp_path):
    urns = iter(["urn:li:image:A", "urn:li:image:B", "urn:li:image:C"])

    def init(request):
        urn = next(urns)
        return httpx.Response(
            200,
            json={"value": {"uploadUrl": f"https://www.linkedin.com/dms/{urn[-1]}", "image": urn}},
        )

    mock.post(f"{LI}/rest/images", params={"action": "initializeUpload"}).mock(side_effect=init)
    mock.put(url__regex=r"https://www\.linkedin\.com/dms/.*").respond(201)
    post = mock.post(f"{LI}/rest/posts").respond(201, headers={"x-restli-id": "urn:li:share:3"})
    images = [
        make_image(tmp_path, "a.jpg"),
        replace_alt(make_image(tmp_path, "b.jpg"), None),
        replace_alt(make_image(tmp_path, "c.jpg"), "A croissant"),
    ]
    images[0] = replace_alt(images[0], "A baguette")
    LinkedInAdapter(config, clock, client).publish(li_account(), "Three", images, "k")
    assert json.loads(post.calls[0].request.content)["content"] == {
        "multiImage": {
            "images": [
                {"id": "urn:li:image:A", "altText": "A baguette"},
                {"id": "urn:li:image:B"},
                {"id": "urn:li:image:C", "altText": "A croissant"},
            ]
        }
    }


def replace_alt(item: MediaItem, alt: str | None) -> MediaItem:
    return replace(item, alt_text=alt)


# ---------------------------------------------------------------- X


def test_x_image_alt_text_goes_to_media_metadata_before_the_post(
    mock, config, clock, client, tmp_path
):
    x = AccountRef(Platform.TWITTER, "42", "@bakery", Credentials("x-token"))
    calls: list[str] = []

    def upload(request):
        calls.append("upload")
        return httpx.Response(200, json={"data": {"id": "7001", "media_key": "3_7001"}})

    def metadata(request):
        calls.append("metadata")
        assert json.loads(request.content) == {
            "id": "7001",
            "metadata": {"alt_text": {"text": "A tray of croissants"}},
        }
        return httpx.Response(200, json={"data": {"id": "7001", "associated_metadata": {}}})

    def tweet(request):
        calls.append("tweet")
        assert json.loads(request.content)["media"] == {"media_ids": ["7001"]}
        return httpx.Response(201, json={"data": {"id": "9001", "text": "hi"}})

    mock.post("https://api.x.com/2/media/upload").mock(side_effect=upload)
    mock.post("https://api.x.com/2/media/metadata").mock(side_effect=metadata)
    mock.post("https://api.x.com/2/tweets").mock(side_effect=tweet)
    image = replace_alt(make_image(tmp_path, "c.jpg"), "A tray of croissants")
    TwitterAdapter(config, clock, client).publish(x, "hi", [image], "k")
    assert calls == ["upload", "metadata", "tweet"]


# ---------------------------------------------------------------- Instagram

IG = "https://graph.instagram.com/v25.0"


def test_instagram_carousel_alt_text_on_images_caption_on_parent_only(
    mock, config, clock, client, tmp_path
):
    ig = AccountRef(Platform.INSTAGRAM, "1784", "@bakery", Credentials("ig-token"))
    created: list[dict[str, str]] = []

    def create(request):
        created.append(form(request))
        return httpx.Response(200, json={"id": f"c{len(created)}"})

    mock.get(f"{IG}/1784/content_publishing_limit").respond(
        200,
        json={"data": [{"quota_usage": 1, "config": {"quota_total": 50, "quota_duration": 86400}}]},
    )
    mock.post(f"{IG}/1784/media").mock(side_effect=create)
    polls = {"n": 0}

    def status(request):
        polls["n"] += 1
        return httpx.Response(
            200, json={"status_code": "IN_PROGRESS" if polls["n"] == 2 else "FINISHED"}
        )

    mock.get(url__regex=rf"{IG}/c\d+").mock(side_effect=status)
    publish = mock.post(f"{IG}/1784/media_publish").respond(200, json={"id": "m1"})
    sleeps: list[float] = []
    items = [
        replace(
            make_image(tmp_path, "a.jpg"), public_url="https://cdn.example/a.jpg", alt_text="Loaf"
        ),
        replace(make_video(tmp_path), public_url="https://cdn.example/v.mp4"),
        replace(make_image(tmp_path, "b.jpg"), public_url="https://cdn.example/b.jpg"),
    ]
    InstagramAdapter(config, clock, client, sleep=sleeps.append).publish(ig, "Our week", items, "k")
    children, parent = created[:3], created[3]
    assert children[0] == {
        "image_url": "https://cdn.example/a.jpg",
        "alt_text": "Loaf",
        "is_carousel_item": "true",
    }
    assert children[1] == {
        "media_type": "VIDEO",
        "video_url": "https://cdn.example/v.mp4",
        "is_carousel_item": "true",
    }
    assert children[2] == {"image_url": "https://cdn.example/b.jpg", "is_carousel_item": "true"}
    assert parent == {"media_type": "CAROUSEL", "children": "c1,c2,c3", "caption": "Our week"}
    assert sleeps  # a child was IN_PROGRESS: waited with the injected sleep
    assert (
        form(publish.calls[0].request) == {}
        or publish.calls[0].request.url.params["creation_id"] == "c4"
    )


def test_instagram_reels_polls_until_finished_then_publishes(mock, config, clock, client, tmp_path):
    ig = AccountRef(Platform.INSTAGRAM, "1784", "@bakery", Credentials("ig-token"))
    mock.get(f"{IG}/1784/content_publishing_limit").respond(200, json={"data": []})
    create = mock.post(f"{IG}/1784/media").respond(200, json={"id": "r1"})
    codes = iter(["IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "FINISHED"])
    mock.get(f"{IG}/r1").mock(
        side_effect=lambda r: httpx.Response(200, json={"status_code": next(codes)})
    )
    publish = mock.post(f"{IG}/1784/media_publish").respond(200, json={"id": "reel1"})
    sleeps: list[float] = []
    reel = replace(make_video(tmp_path), public_url="https://cdn.example/v.mp4", alt_text="ignored")
    result = InstagramAdapter(config, clock, client, sleep=sleeps.append).publish(
        ig, "Reel", [reel], "k"
    )
    assert result.external_id == "reel1"
    assert form(create.calls[0].request) == {
        "media_type": "REELS",
        "video_url": "https://cdn.example/v.mp4",
        "caption": "Reel",
    }
    assert sleeps == list(config.ig_poll_delays[:3])
    assert publish.calls[0].request.url.params["creation_id"] == "r1"


# ---------------------------------------------------------------- Facebook

FB = "https://graph.facebook.com/v25.0"


def test_facebook_photos_carry_alt_text_custom_in_order(mock, config, clock, client, tmp_path):
    page = AccountRef(Platform.FACEBOOK, "555", "Bakery", Credentials("page-token"))
    sent: list[dict[str, str]] = []

    def photo(request):
        sent.append(form(request))
        return httpx.Response(200, json={"id": f"p{len(sent)}"})

    mock.post(f"{FB}/555/photos").mock(side_effect=photo)
    feed = mock.post(f"{FB}/555/feed").respond(200, json={"id": "555_1"})
    items = [
        replace(
            make_image(tmp_path, "a.jpg"), public_url="https://cdn.example/a.jpg", alt_text="Loaf"
        ),
        replace(make_image(tmp_path, "b.jpg"), public_url="https://cdn.example/b.jpg"),
    ]
    FacebookAdapter(config, clock, client).publish(page, "Two", items, "k")
    assert sent == [
        {"published": "false", "alt_text_custom": "Loaf", "url": "https://cdn.example/a.jpg"},
        {"published": "false", "url": "https://cdn.example/b.jpg"},
    ]
    fields = form(feed.calls[0].request)
    assert [json.loads(fields[f"attached_media[{i}]"]) for i in range(2)] == [
        {"media_fbid": "p1"},
        {"media_fbid": "p2"},
    ]
