"""Facebook Pages over a real loopback socket: Login, page tokens, posts, insights, throttling."""

from __future__ import annotations

import json

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import (
    MP4,
    REDIRECT,
    FacebookLogin,
    MediaServer,
    fb_login,
    ig_login,
    jpeg,
    redirect_params,
)

G = "/facebook/v25.0"


@pytest.fixture
def fb(client: httpx.Client) -> FacebookLogin:
    return fb_login(client)


def _error(resp: httpx.Response) -> tuple[int, int | None]:
    err = resp.json()["error"]
    assert {"message", "type", "code", "fbtrace_id"} <= err.keys()
    return err["code"], err.get("error_subcode")


def _feed(client: httpx.Client, fb: FacebookLogin, message: str, **extra: str) -> httpx.Response:
    return client.post(
        f"{G}/{fb.page_id}/feed", data={"message": message, "access_token": fb.page_token, **extra}
    )


def test_login_tokens_and_page_accounts(emu: EmulatorServer, client: httpx.Client) -> None:
    params = {"client_id": "app", "redirect_uri": REDIRECT, "state": "st8"}
    got = redirect_params(client.get(f"{G}/dialog/oauth", params=params))
    assert got["state"] == "st8"
    short = client.get(
        f"{G}/oauth/access_token", params={**params, "client_secret": "s", "code": got["code"]}
    ).json()
    assert short["token_type"] == "bearer"
    long = client.get(
        f"{G}/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": "app",
            "client_secret": "s",
            "fb_exchange_token": short["access_token"],
        },
    ).json()
    assert long["expires_in"] == 5183944
    accounts = client.get(f"{G}/me/accounts", params={"access_token": long["access_token"]})
    [page] = accounts.json()["data"]
    assert page["name"] == "Herald Demo Page"
    assert page["id"] == emu.users["facebook"]["page_id"]
    assert "CREATE_CONTENT" in page["tasks"]
    assert page["access_token"].startswith("emu-fb-pt-")
    # the page token of a long-lived user token does not expire
    emu.advance(400 * 86400)
    me = client.get(f"{G}/me", params={"access_token": page["access_token"]}).json()
    assert me == {"id": page["id"], "name": "Herald Demo Page"}


def test_code_errors(client: httpx.Client) -> None:
    params = {"client_id": "app", "redirect_uri": REDIRECT}
    code = redirect_params(client.get(f"{G}/dialog/oauth", params=params))["code"]
    wrong = {
        "client_id": "app",
        "redirect_uri": "http://127.0.0.1:1/x",
        "client_secret": "s",
        "code": code,
    }
    assert _error(client.get(f"{G}/oauth/access_token", params=wrong)) == (100, 36008)
    ok = {**params, "client_secret": "s", "code": code}
    assert client.get(f"{G}/oauth/access_token", params=ok).status_code == 200
    assert _error(client.get(f"{G}/oauth/access_token", params=ok)) == (100, 36009)
    assert (
        client.get(f"{G}/oauth/access_token", params={**ok, "client_secret": ""}).status_code == 400
    )


