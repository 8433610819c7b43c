"""X API v2 over a real loopback socket: OAuth 2.0 + PKCE, posts, lookup, media, rate limits."""

from __future__ import annotations

import base64

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.helpers import (
    REDIRECT,
    bearer,
    jpeg,
    pkce,
    redirect_params,
    x_authorize,
    x_login,
)


def _token_form(code: str, verifier: str, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": "herald-x",
        **extra,
    }


# ---------------------------------------------------------------------- OAuth
def test_authorize_redirects_at_once_with_code_and_state(client: httpx.Client) -> None:
    verifier, challenge = pkce()
    resp = client.get(
        "/x/i/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "c",
            "redirect_uri": "http://127.0.0.1:53124/cb",
            "scope": "tweet.read",
            "state": "s-123",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert resp.status_code == 302
    assert resp.headers["location"].startswith("http://127.0.0.1:53124/cb?")
    params = redirect_params(resp)
    assert params["state"] == "s-123"
    assert params["code"].startswith("emu-x-code-")


@pytest.mark.parametrize(
    "uri", ["http://[::1]:1234/cb", "http://localhost:9/x", "http://127.0.0.1:65000/"]
)
def test_any_loopback_redirect_and_port_is_accepted(client: httpx.Client, uri: str) -> None:
    _, challenge = pkce()
    resp = client.get(
        "/x/i/oauth2/authorize",
        params={"client_id": "c", "redirect_uri": uri, "state": "s", "code_challenge": challenge},
    )
    assert resp.status_code == 302
    assert resp.headers["location"].startswith(uri)


@pytest.mark.parametrize(
    "uri", ["https://example.com/cb", "http://10.0.0.1:8765/cb", "http://127.0.0.1.nip.io/cb", ""]
)
def test_non_loopback_redirect_is_refused_without_redirecting(
    client: httpx.Client, uri: str
) -> None:
    _, challenge = pkce()
    resp = client.get(
        "/x/i/oauth2/authorize",
        params={"client_id": "c", "redirect_uri": uri, "state": "s", "code_challenge": challenge},
    )
    assert resp.status_code == 400
    assert "location" not in resp.headers


def test_x_requires_pkce(client: httpx.Client) -> None:
    resp = client.get(
        "/x/i/oauth2/authorize", params={"client_id": "c", "redirect_uri": REDIRECT, "state": "s"}
    )
    params = redirect_params(resp)
    assert params["error"] == "invalid_request"
    assert params["state"] == "s"


def test_code_exchange_gives_2h_token_and_refresh_token(client: httpx.Client) -> None:
    tokens = x_login(client)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 7200
    assert tokens["access_token"].startswith("emu-x-at-")
    assert tokens["refresh_token"].startswith("emu-x-rt-")
    me = client.get("/x/2/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["data"]["username"] == "herald_demo"


def test_wrong_pkce_verifier_is_refused(client: httpx.Client) -> None:
    code, _ = x_authorize(client)
    other_verifier, _ = pkce()
    resp = client.post("/x/2/oauth2/token", data=_token_form(code, other_verifier))
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_request"


def test_code_is_single_use_and_bound_to_redirect_uri(client: httpx.Client) -> None:
    code, verifier = x_authorize(client)
    bad = _token_form(code, verifier, redirect_uri="http://127.0.0.1:1/other")
    assert client.post("/x/2/oauth2/token", data=bad).status_code == 400
    assert client.post("/x/2/oauth2/token", data=_token_form(code, verifier)).status_code == 200
    assert client.post("/x/2/oauth2/token", data=_token_form(code, verifier)).status_code == 400


def test_code_expires(emu: EmulatorServer, client: httpx.Client) -> None:
    code, verifier = x_authorize(client)
    emu.advance(601)
    assert client.post("/x/2/oauth2/token", data=_token_form(code, verifier)).status_code == 400


def test_confidential_client_with_basic_auth(client: httpx.Client) -> None:
    code, verifier = x_authorize(client)
    form = _token_form(code, verifier)
    del form["client_id"]
    basic = base64.b64encode(b"herald-x:secret").decode()
    resp = client.post("/x/2/oauth2/token", data=form, headers={"Authorization": f"Basic {basic}"})
    assert resp.status_code == 200
    empty_secret = base64.b64encode(b"herald-x:").decode()
    code, verifier = x_authorize(client)
    resp = client.post(
        "/x/2/oauth2/token",
        data=_token_form(code, verifier),
        headers={"Authorization": f"Basic {empty_secret}"},
    )
    assert resp.status_code == 401


def test_no_refresh_token_without_offline_access(client: httpx.Client) -> None:
    tokens = x_login(client, scope="tweet.read tweet.write users.read")
    assert "refresh_token" not in tokens


def test_refresh_tokens_rotate_and_are_single_use(client: httpx.Client) -> None:
    tokens = x_login(client)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-x",
    }
    first = client.post("/x/2/oauth2/token", data=form)
    assert first.status_code == 200
    new = first.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]
    again = client.post("/x/2/oauth2/token", data=form)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_request",
        "error_description": "Value passed for the token was invalid.",
    }
    form["refresh_token"] = new["refresh_token"]
    assert client.post("/x/2/oauth2/token", data=form).status_code == 200


