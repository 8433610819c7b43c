"""LinkedIn adapter against respx: documented error bodies, Posts API details, statistics."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.adapters.http import OUTCOME_UNKNOWN
from app.core.ports import (
    AccountRef,
    AppCredentials,
    AuthError,
    Credentials,
    DuplicatePostError,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
)
from app.platforms.linkedin.adapter import LinkedInAdapter, escape_commentary, unescape_commentary
from app.platforms.names import Platform
from tests.adapters.errcases import MALFORMED_ERRORS, check_error

API = "https://api.linkedin.com"
PERSON = "urn:li:person:8675309"
ORG = "urn:li:organization:2414183"
TOKEN = "li-access-token-abcdef"


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        Platform.LINKEDIN,
        PERSON,
        "Pat",
        Credentials(TOKEN, "li-refresh-token-1"),
        app=AppCredentials("li-client", "li-secret"),
    )


@pytest.fixture
def adapter(config, clock, client):
    return LinkedInAdapter(config, clock, client)


DOCUMENTED = [
    (
        "401-65601",
        401,
        {
            "message": "The token used in the request has been revoked by the user",
            "serviceErrorCode": 65601,
            "status": 401,
        },
        AuthError,
    ),
    (
        "401-65600",
        401,
        {"message": "Invalid access token", "serviceErrorCode": 65600, "status": 401},
        AuthError,
    ),
    (
        "403-permissions",
        403,
        {
            "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20260101",
            "status": 403,
        },
        PermanentError,
    ),
    (
        "422-commentary",
        422,
        {
            "message": "ERROR :: /commentary :: field is required but not found and has no default value",
            "status": 422,
        },
        PermanentError,
    ),
    (
        "409-duplicate",
        409,
        {"message": "Content is a duplicate of urn:li:share:7000000000000000000", "status": 409},
        DuplicatePostError,
    ),
    (
        "429",
        429,
        {
            "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            "status": 429,
        },
        RateLimitedError,
    ),
    ("500", 500, {"message": "Internal Server Error", "status": 500}, TransientError),
    ("504", 504, {"message": "Gateway timeout", "status": 504}, TransientError),
    (
        "400-version",
        426,
        {
            "message": "Requested version 20230101 is not active",
            "status": 426,
            "code": "NONEXISTENT_VERSION",
        },
        TransientError,  # a sunset version is never the post's permanent failure
    ),
]


@pytest.mark.parametrize(
    ("status", "payload", "expected"), [c[1:] for c in DOCUMENTED], ids=[c[0] for c in DOCUMENTED]
)
def test_documented_errors(adapter, account, mock, status, payload, expected):
    mock.post(f"{API}/rest/posts").respond(status, json=payload)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "k")
    check_error(info.value, expected)
    assert payload["message"] in info.value.message


def test_429_resets_at_midnight_utc(adapter, account, mock, clock):
    mock.post(f"{API}/rest/posts").respond(429, json={"message": "throttled", "status": 429})
    with pytest.raises(RateLimitedError) as info:
        adapter.publish(account, "hello", [], "k")
    assert info.value.reset_at == datetime(2026, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "response", "expected"), MALFORMED_ERRORS, ids=[c[0] for c in MALFORMED_ERRORS]
)
def test_malformed_errors(adapter, account, mock, name, response, expected):
    mock.post(f"{API}/rest/posts").mock(return_value=response)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "k")
    check_error(info.value, expected)


def test_201_without_id_is_outcome_unknown(adapter, account, mock):
    mock.post(f"{API}/rest/posts").respond(201)
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "hello", [], "k")
    assert info.value.code == OUTCOME_UNKNOWN


def test_publish_text_headers_and_body(adapter, account, mock):
    route = mock.post(f"{API}/rest/posts").respond(
        201, headers={"x-restli-id": "urn:li:share:6844785523593134080"}
    )
    result = adapter.publish(account, "Launch (beta) @ noon #news", [], "idem-3")
    assert result.external_id == "urn:li:share:6844785523593134080"
    assert result.url == "https://www.linkedin.com/feed/update/urn:li:share:6844785523593134080/"
    req = route.calls.last.request
    assert req.headers["LinkedIn-Version"] == "202601"
    assert req.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert req.headers["Idempotency-Key"] == "idem-3"
    body = json.loads(req.content)
    assert body["author"] == PERSON
    assert body["commentary"] == r"Launch \(beta\) \@ noon #news"
    assert body["lifecycleState"] == "PUBLISHED" and body["visibility"] == "PUBLIC"
    assert body["distribution"]["feedDistribution"] == "MAIN_FEED"


def test_commentary_escaping_round_trips():
    text = r"a|b{c}d@e[f]g(h)i<j>k*l_m~n\o #tag"
    assert unescape_commentary(escape_commentary(text)) == text


def test_publish_image(adapter, account, mock, image):
    init = mock.post(f"{API}/rest/images").respond(
        200,
        json={
            "value": {
                "uploadUrlExpiresAt": 1650567510704,
                "uploadUrl": "https://www.linkedin.com/dms-uploads/abc/uploadedImage/0?ca=vector_ads",
                "image": "urn:li:image:C4E10AQFoyyAjHPMQuQ",
            }
        },
    )
    put = mock.put(url__startswith="https://www.linkedin.com/dms-uploads/").respond(201)
    post = mock.post(f"{API}/rest/posts").respond(201, headers={"x-restli-id": "urn:li:share:1"})
    adapter.publish(account, "pic", [image], "k")
    assert init.calls.last.request.url.params["action"] == "initializeUpload"
    assert json.loads(init.calls.last.request.content) == {
        "initializeUploadRequest": {"owner": PERSON}
    }
    assert put.calls.last.request.content == Path(image.path).read_bytes()
    assert json.loads(post.calls.last.request.content)["content"] == {
        "media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ"}
    }


def test_untrusted_upload_url_is_refused(adapter, account, mock, image):
    mock.post(f"{API}/rest/images").respond(
        200, json={"value": {"uploadUrl": "https://evil.example.com/up", "image": "urn:li:image:1"}}
    )
    with pytest.raises(PermanentError):
        adapter.publish(account, "pic", [image], "k")


def test_person_metrics_from_social_actions(adapter, account, mock):
    def answer(request):
        urn = request.url.path.rsplit("/", 1)[-1]
        if urn.endswith("gone"):
            return httpx.Response(404, json={"message": "Not found", "status": 404})
        return httpx.Response(
            200,
            json={
                "likesSummary": {"totalLikes": 4, "likedByCurrentUser": False},
                "commentsSummary": {"totalFirstLevelComments": 2, "aggregatedTotalComments": 3},
            },
        )

    route = mock.get(url__startswith=f"{API}/rest/socialActions/").mock(side_effect=answer)
    result = adapter.fetch_metrics(account, ["urn:li:share:1", "urn:li:share:gone"])
    assert set(result) == {"urn:li:share:1"}
    assert (result["urn:li:share:1"].likes, result["urn:li:share:1"].comments) == (4, 3)
    assert "urn%3Ali%3Ashare%3A1" in str(route.calls[0].request.url)


def test_org_metrics_batched(adapter, mock):
    org = AccountRef(Platform.LINKEDIN, ORG, "Acme", Credentials(TOKEN))

    def answer(request):
        raw = request.url.query.decode()
        assert "organizationalEntity=urn%3Ali%3Aorganization%3A2414183" in raw
        assert "shares=List(urn%3Ali%3Ashare%3A" in raw
        shares = raw.split("shares=List(")[1].split(")")[0].split(",")
        assert len(shares) <= 20
        elements = [
            {
                "share": s.replace("%3A", ":"),
                "organizationalEntity": ORG,
                "totalShareStatistics": {
                    "impressionCount": 100,
                    "likeCount": 5,
                    "commentCount": 1,
                    "shareCount": 2,
                    "clickCount": 9,
                    "engagement": 0.1,
                },
            }
            for s in shares
        ]
        return httpx.Response(200, json={"paging": {"count": 10, "start": 0}, "elements": elements})

    route = mock.get(url__startswith=f"{API}/rest/organizationalEntityShareStatistics").mock(
        side_effect=answer
    )
    ids = [f"urn:li:share:{i}" for i in range(30)]
    result = adapter.fetch_metrics(org, ids)
    assert route.call_count == 2 and len(result) == 30
    m = result["urn:li:share:3"]
    assert (m.likes, m.comments, m.shares, m.impressions) == (5, 1, 2, 100)


def test_find_existing(adapter, account, mock, clock):
    created = int((clock.now() - timedelta(seconds=30)).timestamp() * 1000)
    mock.get(url__startswith=f"{API}/rest/posts").respond(
        200,
        json={
            "elements": [
                {"id": "urn:li:share:9", "commentary": r"Launch \(beta\)", "createdAt": created}
            ],
            "paging": {"start": 0, "count": 50},
        },
    )
    since = clock.now() - timedelta(minutes=5)
    assert adapter.find_existing(account, "k", "Launch (beta)", since) == "urn:li:share:9"
    assert adapter.find_existing(account, "k", "nope", since) is None


def test_refresh(adapter, account, mock, clock):
    route = mock.post("https://www.linkedin.com/oauth/v2/accessToken").respond(
        200,
        json={
            "access_token": "li-new-access",
            "expires_in": 5184000,
            "refresh_token": "li-refresh-token-1",
            "refresh_token_expires_in": 26438400,
        },
    )
    creds = adapter.refresh(account)
    assert creds.access_token == "li-new-access"
    assert creds.expires_at == clock.now() + timedelta(days=60)
    assert (
        creds.extra["refresh_token_expires_at"]
        == (clock.now() + timedelta(seconds=26438400)).isoformat()
    )
    form = dict(httpx.QueryParams(route.calls.last.request.content.decode()))
    assert form["grant_type"] == "refresh_token" and form["client_secret"] == "li-secret"


def test_refresh_without_refresh_token_is_auth(adapter, mock):
    acc = AccountRef(Platform.LINKEDIN, PERSON, "Pat", Credentials(TOKEN))
    with pytest.raises(AuthError, match="reconnect"):
        adapter.refresh(acc)


def test_refresh_refused(adapter, account, mock):
    mock.post("https://www.linkedin.com/oauth/v2/accessToken").respond(
        400,
        json={
            "error": "invalid_request",
            "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked.",
        },
    )
    with pytest.raises(AuthError, match="refresh token is invalid"):
        adapter.refresh(account)