def test_feed_post_and_duplicate(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    resp = _feed(client, fb, "Hello Facebook", link="https://example.com/")
    assert resp.status_code == 200
    post_id = resp.json()["id"]
    assert post_id.startswith(f"{fb.page_id}_")
    dup = _feed(client, fb, "Hello Facebook", link="https://example.com/")
    assert dup.status_code == 400
    assert _error(dup) == (506, 1455006)
    assert dup.json()["error"]["message"] == "Duplicate status message"
    emu.advance(3600)
    assert _feed(client, fb, "Hello Facebook", link="https://example.com/").status_code == 200
    first = emu.published()[0]
    assert first["platform"] == "FACEBOOK"
    assert first["account"] == fb.page_id
    assert first["extra"]["link"] == "https://example.com/"


def test_feed_needs_a_page_token_and_content(client: httpx.Client, fb: FacebookLogin) -> None:
    user = client.post(
        f"{G}/{fb.page_id}/feed", data={"message": "m", "access_token": fb.user_token}
    )
    assert user.status_code == 403
    assert _error(user)[0] == 200
    assert _error(_feed(client, fb, ""))[0] == 100
    other_page = client.post(f"{G}/999/feed", data={"message": "m", "access_token": fb.page_token})
    assert _error(other_page) == (100, 33)
    assert _error(client.post(f"{G}/{fb.page_id}/feed", data={"message": "m"}))[0] == 104
    assert (
        _error(client.post(f"{G}/{fb.page_id}/feed", data={"message": "m", "access_token": "x"}))[0]
        == 190
    )


def test_photo_post(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin, media: MediaServer
) -> None:
    url = media.url("p.jpg", jpeg(800, 600))
    resp = client.post(
        f"{G}/{fb.page_id}/photos",
        data={"url": url, "message": "photo!", "access_token": fb.page_token},
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body.keys() == {"id", "post_id"}
    assert body["post_id"].startswith(f"{fb.page_id}_")
    [post] = emu.published()
    assert post["media"] == [url]
    assert post["external_id"] == body["post_id"]
    bad = client.post(
        f"{G}/{fb.page_id}/photos",
        data={"url": media.url("t.txt", b"text"), "access_token": fb.page_token},
    )
    assert _error(bad)[0] == 324
    upload = client.post(
        f"{G}/{fb.page_id}/photos",
        data={"caption": "multipart", "access_token": fb.page_token},
        files={"source": ("a.jpg", jpeg(10, 10), "image/jpeg")},
    )
    assert upload.status_code == 200


def test_feed_listing_post_fields_and_delete(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    ids = []
    for i in range(3):
        ids.append(_feed(client, fb, f"post {i}").json()["id"])
        emu.advance(60)
    listing = client.get(
        f"{G}/{fb.page_id}/feed",
        params={"fields": "id,message,created_time", "limit": 2, "access_token": fb.page_token},
    ).json()
    assert listing["data"] == [
        {"id": ids[2], "message": "post 2", "created_time": "2026-01-05T14:02:00+0000"},
        {"id": ids[1], "message": "post 1", "created_time": "2026-01-05T14:01:00+0000"},
    ]
    emu.advance(86400)
    one = client.get(
        f"{G}/{ids[0]}",
        params={
            "fields": "id,message,shares,comments.summary(true),reactions.summary(total_count)",
            "access_token": fb.page_token,
        },
    ).json()
    assert one["message"] == "post 0"
    assert one["shares"]["count"] >= 0
    assert one["reactions"]["summary"]["total_count"] > 0
    assert client.delete(f"{G}/{ids[0]}", params={"access_token": fb.page_token}).json() == {
        "success": True
    }
    assert _error(client.get(f"{G}/{ids[0]}", params={"access_token": fb.page_token})) == (100, 33)


def test_insights(emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin) -> None:
    post_id = _feed(client, fb, "insightful").json()["id"]
    emu.advance(86400)
    metrics = (
        "post_total_media_view_unique,post_media_view,post_clicks,post_reactions_by_type_total"
    )
    resp = client.get(
        f"{G}/{post_id}/insights", params={"metric": metrics, "access_token": fb.page_token}
    )
    assert resp.status_code == 200
    data = {d["name"]: d for d in resp.json()["data"]}
    assert list(data) == metrics.split(",")
    assert data["post_total_media_view_unique"]["period"] == "lifetime"
    assert data["post_total_media_view_unique"]["values"][0]["value"] > 0
    reactions = data["post_reactions_by_type_total"]["values"][0]["value"]
    assert set(reactions) >= {"like", "love"}


@pytest.mark.parametrize("retired", ["post_impressions", "post_impressions_unique"])
def test_retired_insights_metric_refuses_the_whole_request(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin, retired: str
) -> None:
    """As Graph since 2025-11-15: one retired name fails every metric in the request."""
    post_id = _feed(client, fb, "insightful").json()["id"]
    resp = client.get(
        f"{G}/{post_id}/insights",
        params={"metric": f"post_clicks,{retired}", "access_token": fb.page_token},
    )
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == 100 and error["type"] == "OAuthException"
    assert error["message"] == "(#100) The value must be a valid insights metric"
    assert set(error) == {"message", "type", "code", "fbtrace_id"}


def test_hourly_call_budget_throttles_with_code_32(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    emu.configure(facebook_calls_per_hour=3)
    for i in range(3):
        resp = _feed(client, fb, f"n{i}")
        assert resp.status_code == 200
        usage = json.loads(resp.headers["x-page-usage"])
        assert usage["call_count"] == round(100 * (i + 1) / 3)
    over = _feed(client, fb, "n3")
    assert _error(over) == (32, None)
    assert over.json()["error"]["is_transient"] is True
    buc = json.loads(over.headers["x-business-use-case-usage"])
    assert buc[fb.page_id][0]["estimated_time_to_regain_access"] == 60
    # user tokens have their own budget and get code 4
    for _ in range(3):
        client.get(f"{G}/me", params={"access_token": fb.user_token})
    assert _error(client.get(f"{G}/me", params={"access_token": fb.user_token}))[0] == 4
    emu.advance(3600)
    assert _feed(client, fb, "n3").status_code == 200


def test_unpublished_photos_attached_to_a_feed_post(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin, media: MediaServer
) -> None:
    photo_ids = []
    for i in range(2):
        resp = client.post(
            f"{G}/{fb.page_id}/photos",
            data={
                "url": media.url(f"m{i}.jpg", jpeg(640, 480)),
                "published": "false",
                "access_token": fb.page_token,
            },
        )
        assert resp.json().keys() == {"id"}
        photo_ids.append(resp.json()["id"])
    assert emu.published() == []
    fields = {
        f"attached_media[{i}]": json.dumps({"media_fbid": pid}) for i, pid in enumerate(photo_ids)
    }
    post = client.post(
        f"{G}/{fb.page_id}/feed", data={"message": "album", "access_token": fb.page_token, **fields}
    )
    assert post.status_code == 200
    [published] = emu.published()
    assert len(published["media"]) == 2
    again = client.post(
        f"{G}/{fb.page_id}/feed", data={"message": "again", "access_token": fb.page_token, **fields}
    )
    assert _error(again)[0] == 100  # attached photos are spent


def test_photo_hosting_feeds_instagram(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    """An unpublished page photo's CDN address is fetchable, e.g. as an Instagram image_url."""
    picture = jpeg(1080, 1080)
    resp = client.post(
        f"{G}/{fb.page_id}/photos",
        data={"published": "false", "temporary": "true", "access_token": fb.page_token},
        files={"source": ("p.jpg", picture, "image/jpeg")},
    )
    photo_id = resp.json()["id"]
    info = client.get(f"{G}/{photo_id}", params={"fields": "images", "access_token": fb.page_token})
    [image] = info.json()["images"]
    assert (image["width"], image["height"]) == (1080, 1080)
    assert client.get(image["source"]).content == picture
    token, uid = ig_login(client)
    container = client.post(
        f"/instagram/v25.0/{uid}/media", data={"image_url": image["source"], "access_token": token}
    )
    assert container.status_code == 200


def test_video_post(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin, media: MediaServer
) -> None:
    resp = client.post(
        f"{G}/{fb.page_id}/videos",
        data={
            "file_url": media.url("v.mp4", MP4),
            "description": "watch",
            "access_token": fb.page_token,
        },
    )
    assert resp.status_code == 200
    video_id = resp.json()["id"]
    assert emu.published()[0]["text"] == "watch"
    emu.advance(86400)
    post = client.get(
        f"{G}/{video_id}", params={"fields": "post_id", "access_token": fb.page_token}
    ).json()
    assert post == {"post_id": emu.published()[0]["external_id"], "id": video_id}
    insights = client.get(
        f"{G}/{post['post_id']}/insights",
        params={"metric": "post_media_view", "access_token": fb.page_token},
    )
    assert insights.json()["data"][0]["values"][0]["value"] > 0
    bad = client.post(
        f"{G}/{fb.page_id}/videos",
        data={"file_url": media.url("v.txt", b"nope"), "access_token": fb.page_token},
    )
    assert _error(bad)[0] == 351