def test_access_token_expires_after_2_hours(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens = x_login(client)
    headers = bearer(tokens["access_token"])
    emu.advance(7199)
    assert client.get("/x/2/users/me", headers=headers).status_code == 200
    emu.advance(1)
    resp = client.get("/x/2/users/me", headers=headers)
    assert resp.status_code == 401
    assert resp.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-x",
    }
    fresh = client.post("/x/2/oauth2/token", data=form).json()
    assert client.get("/x/2/users/me", headers=bearer(fresh["access_token"])).status_code == 200


def test_revoked_tokens_are_refused(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens = x_login(client)
    assert emu.revoke_tokens("twitter", emu.users["twitter"]["id"]) == 2
    assert client.get("/x/2/users/me", headers=bearer(tokens["access_token"])).status_code == 401
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "herald-x",
    }
    assert client.post("/x/2/oauth2/token", data=form).status_code == 400


def test_login_hint_creates_another_user(emu: EmulatorServer, client: httpx.Client) -> None:
    tokens = x_login(client, login_hint="acme_corp")
    me = client.get("/x/2/users/me", headers=bearer(tokens["access_token"])).json()["data"]
    assert me["username"] == "acme_corp"
    assert me["id"] != emu.users["twitter"]["id"]
    assert {"acme_corp", "herald_demo"} <= {u["handle"] for u in emu.all_users()}


# ---------------------------------------------------------------------- posts
@pytest.fixture
def xh(client: httpx.Client) -> dict[str, str]:
    return bearer(x_login(client)["access_token"])


