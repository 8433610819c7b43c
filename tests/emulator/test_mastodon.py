"""The emulated Mastodon instance: app registration, OAuth with PKCE, statuses with an
Idempotency-Key honoured for an hour of emulator time, media processing (202, 206, 200),
metrics and the account's own statuses."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

REDIRECT = "http://127.0.0.1:8771/callback"
VERIFIER = "v" * 64


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def register(client: httpx.Client, scopes: str = "read:statuses write:statuses write:media"):
    r = client.post(
        "/mastodon/api/v1/apps",
        json={"client_name": "Herald", "redirect_uris": REDIRECT, "scopes": scopes},
    )
    assert r.status_code == 200, r.text
    return r.json()


def sign_in(client: httpx.Client, app: dict, verifier: str = VERIFIER, scope: str = "") -> str:
    r = client.get(
        "/mastodon/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": REDIRECT,
            "scope": scope or "read:statuses write:statuses write:media",
            "state": "s1",
            "code_challenge": _challenge(VERIFIER),
            "code_challenge_method": "S256",
        },
    )
    assert r.status_code == 302
    query = parse_qs(urlsplit(r.headers["location"]).query)
    assert query["state"] == ["s1"]
    r = client.post(
        "/mastodon/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code_verifier": verifier,
        },
    )
    if r.status_code != 200:
        return ""
    return r.json()["access_token"]


@pytest.fixture
def token(client: httpx.Client) -> str:
    return sign_in(client, register(client))


def auth(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def test_registration_returns_a_confidential_client(client):
    app = register(client)
    assert app["client_id"] and app["client_secret"] and app["client_secret_expires_at"] == 0
    assert app["redirect_uris"] == [REDIRECT]
    assert app["scopes"] == ["read:statuses", "write:statuses", "write:media"]


def test_registration_refuses_a_remote_redirect(client):
    r = client.post(
        "/mastodon/api/v1/apps",
        json={"client_name": "Herald", "redirect_uris": "https://evil.example/cb"},
    )
    assert r.status_code == 422 and "Redirect URI" in r.json()["error"]


def test_a_wrong_pkce_verifier_is_refused(client):
    assert sign_in(client, register(client), verifier="w" * 64) == ""


def test_an_unregistered_redirect_or_a_wider_scope_is_refused(client):
    app = register(client, scopes="read:statuses")
    base = {"response_type": "code", "client_id": app["client_id"], "state": "s"}
    r = client.get(
        "/mastodon/oauth/authorize", params={**base, "redirect_uri": "http://127.0.0.1:9/cb"}
    )
    assert r.status_code == 400
    r = client.get(
        "/mastodon/oauth/authorize",
        params={**base, "redirect_uri": REDIRECT, "scope": "write:statuses"},
    )
    assert "error=invalid_scope" in r.headers["location"]


def test_an_unknown_client_gets_invalid_client(client):
    r = client.post(
        "/mastodon/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "nope", "client_secret": "x"},
    )
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_discovery_lists_s256_and_an_old_server_has_none(client, emu):
    r = client.get("/mastodon/.well-known/oauth-authorization-server")
    assert r.json()["code_challenge_methods_supported"] == ["S256"]
    emu.emulator.config.update(mastodon_pkce=0)
    assert client.get("/mastodon/.well-known/oauth-authorization-server").status_code == 404


def test_instance_reports_its_own_limit(client, emu):
    emu.emulator.config.update(mastodon_max_characters=5000)
    statuses = client.get("/mastodon/api/v2/instance").json()["configuration"]["statuses"]
    assert statuses == {
        "max_characters": 5000,
        "max_media_attachments": 4,
        "characters_reserved_per_url": 23,
    }


def test_idempotency_key_answers_the_same_status_for_an_hour(client, emu, token):
    first = client.post(
        "/mastodon/api/v1/statuses", json={"status": "Hello"}, headers=auth(token, "k1")
    )
    again = client.post(
        "/mastodon/api/v1/statuses", json={"status": "Hello"}, headers=auth(token, "k1")
    )
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    emu.advance(3601)
    later = client.post(
        "/mastodon/api/v1/statuses", json={"status": "Hello"}, headers=auth(token, "k1")
    )
    assert later.json()["id"] != first.json()["id"]
    assert sum(1 for p in emu.published() if p["platform"] == "MASTODON") == 2


def test_text_over_the_instance_limit_is_refused_with_mastodons_message(client, token):
    r = client.post("/mastodon/api/v1/statuses", json={"status": "x" * 501}, headers=auth(token))
    assert r.status_code == 422
    assert r.json() == {"error": "Validation failed: Text character limit of 500 exceeded"}
    link = "https://example.com/" + "a" * 600
    ok = client.post("/mastodon/api/v1/statuses", json={"status": link}, headers=auth(token))
    assert ok.status_code == 200  # a link counts 23


def test_video_is_processed_before_it_can_be_attached(client, emu, token):
    files = {"file": ("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4")}
    r = client.post(
        "/mastodon/api/v2/media", files=files, data={"description": "a clip"}, headers=auth(token)
    )
    assert r.status_code == 202 and r.json()["url"] is None
    media_id = r.json()["id"]
    assert client.get(f"/mastodon/api/v1/media/{media_id}", headers=auth(token)).status_code == 206
    early = client.post(
        "/mastodon/api/v1/statuses",
        json={"status": "v", "media_ids": [media_id]},
        headers=auth(token),
    )
    assert early.status_code == 422 and "finished processing" in early.json()["error"]
    emu.advance(5)
    done = client.get(f"/mastodon/api/v1/media/{media_id}", headers=auth(token))
    assert done.status_code == 200 and done.json()["url"]
    posted = client.post(
        "/mastodon/api/v1/statuses",
        json={"status": "v", "media_ids": [media_id]},
        headers=auth(token),
    )
    assert posted.json()["media_attachments"][0]["description"] == "a clip"


def test_an_image_is_ready_at_once(client, token):
    files = {"file": ("a.png", b"\x89PNG\r\n\x1a\n", "image/png")}
    r = client.post("/mastodon/api/v2/media", files=files, headers=auth(token))
    assert r.status_code == 200 and r.json()["url"]


def test_metrics_grow_and_the_account_lists_its_statuses(client, emu, token):
    me = client.get("/mastodon/api/v1/accounts/verify_credentials", headers=auth(token)).json()
    ids = [
        client.post(
            "/mastodon/api/v1/statuses", json={"status": f"n{i}"}, headers=auth(token)
        ).json()["id"]
        for i in range(3)
    ]
    listed = client.get(
        f"/mastodon/api/v1/accounts/{me['id']}/statuses", params={"limit": 2}, headers=auth(token)
    ).json()
    assert [s["id"] for s in listed] == ids[::-1][:2]
    older = client.get(
        f"/mastodon/api/v1/accounts/{me['id']}/statuses",
        params={"max_id": listed[-1]["id"]},
        headers=auth(token),
    ).json()
    assert [s["id"] for s in older] == ids[:1]
    emu.advance(48 * 3600)
    status = client.get(f"/mastodon/api/v1/statuses/{ids[0]}", headers=auth(token)).json()
    assert status["favourites_count"] > 0
    assert client.get("/mastodon/api/v1/statuses/1", headers=auth(token)).status_code == 404


def test_a_bad_token_and_a_missing_scope(client):
    app = register(client, scopes="read:statuses")
    token = sign_in(client, app, scope="read:statuses")
    r = client.post("/mastodon/api/v1/statuses", json={"status": "x"}, headers=auth(token))
    assert r.status_code == 403
    r = client.get("/mastodon/api/v1/accounts/verify_credentials", headers=auth("nope"))
    assert r.status_code == 401 and r.json() == {"error": "The access token is invalid"}


def test_rate_limit_fault_carries_an_iso_reset(client, emu, token):
    emu.add_fault("mastodon", "publish", "429", count=1, reset_in=120)
    r = client.post("/mastodon/api/v1/statuses", json={"status": "x"}, headers=auth(token))
    assert r.status_code == 429 and r.headers["X-RateLimit-Reset"].endswith("Z")


def test_several_statuses_in_one_call_as_mastodon_4_3_answers(client, emu, token):
    # docs.joinmastodon.org/methods/statuses/#index: the ones that exist; more than 20 ids
    # is a 422 (Api::BaseController::DEFAULT_STATUSES_LIMIT)
    ids = [
        client.post(
            "/mastodon/api/v1/statuses", json={"status": f"Loaf {i}"}, headers=auth(token)
        ).json()["id"]
        for i in range(3)
    ]
    query = "&".join(f"id[]={i}" for i in [*ids, "999999"])
    r = client.get(f"/mastodon/api/v1/statuses?{query}", headers=auth(token))
    assert r.status_code == 200
    assert sorted(s["id"] for s in r.json()) == sorted(ids)
    assert all("favourites_count" in s for s in r.json())
    many = "&".join(f"id[]={i}" for i in range(1, 22))
    assert client.get(f"/mastodon/api/v1/statuses?{many}", headers=auth(token)).status_code == 422
    emu.emulator.config.update(mastodon_pkce=0)  # a 4.2 server has no such route
    assert client.get(f"/mastodon/api/v1/statuses?{query}", headers=auth(token)).status_code == 404
