"""X adapter against respx: documented error bodies, malformed answers, success paths."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.adapters.http import OUTCOME_UNKNOWN
from app.core.ports import (
    AccountRef,
    AppCredentials,
    AuthError,
    Credentials,
    NetworkUnavailableError,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter
from tests.adapters.conftest import make_image
from tests.adapters.errcases import MALFORMED_ERRORS, MALFORMED_SUCCESSES, check_error

API = "https://api.x.com"
TOKEN = "x-access-token-abcdef123456"


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        platform=Platform.TWITTER,
        external_id="2244994945",
        handle="@herald",
        credentials=Credentials(TOKEN, "x-refresh-token-1", None),
        app=AppCredentials("client-id", "client-secret"),
    )


@pytest.fixture
def adapter(config, clock, client):
    seen: list[RateLimitInfo] = []
    a = TwitterAdapter(config, clock, client, on_rate_limit=lambda acc, info: seen.append(info))
    a.seen = seen  # type: ignore[attr-defined]
    return a


DOCUMENTED = [
    (
        "401-problem",
        401,
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
        AuthError,
        "Unauthorized",
    ),
    (
        "403-duplicate",
        403,
        {
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
        },
        PermanentError,
        "duplicate content",
    ),
    (
        "429-problem",
        429,
        {
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        },
        RateLimitedError,
        "Too Many Requests",
    ),
    (
        "429-usage-capped",
        429,
        {
            "title": "UsageCapExceeded",
            "detail": "Usage cap exceeded: Monthly product cap",
            "type": "https://api.twitter.com/2/problems/usage-capped",
            "status": 429,
        },
        RateLimitedError,
        "Usage cap exceeded",
    ),
    (
        "legacy-88",
        429,
        {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
        RateLimitedError,
        "Rate limit exceeded",
    ),
    (
        "legacy-89",
        401,
        {"errors": [{"code": 89, "message": "Invalid or expired token."}]},
        AuthError,
        "Invalid or expired token",
    ),
    (
        "legacy-187",
        403,
        {"errors": [{"code": 187, "message": "Status is a duplicate."}]},
        PermanentError,
        "duplicate",
    ),
    (
        "legacy-131",
        500,
        {"errors": [{"code": 131, "message": "Internal error"}]},
        TransientError,
        "Internal error",
    ),
    (
        "400-invalid-request",
        400,
        {
            "errors": [{"parameters": {"text": [""]}, "message": "Text must not be empty"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        PermanentError,
        "parameters to your request was invalid",
    ),
    (
        "403-client-forbidden",
        403,
        {
            "client_id": "1",
            "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.",
            "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
            "title": "Client Forbidden",
            "required_enrollment": "Appropriate Level of API Access",
            "reason": "client-not-enrolled",
            "type": "https://api.twitter.com/2/problems/client-forbidden",
        },
        PermanentError,
        "Project",
    ),
    (
        "503-problem",
        503,
        {
            "title": "Service Unavailable",
            "detail": "Service Unavailable",
            "type": "about:blank",
            "status": 503,
        },
        TransientError,
        "Service Unavailable",
    ),
]


@pytest.mark.parametrize(
    ("status", "payload", "expected", "words"),
    [c[1:] for c in DOCUMENTED],
    ids=[c[0] for c in DOCUMENTED],
)
def test_documented_publish_errors(adapter, account, mock, status, payload, expected, words):
    mock.post(f"{API}/2/tweets").respond(status, json=payload)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "key-1")
    check_error(info.value, expected)
    assert words in info.value.message
    assert info.value.status == status


def test_duplicate_has_code(adapter, account, mock):
    mock.post(f"{API}/2/tweets").respond(
        403,
        json={
            "detail": "You are not allowed to create a Tweet with duplicate content.",
            "status": 403,
        },
    )
    with pytest.raises(PermanentError) as info:
        adapter.publish(account, "hello", [], "key-1")
    assert info.value.code == "duplicate"


def test_429_reset_from_headers(adapter, account, mock):
    reset = int(datetime(2026, 1, 5, 9, 15, tzinfo=UTC).timestamp())
    mock.post(f"{API}/2/tweets").respond(
        429,
        json={
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        },
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    with pytest.raises(RateLimitedError) as info:
        adapter.publish(account, "hello", [], "key-1")
    assert info.value.reset_at == datetime.fromtimestamp(reset, UTC)
    assert info.value.rate_limit == RateLimitInfo(
        100, 0, datetime.fromtimestamp(reset, UTC), "publish"
    )
    assert adapter.seen == [info.value.rate_limit]


def test_24h_user_cap_wins_when_spent(adapter, account, mock):
    r15 = int(datetime(2026, 1, 5, 9, 15, tzinfo=UTC).timestamp())
    r24 = int(datetime(2026, 1, 6, 2, 0, tzinfo=UTC).timestamp())
    mock.post(f"{API}/2/tweets").respond(
        429,
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "40",
            "x-rate-limit-reset": str(r15),
            "x-user-limit-24hour-limit": "17",
            "x-user-limit-24hour-remaining": "0",
            "x-user-limit-24hour-reset": str(r24),
        },
    )
    with pytest.raises(RateLimitedError) as info:
        adapter.publish(account, "hello", [], "key-1")
    assert info.value.reset_at == datetime.fromtimestamp(r24, UTC)


@pytest.mark.parametrize(
    ("name", "response", "expected"), MALFORMED_ERRORS, ids=[c[0] for c in MALFORMED_ERRORS]
)
def test_malformed_errors(adapter, account, mock, name, response, expected):
    mock.post(f"{API}/2/tweets").mock(return_value=response)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "key-1")
    check_error(info.value, expected)


@pytest.mark.parametrize(
    ("name", "response"), MALFORMED_SUCCESSES, ids=[c[0] for c in MALFORMED_SUCCESSES]
)
def test_malformed_success_is_transient_outcome_unknown(adapter, account, mock, name, response):
    mock.post(f"{API}/2/tweets").mock(return_value=response)
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "hello", [], "key-1")
    assert info.value.code == OUTCOME_UNKNOWN


def test_transport_failures(adapter, account, mock):
    route = mock.post(f"{API}/2/tweets")
    route.side_effect = httpx.ConnectError("no route to host")
    with pytest.raises(NetworkUnavailableError):
        adapter.publish(account, "hello", [], "k")
    route.side_effect = httpx.ConnectTimeout("timed out")
    with pytest.raises(NetworkUnavailableError):
        adapter.publish(account, "hello", [], "k")
    route.side_effect = httpx.ReadTimeout("timed out")
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "hello", [], "k")
    assert info.value.code == OUTCOME_UNKNOWN
    route.side_effect = httpx.RemoteProtocolError("server disconnected")
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "hello", [], "k")
    assert info.value.code == OUTCOME_UNKNOWN
    mock.get(f"{API}/2/tweets").side_effect = httpx.ReadTimeout("timed out")
    with pytest.raises(TransientError) as info:
        adapter.fetch_metrics(account, ["1"])
    assert info.value.code == "timeout"


def test_messages_never_carry_the_token(adapter, account, mock):
    mock.post(f"{API}/2/tweets").respond(
        401, json={"title": "Unauthorized", "detail": f"Bearer {TOKEN} is not valid", "status": 401}
    )
    with pytest.raises(AuthError) as info:
        adapter.publish(account, "hello", [], "k")
    assert TOKEN not in info.value.message
    assert TOKEN not in str(info.value)


def test_publish_text_and_media_success(adapter, account, mock, tmp_path):
    upload = mock.post(f"{API}/2/media/upload").respond(
        200,
        json={
            "data": {
                "id": "1880028106020515840",
                "media_key": "3_1880028106020515840",
                "expires_after_secs": 86400,
            }
        },
    )
    tweet = mock.post(f"{API}/2/tweets").respond(
        201,
        json={"data": {"id": "1445880548472328192", "text": "Hello"}},
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "99",
            "x-rate-limit-reset": "1767605400",
        },
    )
    result = adapter.publish(account, "Hello", [make_image(tmp_path, "a.jpg")], "idem-1")
    assert result.external_id == "1445880548472328192"
    assert result.url == "https://x.com/herald/status/1445880548472328192"
    assert result.rate_limit is not None and result.rate_limit.remaining == 99
    sent = json.loads(tweet.calls.last.request.content)
    assert sent == {"text": "Hello", "media": {"media_ids": ["1880028106020515840"]}}
    req = tweet.calls.last.request
    assert req.headers["Idempotency-Key"] == "idem-1"
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    up = upload.calls.last.request
    assert b'name="media_category"' in up.content and b"tweet_image" in up.content
    assert b'name="media"; filename="a.jpg"' in up.content


def test_missing_media_file_is_permanent(adapter, account, image, tmp_path):
    from dataclasses import replace

    with pytest.raises(PermanentError, match="missing"):
        adapter.publish(account, "x", [replace(image, path=str(tmp_path / "gone.jpg"))], "k")


def test_metrics_batches_of_100(adapter, account, mock):
    def answer(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        assert len(ids) <= 100
        data = [
            {
                "id": i,
                "text": "t",
                "public_metrics": {
                    "retweet_count": 1,
                    "reply_count": 2,
                    "like_count": 3,
                    "quote_count": 4,
                    "bookmark_count": 0,
                    "impression_count": 50,
                },
            }
            for i in ids
            if i != "gone"
        ]
        return httpx.Response(
            200,
            json={
                "data": data,
                "errors": [
                    {
                        "resource_id": "gone",
                        "title": "Not Found Error",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ],
            },
        )

    route = mock.get(f"{API}/2/tweets").mock(side_effect=answer)
    ids = [str(i) for i in range(150)] + ["gone"]
    result = adapter.fetch_metrics(account, ids)
    assert route.call_count == 2
    assert len(result) == 150 and "gone" not in result
    m = result["7"]
    assert (m.likes, m.shares, m.comments, m.impressions) == (3, 5, 2, 50)


def test_metrics_wrong_types_do_not_crash(adapter, account, mock):
    mock.get(f"{API}/2/tweets").respond(
        200,
        json={
            "data": [
                {"id": "1", "public_metrics": {"like_count": "7", "reply_count": None}},
                "junk",
                {"id": None},
            ]
        },
    )
    result = adapter.fetch_metrics(account, ["1"])
    assert result["1"].likes == 7 and result["1"].comments == 0


def test_find_existing(adapter, account, mock, clock):
    route = mock.get(f"{API}/2/users/2244994945/tweets").respond(
        200,
        json={
            "data": [
                {"id": "2", "text": "other", "created_at": "2026-01-05T09:01:00.000Z"},
                {
                    "id": "1",
                    "text": "Tom &amp; Jerry https://t.co/abc",
                    "created_at": "2026-01-05T09:00:30.000Z",
                },
            ],
            "meta": {"result_count": 2},
        },
    )
    since = clock.now() - timedelta(minutes=5)
    assert adapter.find_existing(account, "k", "Tom & Jerry https://example.com/x", since) == "1"
    assert adapter.find_existing(account, "k", "never posted", since) is None
    assert route.calls.last.request.url.params["start_time"] == "2026-01-05T08:54:00Z"
    mock.get(f"{API}/2/users/2244994945/tweets").respond(503)
    with pytest.raises(TransientError):
        adapter.find_existing(account, "k", "x", since)


def test_refresh_rotates_and_uses_basic_auth(adapter, account, mock, clock):
    route = mock.post(f"{API}/2/oauth2/token").respond(
        200,
        json={
            "token_type": "bearer",
            "expires_in": 7200,
            "access_token": "new-access-1",
            "scope": "tweet.write offline.access",
            "refresh_token": "new-refresh-1",
        },
    )
    creds = adapter.refresh(account)
    assert creds.access_token == "new-access-1"
    assert creds.refresh_token == "new-refresh-1"
    assert creds.expires_at == clock.now() + timedelta(hours=2)
    req = route.calls.last.request
    assert req.headers["Authorization"].startswith("Basic ")
    form = dict(httpx.QueryParams(req.content.decode()))
    assert form == {
        "grant_type": "refresh_token",
        "refresh_token": "x-refresh-token-1",
        "client_id": "client-id",
    }


def test_refresh_refused_is_auth_error(adapter, account, mock):
    mock.post(f"{API}/2/oauth2/token").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    with pytest.raises(AuthError, match="token was invalid"):
        adapter.refresh(account)


def test_oauth1_signs_and_keeps_json_body(config, clock, client, mock):
    account = AccountRef(
        Platform.TWITTER,
        "1",
        "@h",
        Credentials("oauth1-token-abc", extra={"oauth1_token_secret": "oauth1-secret-xyz"}),
        app=AppCredentials("consumer-key", "consumer-secret"),
    )
    route = mock.post(f"{API}/2/tweets").respond(201, json={"data": {"id": "9", "text": "hi"}})
    with TwitterAdapter(config, clock, client) as adapter:
        assert adapter.publish(account, "hi", [], "k").external_id == "9"
        assert adapter.refresh(account) is account.credentials  # 1.0a tokens do not expire
    req = route.calls.last.request
    auth = req.headers["Authorization"]
    assert auth.startswith("OAuth ")
    assert 'oauth_consumer_key="consumer-key"' in auth and 'oauth_token="oauth1-token-abc"' in auth
    assert 'oauth_signature_method="HMAC-SHA1"' in auth
    assert json.loads(req.content) == {"text": "hi"}


def test_oauth1_without_consumer_secret_is_auth_error(config, clock, client):
    account = AccountRef(
        Platform.TWITTER, "1", "@h", Credentials("t", extra={"oauth1_token_secret": "s"}), app=None
    )
    with TwitterAdapter(config, clock, client) as adapter, pytest.raises(AuthError):
        adapter.publish(account, "hi", [], "k")
