"""Instagram adapter against respx: Graph error envelope, container flow, malformed answers."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.adapters.http import OUTCOME_UNKNOWN
from app.adapters.media_server import HostingRouter, MediaHosting
from app.core.ports import (
    AccountRef,
    AuthError,
    Credentials,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
)
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from tests.adapters.conftest import make_image
from tests.adapters.errcases import MALFORMED_ERRORS, MALFORMED_SUCCESSES, check_error
from tests.adapters.graph_batch_mock import serve_batch

G = "https://graph.instagram.com/v25.0"
IG = "17841400000000001"
TOKEN = "ig-long-lived-token-abcdef"


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(Platform.INSTAGRAM, IG, "@herald", Credentials(TOKEN))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def adapter(config, clock, client, sleeps):
    return InstagramAdapter(config, clock, client, sleep=sleeps.append)


@pytest.fixture
def published_item(image):
    from dataclasses import replace

    return replace(image, public_url="https://cdn.example.com/photo.jpg")


def _quota(mock, usage=2, total=50):
    return mock.get(f"{G}/{IG}/content_publishing_limit").respond(
        200,
        json={
            "data": [
                {"quota_usage": usage, "config": {"quota_total": total, "quota_duration": 86400}}
            ]
        },
    )


def _graph(code, subcode=None, message="msg", **more):
    err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}
    if subcode is not None:
        err["error_subcode"] = subcode
    err.update(more)
    return {"error": err}


DOCUMENTED = [
    (
        "36000-too-big",
        400,
        _graph(
            36000,
            2207004,
            "The image size is too large.",
            error_user_msg="The image is too large to download. It should be less than 8 MiB.",
        ),
        PermanentError,
    ),
    (
        "36003-aspect",
        400,
        _graph(
            36003, 2207009, "The submitted image with aspect ratio ('0.3') cannot be published."
        ),
        PermanentError,
    ),
    ("36004-caption", 400, _graph(36004, 2207010, "The caption was too long."), PermanentError),
    (
        "100-tags",
        400,
        _graph(100, 2207040, "Cannot use more than 20 tags per created media."),
        PermanentError,
    ),
    (
        "9-daily-limit",
        400,
        _graph(
            9,
            2207042,
            "Application request limit reached",
            error_user_msg="You reached maximum number of posts that is allowed to be published by Content Publish API.",
        ),
        RateLimitedError,
    ),
    (
        "9007-not-ready",
        400,
        _graph(
            9007,
            2207027,
            "Media ID is not available",
            error_user_msg="The media is not ready for publishing, please wait for a moment",
        ),
        TransientError,
    ),
    (
        "9004-not-fetchable",
        400,
        _graph(
            9004,
            2207052,
            "Only photo or video can be accepted as media type.",
            error_user_msg="The media could not be fetched from this URI",
        ),
        PermanentError,
    ),
    (
        "-2-expired",
        400,
        _graph(-2, 2207020, "The media you are trying to access has expired."),
        TransientError,
    ),
    ("24-builder", 400, _graph(24, 2207008, "Temporary error", is_transient=True), TransientError),
    (
        "190-token",
        400,
        _graph(
            190,
            460,
            "Error validating access token: The session has been invalidated because the user changed their password.",
        ),
        AuthError,
    ),
    (
        "190-401",
        401,
        _graph(190, None, "Invalid OAuth access token - Cannot parse access token"),
        AuthError,
    ),
    (
        "4-app-throttle",
        400,
        _graph(4, None, "(#4) Application request limit reached"),
        RateLimitedError,
    ),
    (
        "17-user-throttle",
        400,
        _graph(17, None, "(#17) User request limit reached"),
        RateLimitedError,
    ),
    (
        "32-page-throttle",
        400,
        _graph(32, None, "(#32) Page request limit reached"),
        RateLimitedError,
    ),
    (
        "613-custom",
        400,
        _graph(613, None, "(#613) Calls to this api have exceeded the rate limit."),
        RateLimitedError,
    ),
    (
        "1-unknown",
        500,
        _graph(1, None, "An unknown error occurred", is_transient=True),
        TransientError,
    ),
    (
        "2-service",
        503,
        _graph(2, None, "Service temporarily unavailable", is_transient=True),
        TransientError,
    ),
    (
        "200-permission",
        403,
        _graph(200, None, "(#200) The user has not authorized application."),
        AuthError,
    ),
    (
        "10-permission",
        400,
        _graph(10, None, "(#10) Application does not have permission for this action"),
        PermanentError,
    ),
    (
        "is-transient-flag",
        400,
        _graph(12345, None, "Something flaky", is_transient=True),
        TransientError,
    ),
    (
        "ig-login-flat",
        400,
        {
            "error_type": "OAuthException",
            "code": 400,
            "error_message": "Invalid authorization code",
        },
        PermanentError,
    ),
]


@pytest.mark.parametrize(
    ("status", "payload", "expected"), [c[1:] for c in DOCUMENTED], ids=[c[0] for c in DOCUMENTED]
)
def test_documented_container_errors(
    adapter, account, mock, published_item, status, payload, expected
):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").respond(status, json=payload)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "caption", [published_item], "k")
    check_error(info.value, expected)
    err = payload.get("error", {})
    assert (err.get("message") or payload.get("error_message")) in info.value.message
    if err.get("error_user_msg"):
        assert err["error_user_msg"] in info.value.message


def test_business_use_case_header_gives_reset(adapter, account, mock, published_item, clock):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").respond(
        400,
        json=_graph(80002, None, "There have been too many calls to this Instagram account."),
        headers={
            "X-Business-Use-Case-Usage": '{"178": [{"type": "instagram", "call_count": 100, "total_cputime": 10, "total_time": 20, "estimated_time_to_regain_access": 12}]}'
        },
    )
    with pytest.raises(RateLimitedError) as info:
        adapter.publish(account, "c", [published_item], "k")
    assert info.value.reset_at == clock.now() + timedelta(minutes=12)
    assert info.value.rate_limit.remaining == 0


@pytest.mark.parametrize(
    ("name", "response", "expected"), MALFORMED_ERRORS, ids=[c[0] for c in MALFORMED_ERRORS]
)
def test_malformed_errors(adapter, account, mock, published_item, name, response, expected):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").mock(return_value=response)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "c", [published_item], "k")
    check_error(info.value, expected)


@pytest.mark.parametrize(
    ("name", "response"), MALFORMED_SUCCESSES, ids=[c[0] for c in MALFORMED_SUCCESSES]
)
def test_malformed_publish_answer(adapter, account, mock, published_item, name, response):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").respond(200, json={"id": "c1"})
    mock.get(f"{G}/c1").respond(200, json={"status_code": "FINISHED", "id": "c1"})
    mock.post(f"{G}/{IG}/media_publish").mock(return_value=response)
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "c", [published_item], "k")
    assert info.value.code == OUTCOME_UNKNOWN


def test_single_image_flow_with_back_off(adapter, account, mock, published_item, sleeps):
    _quota(mock)
    create = mock.post(f"{G}/{IG}/media").respond(200, json={"id": "c1"})
    status = mock.get(f"{G}/c1").mock(
        side_effect=[
            httpx.Response(200, json={"status_code": "IN_PROGRESS"}),
            httpx.Response(200, json={"status_code": "IN_PROGRESS"}),
            httpx.Response(200, json={"status_code": "FINISHED"}),
        ]
    )
    publish = mock.post(f"{G}/{IG}/media_publish").respond(200, json={"id": "m1"})
    result = adapter.publish(account, "caption #tag", [published_item], "idem-9")
    assert result.external_id == "m1"
    assert result.rate_limit is not None and result.rate_limit.remaining == 48
    assert status.call_count == 3 and sleeps == [1.0, 2.0]
    form = dict(httpx.QueryParams(create.calls.last.request.content.decode()))
    assert form == {"image_url": "https://cdn.example.com/photo.jpg", "caption": "caption #tag"}
    req = publish.calls.last.request
    assert req.url.params["creation_id"] == "c1"
    assert req.headers["Idempotency-Key"] == "idem-9"
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"


def test_container_poll_is_bounded(adapter, account, mock, published_item, sleeps, config):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").respond(200, json={"id": "c1"})
    mock.get(f"{G}/c1").respond(200, json={"status_code": "IN_PROGRESS"})
    with pytest.raises(TransientError, match="still processing"):
        adapter.publish(account, "c", [published_item], "k")
    assert sleeps == list(config.ig_poll_delays)


def test_container_error_is_permanent_with_status_text(adapter, account, mock, published_item):
    _quota(mock)
    mock.post(f"{G}/{IG}/media").respond(200, json={"id": "c1"})
    mock.get(f"{G}/c1").respond(
        200, json={"status_code": "ERROR", "status": "Error: Media download has failed."}
    )
    with pytest.raises(PermanentError, match="Media download has failed"):
        adapter.publish(account, "c", [published_item], "k")


def test_carousel(adapter, account, mock, tmp_path):
    from dataclasses import replace

    items = [
        replace(make_image(tmp_path, f"{i}.jpg"), public_url=f"https://cdn/{i}.jpg")
        for i in range(3)
    ]
    _quota(mock)
    ids = iter(["k1", "k2", "k3", "car"])
    create = mock.post(f"{G}/{IG}/media").mock(
        side_effect=lambda req: httpx.Response(200, json={"id": next(ids)})
    )
    mock.get(url__regex=rf"{G}/(k\d|car)\?").respond(200, json={"status_code": "FINISHED"})
    mock.post(f"{G}/{IG}/media_publish").respond(200, json={"id": "m-car"})
    assert adapter.publish(account, "carousel!", items, "k").external_id == "m-car"
    forms = [dict(httpx.QueryParams(c.request.content.decode())) for c in create.calls]
    assert forms[0] == {"image_url": "https://cdn/0.jpg", "is_carousel_item": "true"}
    assert forms[3] == {"media_type": "CAROUSEL", "children": "k1,k2,k3", "caption": "carousel!"}


def test_quota_spent_is_rate_limited(adapter, account, mock, published_item, clock):
    _quota(mock, usage=50, total=50)
    create = mock.post(f"{G}/{IG}/media")
    with pytest.raises(RateLimitedError) as info:
        adapter.publish(account, "c", [published_item], "k")
    assert not create.called
    assert info.value.rate_limit.limit == 50 and info.value.rate_limit.remaining == 0
    assert info.value.reset_at == clock.now() + timedelta(hours=1)


def test_no_media_or_no_hosting_is_permanent(adapter, account, image):
    with pytest.raises(PermanentError, match="image or video"):
        adapter.publish(account, "text only", [], "k")


def test_no_hosting_is_permanent(adapter, account, mock, image):
    _quota(mock)
    with pytest.raises(PermanentError, match="media hosting"):
        adapter.publish(account, "c", [image], "k")


def test_hosting_router(config, clock, client, mock, image):
    class Fake:
        def url_for(self, account, item):
            return "https://host/x.jpg"

    router = HostingRouter({"loopback": Fake()})
    account = AccountRef(
        Platform.INSTAGRAM,
        IG,
        "@h",
        Credentials(TOKEN),
        settings={"media_hosting": MediaHosting("loopback").to_dict()},
    )
    adapter = InstagramAdapter(config, clock, client, media_host=router, sleep=lambda s: None)
    _quota(mock)
    create = mock.post(f"{G}/{IG}/media").respond(200, json={"id": "c1"})
    mock.get(f"{G}/c1").respond(200, json={"status_code": "FINISHED"})
    mock.post(f"{G}/{IG}/media_publish").respond(200, json={"id": "m1"})
    adapter.publish(account, "c", [image], "k")
    assert b"https%3A%2F%2Fhost%2Fx.jpg" in create.calls.last.request.content
    s3 = AccountRef(
        Platform.INSTAGRAM, IG, "@h", Credentials(TOKEN), settings={"media_hosting": {"kind": "s3"}}
    )
    with pytest.raises(PermanentError, match="not available"):
        adapter.publish(s3, "c", [image], "k")


def test_metrics_per_media(adapter, account, mock):
    def insights(request):
        media_id = request.url.path.split("/")[-2]
        if media_id == "gone":
            return httpx.Response(
                400,
                json=_graph(
                    100, 33, "Unsupported get request. Object with ID 'gone' does not exist"
                ),
            )
        data = [
            {
                "name": n,
                "period": "lifetime",
                "values": [{"value": v}],
                "id": f"{media_id}/insights/{n}/lifetime",
            }
            for n, v in [
                ("reach", 80),
                ("likes", 5),
                ("comments", 2),
                ("shares", 1),
                ("saved", 0),
                ("total_interactions", 8),
                ("views", 120),
            ]
        ]
        return httpx.Response(200, json={"data": data})

    mock.get(url__regex=rf"{G}/[^/]+/insights").mock(side_effect=insights)
    batch = serve_batch(mock, G)
    result = adapter.fetch_metrics(account, ["a", "gone", "b"])
    assert batch.call_count == 1  # three media, one Graph batch request
    assert set(result) == {"a", "b"}
    m = result["a"]
    assert (m.likes, m.comments, m.shares, m.impressions) == (5, 2, 1, 120)


def test_metrics_auth_error_propagates(adapter, account, mock):
    mock.get(f"{G}/a/insights").respond(
        400, json=_graph(190, 463, "Error validating access token: Session has expired")
    )
    with pytest.raises(AuthError):
        adapter.fetch_metrics(account, ["a"])


def test_find_existing(adapter, account, mock, clock):
    mock.get(f"{G}/{IG}/media").respond(
        200,
        json={
            "data": [
                {"id": "new", "caption": "Hello there", "timestamp": "2026-01-05T09:00:10+0000"},
                {"id": "old", "caption": "Older", "timestamp": "2026-01-01T09:00:10+0000"},
            ],
            "paging": {"cursors": {"before": "a", "after": "b"}},
        },
    )
    since = clock.now() - timedelta(minutes=2)
    assert adapter.find_existing(account, "k", "Hello  there", since) == "new"
    assert adapter.find_existing(account, "k", "Older", since) is None


def test_refresh(adapter, account, mock, clock):
    route = mock.get("https://graph.instagram.com/refresh_access_token").respond(
        200, json={"access_token": "ig-new-token", "token_type": "bearer", "expires_in": 5183944}
    )
    creds = adapter.refresh(account)
    assert creds.access_token == "ig-new-token"
    assert creds.expires_at == clock.now() + timedelta(seconds=5183944)
    assert route.calls.last.request.url.params["grant_type"] == "ig_refresh_token"
