"""Instagram over a real loopback socket: tokens, containers, publishing, limits, insights."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import (
    MP4,
    REDIRECT,
    MediaServer,
    ig_login,
    jpeg,
    pkce,
    png,
    redirect_params,
)

G = "/instagram/v25.0"


@pytest.fixture
def ig(client: httpx.Client) -> tuple[str, str]:
    return ig_login(client)


def _error(resp: httpx.Response) -> tuple[int, int | None]:
    err = resp.json()["error"]
    assert {"message", "type", "code", "is_transient", "fbtrace_id"} <= err.keys()
    return err["code"], err.get("error_subcode")


def _container(client: httpx.Client, ig: tuple[str, str], **params: Any) -> httpx.Response:
    token, uid = ig
    return client.post(f"{G}/{uid}/media", data={"access_token": token, **params})


def _status(client: httpx.Client, ig: tuple[str, str], cid: str) -> dict[str, Any]:
    params = {"fields": "status_code,status", "access_token": ig[0]}
    return client.get(f"{G}/{cid}", params=params).json()


def _publish(client: httpx.Client, ig: tuple[str, str], cid: str) -> httpx.Response:
    token, uid = ig
    return client.post(
        f"{G}/{uid}/media_publish", params={"creation_id": cid, "access_token": token}
    )


def _ready_container(
    client: httpx.Client, ig: tuple[str, str], media: MediaServer, caption: str = "cap"
) -> str:
    resp = _container(client, ig, image_url=media.url("sq.jpg", jpeg(1080, 1080)), caption=caption)
    assert resp.status_code == 200, resp.text
    cid = resp.json()["id"]
    while _status(client, ig, cid)["status_code"] != "FINISHED":
        pass
    return cid


# ---------------------------------------------------------------------- tokens
def test_login_exchange_and_me(client: httpx.Client) -> None:
    params = {"client_id": "a", "redirect_uri": REDIRECT, "state": "st", "response_type": "code"}
    got = redirect_params(client.get("/instagram/oauth/authorize", params=params))
    assert got["state"] == "st"
    form = {
        "client_id": "a",
        "client_secret": "b",
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": got["code"],
    }
    short = client.post("/instagram/oauth/access_token", data=form)
    assert short.status_code == 200
    # Business Login: the token, the user and the permissions granted (here: none asked)
    assert short.json().keys() == {"access_token", "user_id", "permissions"}
    long = client.get(
        "/instagram/access_token",
        params={
            "grant_type": "ig_exchange_token",
            "client_secret": "b",
            "access_token": short.json()["access_token"],
        },
    ).json()
    assert long["token_type"] == "bearer"
    assert long["expires_in"] == 5184000
    me = client.get(
        f"{G}/me",
        params={"fields": "user_id,username"},
        headers={"Authorization": f"Bearer {long['access_token']}"},
    ).json()
    assert me["username"] == "herald.demo"
    assert me["user_id"] == str(short.json()["user_id"])


def test_missing_secret_and_reused_code(client: httpx.Client) -> None:
    params = {"client_id": "a", "redirect_uri": REDIRECT, "state": "st"}
    code = redirect_params(client.get("/instagram/oauth/authorize", params=params))["code"]
    form = {
        "client_id": "a",
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    }
    resp = client.post("/instagram/oauth/access_token", data=form)
    assert resp.status_code == 400
    assert resp.json()["error_type"] == "OAuthException"
    form["client_secret"] = "s"
    assert client.post("/instagram/oauth/access_token", data=form).status_code == 200
    assert client.post("/instagram/oauth/access_token", data=form).status_code == 400


def test_pkce_checked_when_a_challenge_was_sent(client: httpx.Client) -> None:
    verifier, challenge = pkce()
    params = {
        "client_id": "a",
        "redirect_uri": REDIRECT,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    code = redirect_params(client.get("/instagram/oauth/authorize", params=params))["code"]
    form = {
        "client_id": "a",
        "client_secret": "s",
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
        "code_verifier": pkce()[0],
    }
    assert client.post("/instagram/oauth/access_token", data=form).status_code == 400
    form["code_verifier"] = verifier
    assert client.post("/instagram/oauth/access_token", data=form).status_code == 200


def test_refresh_needs_a_day_old_token(emu: EmulatorServer, client: httpx.Client) -> None:
    token, _ = ig_login(client)
    params = {"grant_type": "ig_refresh_token", "access_token": token}
    young = client.get("/instagram/refresh_access_token", params=params)
    assert young.status_code == 400
    emu.advance(86400)
    resp = client.get("/instagram/refresh_access_token", params=params)
    assert resp.status_code == 200
    body = resp.json()
    assert body["expires_in"] == 5184000
    assert body["access_token"] != token
    assert body["access_token"] in emu.issued_tokens()


def test_expired_and_invalid_tokens_get_190(emu: EmulatorServer, client: httpx.Client) -> None:
    token, uid = ig_login(client)
    emu.advance(5184000)
    resp = client.get(f"{G}/me", params={"access_token": token})
    assert resp.status_code == 400
    assert _error(resp) == (190, 463)
    assert "invalid_token" in resp.headers["www-authenticate"]
    assert _error(client.get(f"{G}/me", params={"access_token": "zzz"}))[0] == 190


def test_short_lived_token_lasts_an_hour(emu: EmulatorServer, client: httpx.Client) -> None:
    params = {"client_id": "a", "redirect_uri": REDIRECT}
    code = redirect_params(client.get("/instagram/oauth/authorize", params=params))["code"]
    form = {
        "client_id": "a",
        "client_secret": "s",
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
    }
    short = client.post("/instagram/oauth/access_token", data=form).json()["access_token"]
    emu.advance(3600)
    assert _error(client.get(f"{G}/me", params={"access_token": short})) == (190, 463)


# ---------------------------------------------------------------------- publishing
def test_container_then_publish(
    emu: EmulatorServer, client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    url = media.url("p.jpg", jpeg(1080, 1350))
    resp = _container(client, ig, image_url=url, caption="Hello IG #herald")
    assert resp.status_code == 200
    cid = resp.json()["id"]
    first = _status(client, ig, cid)
    assert first == {
        "id": cid,
        "status_code": "IN_PROGRESS",
        "status": "In Progress: Media is still being processed.",
    }
    early = _publish(client, ig, cid)
    assert early.status_code == 400
    assert _error(early) == (9007, 2207027)
    assert _status(client, ig, cid)["status_code"] == "FINISHED"
    done = _publish(client, ig, cid)
    assert done.status_code == 200
    media_id = done.json()["id"]
    assert _status(client, ig, cid)["status_code"] == "PUBLISHED"
    assert _error(_publish(client, ig, cid)) == (9007, 2207006)
    [post] = emu.published()
    assert post["platform"] == "INSTAGRAM"
    assert post["external_id"] == media_id
    assert post["text"] == "Hello IG #herald"
    assert post["media"] == [url]
    assert post["account"] == ig[1]


def test_container_polls_are_configurable(
    emu: EmulatorServer, client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    emu.configure(container_polls=3)
    cid = _container(client, ig, image_url=media.url("a.jpg", jpeg(400, 400))).json()["id"]
    codes = [_status(client, ig, cid)["status_code"] for _ in range(4)]
    assert codes == ["IN_PROGRESS"] * 3 + ["FINISHED"]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("tall.jpg", jpeg(1080, 2000), (36003, 2207009)),
        ("wide.jpg", jpeg(2000, 1000), (36003, 2207009)),
        ("image.png", png(500, 500), (9004, 2207052)),
        ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (8 * 1024 * 1024), (36000, 2207004)),
    ],
)
def test_image_checks(
    client: httpx.Client,
    ig: tuple[str, str],
    media: MediaServer,
    name: str,
    data: bytes,
    expected: tuple[int, int],
) -> None:
    resp = _container(client, ig, image_url=media.url(name, data))
    assert resp.status_code == 400
    assert _error(resp) == expected


def test_aspect_ratio_bounds_are_inclusive(
    client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    for w, h in ((1080, 1350), (1200, 628), (1080, 566)):
        assert (
            _container(client, ig, image_url=media.url(f"{w}.jpg", jpeg(w, h))).status_code == 200
        )


def test_unfetchable_urls(client: httpx.Client, ig: tuple[str, str], media: MediaServer) -> None:
    for url in (
        "https://example.com/a.jpg",
        f"{media.url('x', b'')}-missing",
        "http://127.0.0.1:1/a.jpg",
    ):
        resp = _container(client, ig, image_url=url)
        assert _error(resp) == (9004, 2207052), url


def test_caption_limits(client: httpx.Client, ig: tuple[str, str], media: MediaServer) -> None:
    url = media.url("c.jpg", jpeg(500, 500))
    assert _error(_container(client, ig, image_url=url, caption="x" * 2201)) == (36004, 2207010)
    tags = " ".join(f"@user{i}" for i in range(21))
    assert _error(_container(client, ig, image_url=url, caption=tags)) == (100, 2207040)


def test_json_body_and_bearer_are_accepted(
    client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    token, uid = ig
    resp = client.post(
        f"{G}/{uid}/media",
        json={"image_url": media.url("j.jpg", jpeg(300, 300)), "caption": "json"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 200


def test_other_users_id_is_refused(
    client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    token, _ = ig
    resp = client.post(
        f"{G}/17841499999999999/media", data={"access_token": token, "image_url": "x"}
    )
    assert _error(resp) == (100, 33)


def test_carousel(
    emu: EmulatorServer, client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    children = []
    for i in range(3):
        url = media.url(f"c{i}.jpg", jpeg(600, 600))
        children.append(_container(client, ig, image_url=url, is_carousel_item="true").json()["id"])
    resp = _container(
        client, ig, media_type="CAROUSEL", caption="three", children=",".join(children)
    )
    cid = resp.json()["id"]
    assert _status(client, ig, cid)["status_code"] == "IN_PROGRESS"
    assert _status(client, ig, cid)["status_code"] == "FINISHED"
    assert _publish(client, ig, cid).status_code == 200
    [post] = emu.published()
    assert len(post["media"]) == 3
    assert post["extra"]["media_type"] == "CAROUSEL"
    single = _container(client, ig, media_type="CAROUSEL", children=children[0])
    assert _error(single)[0] == 100


def test_reels_video_and_broken_video(
    client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    good = _container(client, ig, media_type="REELS", video_url=media.url("v.mp4", MP4)).json()[
        "id"
    ]
    _status(client, ig, good)
    assert _status(client, ig, good)["status_code"] == "FINISHED"
    bad = _container(client, ig, media_type="REELS", video_url=media.url("v.txt", b"not a video"))
    assert _status(client, ig, bad.json()["id"])["status_code"] == "ERROR"


def test_containers_expire_after_24h(
    emu: EmulatorServer, client: httpx.Client, media: MediaServer
) -> None:
    ig = ig_login(client)
    cid = _ready_container(client, ig, media)
    emu.advance(86400)
    assert _status(client, ig, cid)["status_code"] == "EXPIRED"
    assert _error(_publish(client, ig, cid)) == (-2, 2207020)


def test_publishing_limit_moving_window(
    emu: EmulatorServer, client: httpx.Client, media: MediaServer
) -> None:
    emu.configure(instagram_publishes_per_24h=2)
    ig = ig_login(client)
    token, uid = ig
    limit_url = f"{G}/{uid}/content_publishing_limit"
    params = {"fields": "quota_usage,config", "access_token": token}
    assert client.get(limit_url, params=params).json() == {
        "data": [{"quota_usage": 0, "config": {"quota_total": 2, "quota_duration": 86400}}]
    }
    for i in range(2):
        assert _publish(client, ig, _ready_container(client, ig, media, f"c{i}")).status_code == 200
        emu.advance(3600)
    assert client.get(limit_url, params=params).json()["data"][0]["quota_usage"] == 2
    third = _ready_container(client, ig, media, "c3")
    assert _error(_publish(client, ig, third)) == (9, 2207042)
    emu.advance(86400 - 2 * 3600)  # the first publish leaves the window
    assert client.get(limit_url, params=params).json()["data"][0]["quota_usage"] == 1
    assert _publish(client, ig, _ready_container(client, ig, media, "c4")).status_code == 200


def test_media_listing_for_reconciliation(
    emu: EmulatorServer, client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    ids = []
    for i in range(2):
        ids.append(_publish(client, ig, _ready_container(client, ig, media, f"m{i}")).json()["id"])
        emu.advance(60)
    token, uid = ig
    listing = client.get(
        f"{G}/{uid}/media", params={"fields": "id,caption,timestamp", "access_token": token}
    ).json()
    assert [m["id"] for m in listing["data"]] == ids[::-1]
    assert listing["data"][0] == {
        "id": ids[1],
        "caption": "m1",
        "timestamp": "2026-01-05T14:01:00+0000",
    }


def test_insights(
    emu: EmulatorServer, client: httpx.Client, ig: tuple[str, str], media: MediaServer
) -> None:
    media_id = _publish(client, ig, _ready_container(client, ig, media)).json()["id"]
    metrics = "reach,likes,comments,shares,saved,total_interactions,views"
    params = {"metric": metrics, "access_token": ig[0]}
    zero = client.get(f"{G}/{media_id}/insights", params=params).json()["data"]
    assert [d["name"] for d in zero] == metrics.split(",")
    assert all(d["values"] == [{"value": 0}] and d["period"] == "lifetime" for d in zero)
    emu.advance(2 * 86400)
    data = {
        d["name"]: d["values"][0]["value"]
        for d in client.get(f"{G}/{media_id}/insights", params=params).json()["data"]
    }
    assert data["views"] > data["reach"] > data["likes"] > 0
    assert (
        data["total_interactions"]
        == data["likes"] + data["comments"] + data["shares"] + data["saved"]
    )
    old = client.get(
        f"{G}/{media_id}/insights", params={"metric": "impressions", "access_token": ig[0]}
    )
    assert _error(old)[0] == 100
