"""The Bluesky adapter over respx: XRPC errors classified, sessions refreshed, getPosts in
batches of 25, a link card that cannot be built never fails a post, a re-sent create at a
taken key is the post already made."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from app.platforms.bluesky import tid
from app.platforms.bluesky.adapter import BlueskyAdapter
from app.platforms.bluesky.connect import SIGN_IN, ConnectError
from app.platforms.names import Platform

PDS = "https://pds.example.test"
APPVIEW = "https://appview.example.test"
DID = "did:plc:abc"
X = f"{PDS}/xrpc/"
SESSION_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDAwMDB9.c2ln"  # exp 2027-01-15


def account(**settings) -> AccountRef:
    creds = Credentials("access-token-1", "refresh-token-1")
    return AccountRef(Platform.BLUESKY, DID, "me.test", creds, settings={"pds": PDS, **settings})


@pytest.fixture
def adapter(clock):
    config = AdapterConfig.real(endpoints={"BLUESKY_APPVIEW": APPVIEW})
    with BlueskyAdapter(config, clock) as a:
        yield a


@pytest.fixture(autouse=True)
def no_cards(monkeypatch):
    monkeypatch.setattr(BlueskyAdapter, "card_fetcher", staticmethod(lambda url: None))


def error(status: int, name: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": name, "message": message}, headers=headers)


@respx.mock
@pytest.mark.parametrize(
    ("response", "kind", "code"),
    [
        (error(400, "ExpiredToken", "Token has expired"), AuthError, "ExpiredToken"),
        (error(400, "InvalidToken", "Token could not be verified"), AuthError, "InvalidToken"),
        (error(401, "AuthMissing", "Authentication Required"), AuthError, "AuthMissing"),
        (error(401, "AuthenticationRequired", "no"), AuthError, "AuthenticationRequired"),
        (error(502, "UpstreamFailure", "down"), TransientError, "outcome_unknown"),
        (error(400, "InvalidRequest", "grapheme too big"), PermanentError, "InvalidRequest"),
    ],
)
def test_errors_are_classified(adapter, response, kind, code):
    respx.post(f"{X}com.atproto.repo.createRecord").mock(return_value=response)
    respx.get(f"{X}com.atproto.repo.getRecord").mock(
        return_value=error(400, "RecordNotFound", "Could not locate record")
    )
    with pytest.raises(kind) as caught:
        adapter.publish(account(), "hello", [], "key-1")
    assert caught.value.code == code
    assert "access-token-1" not in str(caught.value)
    if kind is PermanentError:
        assert "grapheme too big" in caught.value.message  # the server's own words


@respx.mock
def test_rate_limit_waits_for_ratelimit_reset(adapter):
    respx.post(f"{X}com.atproto.repo.createRecord").mock(
        return_value=error(
            429,
            "RateLimitExceeded",
            "Rate Limit Exceeded",
            **{
                "ratelimit-limit": "5000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": "1767700000",
            },
        )
    )
    with pytest.raises(RateLimitedError) as caught:
        adapter.publish(account(), "hello", [], "key-1")
    assert caught.value.reset_at == datetime.fromtimestamp(1767700000, UTC)


@respx.mock
def test_publish_sends_the_derived_key_and_a_resend_finds_the_first(adapter):
    rkey = tid.from_key("key-2")
    uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
    create = respx.post(f"{X}com.atproto.repo.createRecord").mock(
        side_effect=[
            httpx.Response(200, json={"uri": uri, "cid": "bafy"}),
            error(500, "InternalServerError", "Internal Server Error"),  # the key is taken
        ]
    )
    respx.get(f"{X}com.atproto.repo.getRecord").mock(
        return_value=httpx.Response(200, json={"uri": uri, "cid": "bafy", "value": {}})
    )
    first = adapter.publish(account(langs=["fr", "de"]), "Bonjour 👋", [], "key-2")
    second = adapter.publish(account(), "Bonjour 👋", [], "key-2")
    assert first.external_id == second.external_id == uri
    assert first.url == f"https://bsky.app/profile/me.test/post/{rkey}"
    sent = json.loads(create.calls[0].request.content)
    assert sent["rkey"] == rkey and sent["repo"] == DID
    assert sent["record"]["langs"] == ["fr", "de"]
    assert sent["record"]["createdAt"].endswith("Z")
    assert create.calls[0].request.headers["Authorization"] == "Bearer access-token-1"


@respx.mock
def test_find_existing_reads_the_record_at_the_key(adapter, clock):
    rkey = tid.from_key("key-3")
    route = respx.get(f"{X}com.atproto.repo.getRecord").mock(
        side_effect=[
            error(400, "RecordNotFound", "Could not locate record"),
            httpx.Response(200, json={"uri": "x", "cid": "y", "value": {}}),
        ]
    )
    assert adapter.find_existing(account(), "key-3", "", clock.now()) is None
    assert adapter.find_existing(account(), "key-3", "", clock.now()) == (
        f"at://{DID}/app.bsky.feed.post/{rkey}"
    )
    assert route.calls[0].request.url.params["rkey"] == rkey


@respx.mock
def test_a_link_card_that_fails_does_not_fail_the_post(adapter, monkeypatch):
    def broken(url):
        raise RuntimeError("page unreachable")

    monkeypatch.setattr(BlueskyAdapter, "card_fetcher", staticmethod(broken))
    create = respx.post(f"{X}com.atproto.repo.createRecord").mock(
        return_value=httpx.Response(200, json={"uri": f"at://{DID}/app.bsky.feed.post/x"})
    )
    adapter.publish(account(), "read https://example.com/a", [], "key-4")
    record = json.loads(create.calls[0].request.content)["record"]
    assert "embed" not in record and record["facets"][0]["features"][0]["uri"].startswith("https")

    monkeypatch.setattr(
        BlueskyAdapter, "card_fetcher", staticmethod(lambda url: {"title": "A", "description": ""})
    )
    adapter.publish(account(), "read https://example.com/a", [], "key-5")
    record = json.loads(create.calls[1].request.content)["record"]
    assert record["embed"]["external"] == {
        "uri": "https://example.com/a",
        "title": "A",
        "description": "",
    }


@respx.mock
def test_metrics_come_25_uris_a_call_without_impressions(adapter):
    uris = [f"at://{DID}/app.bsky.feed.post/{tid.from_key(str(i))}" for i in range(30)]

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("uris")
        posts = [
            {"uri": u, "likeCount": 3, "repostCount": 2, "quoteCount": 1, "replyCount": 4}
            for u in asked
        ]
        return httpx.Response(200, json={"posts": posts})

    route = respx.get(f"{APPVIEW}/xrpc/app.bsky.feed.getPosts").mock(side_effect=answer)
    assert adapter.metrics_batch_size == 25
    out = {}
    for start in range(0, 30, adapter.metrics_batch_size):
        out.update(adapter.fetch_metrics(account(), uris[start : start + 25]))
    assert [len(c.request.url.params.get_list("uris")) for c in route.calls] == [25, 5]
    m = out[uris[0]]
    assert (m.likes, m.shares, m.comments, m.impressions) == (3, 3, 4, None)
    assert adapter.fetch_metrics(account(), uris) and len(route.calls) == 4  # 30 -> 25 + 5


@respx.mock
def test_refresh_session_rotates_the_tokens(adapter):
    route = respx.post(f"{X}com.atproto.server.refreshSession").mock(
        return_value=httpx.Response(
            200,
            json={"did": DID, "handle": "me.test", "accessJwt": SESSION_TOKEN, "refreshJwt": "r2"},
        )
    )
    fresh = adapter.refresh(account())
    assert route.calls[0].request.headers["Authorization"] == "Bearer refresh-token-1"
    assert (fresh.access_token, fresh.refresh_token) == (SESSION_TOKEN, "r2")
    assert fresh.expires_at == datetime.fromtimestamp(1800000000, UTC)
    respx.post(f"{X}com.atproto.server.refreshSession").mock(
        return_value=error(400, "ExpiredToken", "Token has expired")
    )
    with pytest.raises(AuthError):
        adapter.refresh(account())


@respx.mock
def test_sign_in_follows_the_did_document_and_explains_a_refusal(clock):
    body = {
        "did": DID,
        "handle": "me.test",
        "accessJwt": SESSION_TOKEN,
        "refreshJwt": "r1",
        "didDoc": {"service": [{"id": "#atproto_pds", "serviceEndpoint": "https://home.test/"}]},
    }
    route = respx.post("https://bsky.social/xrpc/com.atproto.server.createSession").mock(
        side_effect=[
            httpx.Response(200, json=body),
            error(401, "AuthenticationRequired", "Invalid identifier or password"),
        ]
    )
    config = AdapterConfig.real()
    found = SIGN_IN.connect(config, "", "@me.test", "app-pw-xyz", clock=clock)
    assert found.settings == {"pds": "https://home.test"} and found.external_id == DID
    assert json.loads(route.calls[0].request.content) == {
        "identifier": "me.test",
        "password": "app-pw-xyz",
    }
    with pytest.raises(ConnectError, match="did not accept that handle and app password"):
        SIGN_IN.connect(config, None, "me.test", "wrong", clock=clock)
    with pytest.raises(ConnectError, match="handle and an app password"):
        SIGN_IN.connect(config, None, "", "x", clock=clock)
