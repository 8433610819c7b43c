"""Mastodon held to real responses: bodies Mastodon.py's test suite recorded against a real
Mastodon 4.6 server (tests/contract/recorded/mastodon/, provenance in SOURCES.md).

1. The emulator's answer to the same request has the recording's shape: every field it
   serves is in the recording with the same JSON type (it may leave out fields Herald never
   reads), and every field Herald reads is there.
2. Herald's adapter and connect code parse the recordings (respx replays them).
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.emulator import EmulatorServer
from app.platforms.mastodon import wire
from tests.contract.shapes import shape

RECORDED = Path(__file__).parent / "recorded" / "mastodon"
REDIRECT = "http://127.0.0.1:8771/callback"
VERIFIER = "x" * 64

#: what Herald reads from each body (dotted paths; [] for list items)
READS = {
    "app_register.json": ["client_id", "client_secret"],
    "oauth_token.json": ["access_token", "scope"],
    "oauth_authorization_server.json": ["code_challenge_methods_supported"],
    "verify_credentials.json": ["id", "username", "display_name"],
    "instance_v2.json": [
        "domain",
        "configuration.statuses.max_characters",
        "configuration.statuses.characters_reserved_per_url",
        "configuration.statuses.max_media_attachments",
        "configuration.media_attachments.image_size_limit",
        "configuration.media_attachments.video_size_limit",
        "configuration.media_attachments.description_limit",
    ],
    "status_post.json": ["id", "url", "content", "created_at"],
    "status_post_spoiler.json": ["id", "spoiler_text", "visibility"],
    "status_get.json": ["favourites_count", "reblogs_count", "replies_count", "quotes_count"],
    "account_statuses.json": ["[].id", "[].content", "[].created_at"],
    "media_post_202.json": ["id", "url"],
    "media_put_206.json": ["id", "url"],
    "media_get_200.json": ["id", "url"],
    "media_post_image_200.json": ["id", "url"],
    "error_422.json": ["error"],
    "error_401.json": ["error"],
    "error_404.json": ["error"],
}


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def served_differences(want: Any, got: Any, path: str = "") -> list[str]:
    """Fields `got` has that `want` (a recording's shape) lacks or types differently."""
    where = path or "<root>"
    if isinstance(got, dict):
        if not isinstance(want, dict):
            return [f"{where}: {want} in the recording, object served"]
        out = []
        for key, value in got.items():
            sub = f"{path}.{key}" if path else key
            if key not in want:
                out.append(f"{sub}: not in the recording")
            else:
                out += served_differences(want[key], value, sub)
        return out
    if isinstance(got, list):
        if not isinstance(want, list):
            return [f"{where}: {want} in the recording, array served"]
        if not got or not want:
            return []
        return served_differences(want[0], got[0], f"{path}[]")
    if got != want and "null" not in (got, want):  # a null is any type's absence
        return [f"{where}: {want} in the recording, {got} served"]
    return []


def has_path(body: Any, path: str) -> bool:
    node = body
    for part in path.replace("[]", ".[]").strip(".").split("."):
        if part == "[]":
            if not isinstance(node, list) or not node:
                return False
            node = node[0]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


@pytest.fixture(scope="module")
def served() -> dict[str, Any]:
    """The emulator's answer to each recorded request."""
    out: dict[str, Any] = {}
    with EmulatorServer(port=0) as emu, httpx.Client(base_url=f"{emu.base_url}/mastodon") as c:
        app = c.post(
            "/api/v1/apps",
            json={"client_name": "Herald", "redirect_uris": REDIRECT, "scopes": "read write"},
        )
        out["app_register.json"] = app.json()
        out["oauth_authorization_server.json"] = c.get(
            "/.well-known/oauth-authorization-server"
        ).json()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest())
        location = c.get(
            "/oauth/authorize",
            params={
                "client_id": app.json()["client_id"],
                "redirect_uri": REDIRECT,
                "scope": "read write",
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256",
            },
        ).headers["location"]
        token = c.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": parse_qs(urlsplit(location).query)["code"][0],
                "redirect_uri": REDIRECT,
                "client_id": app.json()["client_id"],
                "client_secret": app.json()["client_secret"],
                "code_verifier": VERIFIER,
            },
        ).json()
        out["oauth_token.json"] = token
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        me = c.get("/api/v1/accounts/verify_credentials", headers=auth).json()
        out["verify_credentials.json"] = me
        out["instance_v2.json"] = c.get("/api/v2/instance").json()
        toot = {"status": "Toot!", "visibility": "unlisted", "language": "en"}
        out["status_post.json"] = c.post("/api/v1/statuses", json=toot, headers=auth).json()
        spoiler = {**toot, "spoiler_text": "Content warning"}
        out["status_post_spoiler.json"] = c.post(
            "/api/v1/statuses", json=spoiler, headers=auth
        ).json()
        status_id = out["status_post.json"]["id"]
        out["status_get.json"] = c.get(f"/api/v1/statuses/{status_id}", headers=auth).json()
        out["account_statuses.json"] = c.get(
            f"/api/v1/accounts/{me['id']}/statuses", params={"limit": 5}, headers=auth
        ).json()
        clip = {"file": ("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")}
        video = c.post("/api/v2/media", files=clip, data={"description": "cat"}, headers=auth)
        assert video.status_code == 202
        out["media_post_202.json"] = video.json()
        polled = c.get(f"/api/v1/media/{video.json()['id']}", headers=auth)
        assert polled.status_code == 206
        out["media_put_206.json"] = polled.json()
        emu.advance(60)
        out["media_get_200.json"] = c.get(
            f"/api/v1/media/{video.json()['id']}", headers=auth
        ).json()
        image = {"file": ("a.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")}
        out["media_post_image_200.json"] = c.post("/api/v2/media", files=image, headers=auth).json()
        with_media = {"status": "LOL", "media_ids": [video.json()["id"]], "language": "en"}
        out["status_post_with_media.json"] = c.post(
            "/api/v1/statuses", json=with_media, headers=auth
        ).json()
        out["error_422.json"] = c.post(
            "/api/v1/statuses", json={"status": "x" * 501}, headers=auth
        ).json()
        out["error_401.json"] = c.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": "Bearer nope"}
        ).json()
        out["error_404.json"] = c.get("/api/v1/statuses/1", headers=auth).json()
    return out


FILES = sorted(p.name for p in RECORDED.glob("*.json"))


def test_every_recording_is_compared():
    assert len(FILES) >= 12
    assert set(FILES) <= set(READS) | {"status_post_with_media.json"}


@pytest.mark.parametrize("name", FILES)
def test_the_emulator_serves_the_recordings_shape(served, name):
    body = served[name]
    assert served_differences(shape(recorded(name)), shape(body)) == []
    for path in READS.get(name, []):
        assert has_path(recorded(name), path), f"{name}: the recording has no {path}"
        assert has_path(body, path), f"{name}: the emulator serves no {path}"


def test_the_adapter_reads_the_recorded_instance_limits():
    assert wire.limits_of(recorded("instance_v2.json")) == {
        "max_length": 500,
        "url_length": 23,
        "max_media": 4,
        "image_max_bytes": 16777216,
        "video_max_bytes": 103809024,
        "description_limit": 10000,
    }


def test_the_adapter_reads_recorded_statuses():
    m = wire.metrics_of(recorded("status_get.json"))
    assert (m.likes, m.shares, m.comments, m.impressions) == (0, 0, 0, None)
    texts = [wire.plain_text(s["content"]) for s in recorded("account_statuses.json")]
    assert texts[0] == "Toot number 9!"