def test_post_returns_201_and_is_listed(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    resp = client.post(
        "/x/2/tweets", json={"text": "Hello from Herald"}, headers={**xh, "Idempotency-Key": "t-1"}
    )
    assert resp.status_code == 201
    data = resp.json()["data"]
    assert data["text"] == "Hello from Herald"
    assert data["id"].isdigit()
    assert int(resp.headers["x-rate-limit-limit"]) == 300
    assert int(resp.headers["x-rate-limit-remaining"]) == 299
    [post] = emu.published()
    assert post["platform"] == "TWITTER"
    assert post["external_id"] == data["id"]
    assert post["account"] == emu.users["twitter"]["id"]
    assert post["idempotency_key"] == "t-1"
    assert post["created_at"] == "2026-01-05T14:00:00.000Z"


def test_post_validation(client: httpx.Client, xh: dict[str, str]) -> None:
    assert client.post("/x/2/tweets", json={}, headers=xh).status_code == 400
    assert client.post("/x/2/tweets", content=b"nope", headers=xh).status_code == 400
    long = client.post("/x/2/tweets", json={"text": "a" * 281}, headers=xh)
    assert long.status_code == 400
    assert long.json()["title"] == "Invalid Request"
    url_text = "b" * 250 + " https://example.com/" + "x" * 60
    assert client.post("/x/2/tweets", json={"text": url_text}, headers=xh).status_code == 201


def test_duplicate_text_within_24h_is_forbidden(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    assert client.post("/x/2/tweets", json={"text": "same"}, headers=xh).status_code == 201
    dup = client.post("/x/2/tweets", json={"text": "same"}, headers=xh)
    assert dup.status_code == 403
    assert dup.json() == {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }
    assert "x-rate-limit-remaining" in dup.headers
    emu.advance(86400)
    fresh = bearer(x_login(client)["access_token"])
    assert client.post("/x/2/tweets", json={"text": "same"}, headers=fresh).status_code == 201


def test_lookup_returns_public_metrics_only_when_asked(
    client: httpx.Client, xh: dict[str, str]
) -> None:
    tweet_id = client.post("/x/2/tweets", json={"text": "m"}, headers=xh).json()["data"]["id"]
    plain = client.get("/x/2/tweets", params={"ids": tweet_id}, headers=xh).json()
    assert plain["data"][0].keys() == {"id", "text", "edit_history_tweet_ids"}
    rich = client.get(
        "/x/2/tweets",
        params={"ids": f"{tweet_id},42", "tweet.fields": "public_metrics,created_at,author_id"},
        headers=xh,
    )
    assert rich.status_code == 200
    item = rich.json()["data"][0]
    assert set(item["public_metrics"]) == {
        "like_count",
        "retweet_count",
        "repost_count",
        "reply_count",
        "quote_count",
        "bookmark_count",
        "impression_count",
    }
    assert item["created_at"] == "2026-01-05T14:00:00.000Z"
    [error] = rich.json()["errors"]
    assert error["resource_id"] == "42"
    assert error["title"] == "Not Found Error"


def test_lookup_accepts_1_to_100_ids(client: httpx.Client, xh: dict[str, str]) -> None:
    ids = ",".join(str(i) for i in range(1, 102))
    assert client.get("/x/2/tweets", params={"ids": ids}, headers=xh).status_code == 400
    ids = ",".join(str(i) for i in range(1, 101))
    assert client.get("/x/2/tweets", params={"ids": ids}, headers=xh).status_code == 200
    assert client.get("/x/2/tweets", params={"ids": ""}, headers=xh).status_code == 400


def test_delete(emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]) -> None:
    tweet_id = client.post("/x/2/tweets", json={"text": "bye"}, headers=xh).json()["data"]["id"]
    resp = client.delete(f"/x/2/tweets/{tweet_id}", headers=xh)
    assert resp.json() == {"data": {"deleted": True}}
    assert "errors" in client.get("/x/2/tweets", params={"ids": tweet_id}, headers=xh).json()
    assert client.delete(f"/x/2/tweets/{tweet_id}", headers=xh).status_code == 404
    assert emu.published()[0]["deleted"] is True


def test_user_timeline_for_reconciliation(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    ids = []
    for i in range(3):
        ids.append(
            client.post("/x/2/tweets", json={"text": f"t{i}"}, headers=xh).json()["data"]["id"]
        )
        emu.advance(600)
    user_id = emu.users["twitter"]["id"]
    resp = client.get(
        f"/x/2/users/{user_id}/tweets",
        params={
            "start_time": "2026-01-05T14:05:00Z",
            "max_results": 5,
            "tweet.fields": "created_at",
        },
        headers=xh,
    )
    body = resp.json()
    assert [t["id"] for t in body["data"]] == [ids[2], ids[1]]
    assert body["data"][0]["created_at"] == "2026-01-05T14:20:00.000Z"
    assert body["meta"] == {"result_count": 2, "newest_id": ids[2], "oldest_id": ids[1]}
    empty = client.get(
        f"/x/2/users/{user_id}/tweets", params={"start_time": "2027-01-01T00:00:00Z"}, headers=xh
    )
    assert empty.json() == {"meta": {"result_count": 0}}
    bad = client.get(f"/x/2/users/{user_id}/tweets", params={"max_results": 500}, headers=xh)
    assert bad.status_code == 400


# ---------------------------------------------------------------------- media
def test_media_upload_then_post_with_media(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    resp = client.post(
        "/x/2/media/upload",
        files={"media": ("a.jpg", jpeg(64, 64), "image/jpeg")},
        data={"media_category": "tweet_image"},
        headers=xh,
    )
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert data["expires_after_secs"] == 86400
    assert data["media_key"] == f"3_{data['id']}"
    post = client.post(
        "/x/2/tweets", json={"text": "pic", "media": {"media_ids": [data["id"]]}}, headers=xh
    )
    assert post.status_code == 201
    assert emu.published()[0]["media"] == [data["id"]]
    bad = client.post("/x/2/tweets", json={"text": "x", "media": {"media_ids": ["1"]}}, headers=xh)
    assert bad.status_code == 400


def test_uploaded_media_expires_after_a_day(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    files = {"media": ("a.jpg", jpeg(8, 8), "image/jpeg")}
    media_id = client.post("/x/2/media/upload", files=files, headers=xh).json()["data"]["id"]
    emu.advance(86400)
    headers = bearer(x_login(client)["access_token"])
    body = {"text": "late", "media": {"media_ids": [media_id]}}
    assert client.post("/x/2/tweets", json=body, headers=headers).status_code == 400


def test_chunked_media_upload(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    emu_processing_s = emu.emulator.config.x_media_processing_s
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 1000
    init = client.post(
        "/x/2/media/upload",
        data={"command": "INIT", "total_bytes": str(len(video)), "media_type": "video/mp4"},
        headers=xh,
    ).json()["data"]
    for index, start in enumerate(range(0, len(video), 400)):
        part = client.post(
            "/x/2/media/upload",
            data={"command": "APPEND", "media_id": init["id"], "segment_index": str(index)},
            files={"media": ("blob", video[start : start + 400], "application/octet-stream")},
            headers=xh,
        )
        assert part.status_code == 204
    done = client.post(
        "/x/2/media/upload", data={"command": "FINALIZE", "media_id": init["id"]}, headers=xh
    ).json()["data"]
    assert done["size"] == len(video)
    # Video is processed on the emulator's clock before a post may use it.
    assert done["processing_info"]["state"] == "pending"
    assert done["processing_info"]["check_after_secs"] >= 1
    emu.advance(emu_processing_s)
    status = client.post(
        "/x/2/media/upload", data={"command": "STATUS", "media_id": init["id"]}, headers=xh
    ).json()["data"]
    assert status["processing_info"]["state"] == "succeeded"


def test_media_upload_rejects_garbage(client: httpx.Client, xh: dict[str, str]) -> None:
    files = {"media": ("a.txt", b"hello", "text/plain")}
    assert client.post("/x/2/media/upload", files=files, headers=xh).status_code == 400


# ---------------------------------------------------------------------- rate limits
def test_rate_limit_headers_and_429_with_reset(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    emu.configure(x_posts_limit=3)
    window_end = int(emu.now().timestamp()) + 900
    for i in range(3):
        resp = client.post("/x/2/tweets", json={"text": f"r{i}"}, headers=xh)
        assert resp.status_code == 201
        assert resp.headers["x-rate-limit-remaining"] == str(2 - i)
        assert resp.headers["x-rate-limit-reset"] == str(window_end)
    emu.advance(60)
    over = client.post("/x/2/tweets", json={"text": "r3"}, headers=xh)
    assert over.status_code == 429
    assert over.json() == {
        "title": "Too Many Requests",
        "detail": "Too Many Requests",
        "type": "about:blank",
        "status": 429,
    }
    assert over.headers["x-rate-limit-limit"] == "3"
    assert over.headers["x-rate-limit-remaining"] == "0"
    assert over.headers["x-rate-limit-reset"] == str(window_end)
    # reads have their own bucket
    assert client.get("/x/2/users/me", headers=xh).status_code == 200
    emu.set_clock(emu.now().fromtimestamp(window_end, emu.now().tzinfo))
    assert client.post("/x/2/tweets", json={"text": "r3"}, headers=xh).status_code == 201


def test_limits_are_per_user(emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]) -> None:
    emu.configure(x_posts_limit=1)
    assert client.post("/x/2/tweets", json={"text": "a"}, headers=xh).status_code == 201
    assert client.post("/x/2/tweets", json={"text": "b"}, headers=xh).status_code == 429
    other = bearer(x_login(client, login_hint="other_user")["access_token"])
    assert client.post("/x/2/tweets", json={"text": "b"}, headers=other).status_code == 201


def test_the_emulator_counts_the_calls_it_refused_for_a_spent_quota(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    """bench-scale reports these: a client that keeps its budgets exactly causes none."""
    emu.configure(x_posts_limit=2)
    assert emu.rate_limited() == {}
    for i in range(2):
        assert client.post("/x/2/tweets", json={"text": f"q{i}"}, headers=xh).status_code == 201
    assert client.post("/x/2/tweets", json={"text": "x"}).status_code == 401  # not a refusal
    assert emu.rate_limited() == {}
    for i in range(3):
        assert client.post("/x/2/tweets", json={"text": f"o{i}"}, headers=xh).status_code == 429
    assert emu.rate_limited() == {"x": 3}


def test_unauthenticated_calls_get_401_with_rate_headers(client: httpx.Client) -> None:
    resp = client.post("/x/2/tweets", json={"text": "x"})
    assert resp.status_code == 401
    assert resp.headers["content-type"] == "application/problem+json"
    assert "x-rate-limit-reset" in resp.headers
    assert client.post("/x/2/tweets", json={"text": "x"}, headers=bearer("nope")).status_code == 401
