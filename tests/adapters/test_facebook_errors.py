"""Facebook adapter against respx: Graph error envelope, feed/photos, insights, page tokens."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from app.adapters.http import OUTCOME_UNKNOWN
from app.core.ports import (
    AccountRef,
    AppCredentials,
    AuthError,
    Credentials,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
)
from app.platforms.facebook.adapter import FacebookAdapter, FacebookPagePhotoHost
from app.platforms.names import Platform
from tests.adapters.conftest import make_image
from tests.adapters.errcases import MALFORMED_ERRORS, MALFORMED_SUCCESSES, check_error
from tests.adapters.graph_batch_mock import serve_batch

G = "https://graph.facebook.com/v25.0"
PAGE = "101010"
TOKEN = "fb-page-token-abcdef"


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        Platform.FACEBOOK,
        PAGE,
        "Acme Bakery",
        Credentials(TOKEN, extra={"user_token": "fb-user-token-xyz"}),
        app=AppCredentials("fb-app", "fb-secret"),
    )


@pytest.fixture
def adapter(config, clock, client):
    return FacebookAdapter(config, clock, client)


def _graph(code, subcode=None, message="msg", **more):
    err = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "A1"}
    if subcode is not None:
        err["error_subcode"] = subcode
    err.update(more)
    return {"error": err}


DOCUMENTED = [
    (
        "190-460",
        400,
        _graph(
            190,
            460,
            "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
        ),
        AuthError,
    ),
    (
        "190-463",
        400,
        _graph(
            190,
            463,
            "Error validating access token: Session has expired on Monday, 05-Jan-26 01:00:00 PST.",
        ),
        AuthError,
    ),
    ("102-session", 400, _graph(102, None, "Session key invalid or no longer valid"), AuthError),
    ("506-duplicate", 400, _graph(506, None, "(#506) Duplicate status message"), PermanentError),
    (
        "368-blocked",
        400,
        _graph(
            368, None, "The action attempted has been deemed abusive or is otherwise disallowed"
        ),
        PermanentError,
    ),
    (
        "4-throttle",
        400,
        _graph(4, None, "(#4) Application request limit reached", is_transient=True),
        RateLimitedError,
    ),
    ("17-throttle", 400, _graph(17, None, "(#17) User request limit reached"), RateLimitedError),
    ("32-page", 400, _graph(32, None, "(#32) Page request limit reached"), RateLimitedError),
    (
        "613-custom",
        400,
        _graph(613, None, "(#613) Calls to this api have exceeded the rate limit."),
        RateLimitedError,
    ),
    (
        "80001-buc",
        400,
        _graph(
            80001,
            None,
            "There have been too many calls to this Page account. Wait a bit and try again.",
        ),
        RateLimitedError,
    ),
    (
        "1-temporary",
        500,
        _graph(1, None, "An unknown error has occurred.", is_transient=True),
        TransientError,
    ),
    (
        "2-temporary",
        500,
        _graph(
            2,
            None,
            "An unexpected error has occurred. Please retry your request later.",
            is_transient=True,
        ),
        TransientError,
    ),
    (
        "200-permission",
        403,
        _graph(
            200,
            None,
            "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts permission",
        ),
        AuthError,
    ),
    ("100-param", 400, _graph(100, None, "(#100) Invalid parameter"), PermanentError),
]


@pytest.mark.parametrize(
    ("status", "payload", "expected"), [c[1:] for c in DOCUMENTED], ids=[c[0] for c in DOCUMENTED]
)
def test_documented_errors(adapter, account, mock, status, payload, expected):
    mock.post(f"{G}/{PAGE}/feed").respond(status, json=payload)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "k")
    check_error(info.value, expected)
    assert payload["error"]["message"] in info.value.message


def test_app_usage_header_reaches_callback(config, clock, client, account, mock):
    seen = []
    adapter = FacebookAdapter(
        config, clock, client, on_rate_limit=lambda a, info: seen.append(info)
    )
    mock.post(f"{G}/{PAGE}/feed").respond(
        200,
        json={"id": f"{PAGE}_1"},
        headers={"X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}'},
    )
    result = adapter.publish(account, "hi", [], "k")
    assert result.rate_limit is not None and result.rate_limit.remaining == 72
    assert seen == [result.rate_limit]


@pytest.mark.parametrize(
    ("name", "response", "expected"), MALFORMED_ERRORS, ids=[c[0] for c in MALFORMED_ERRORS]
)
def test_malformed_errors(adapter, account, mock, name, response, expected):
    mock.post(f"{G}/{PAGE}/feed").mock(return_value=response)
    with pytest.raises(PublishError) as info:
        adapter.publish(account, "hello", [], "k")
    check_error(info.value, expected)


@pytest.mark.parametrize(
    ("name", "response"), MALFORMED_SUCCESSES, ids=[c[0] for c in MALFORMED_SUCCESSES]
)
def test_malformed_success(adapter, account, mock, name, response):
    mock.post(f"{G}/{PAGE}/feed").mock(return_value=response)
    with pytest.raises(TransientError) as info:
        adapter.publish(account, "hello", [], "k")
    assert info.value.code == OUTCOME_UNKNOWN


def test_text_post(adapter, account, mock):
    route = mock.post(f"{G}/{PAGE}/feed").respond(200, json={"id": f"{PAGE}_555"})
    result = adapter.publish(account, "Fresh bread today", [], "idem-5")
    assert result.external_id == f"{PAGE}_555"
    req = route.calls.last.request
    assert dict(httpx.QueryParams(req.content.decode())) == {"message": "Fresh bread today"}
    assert req.headers["Authorization"] == f"Bearer {TOKEN}"
    assert req.headers["Idempotency-Key"] == "idem-5"


def test_single_photo_uploads_file(adapter, account, mock, image):
    route = mock.post(f"{G}/{PAGE}/photos").respond(
        200, json={"id": "photo1", "post_id": f"{PAGE}_77"}
    )
    assert adapter.publish(account, "look", [image], "k").external_id == f"{PAGE}_77"
    body = route.calls.last.request.content
    assert b'name="source"; filename="photo.jpg"' in body and b'name="message"' in body


def test_photo_by_url_when_public(adapter, account, mock, image):
    from dataclasses import replace

    route = mock.post(f"{G}/{PAGE}/photos").respond(
        200, json={"id": "photo1", "post_id": f"{PAGE}_78"}
    )
    adapter.publish(account, "look", [replace(image, public_url="https://cdn/x.jpg")], "k")
    assert dict(httpx.QueryParams(route.calls.last.request.content.decode())) == {
        "message": "look",
        "url": "https://cdn/x.jpg",
    }


def test_multi_photo_post(adapter, account, mock, tmp_path):
    ids = iter(["p1", "p2"])
    photos = mock.post(f"{G}/{PAGE}/photos").mock(
        side_effect=lambda r: httpx.Response(200, json={"id": next(ids)})
    )
    feed = mock.post(f"{G}/{PAGE}/feed").respond(200, json={"id": f"{PAGE}_9"})
    items = [make_image(tmp_path, "a.jpg"), make_image(tmp_path, "b.jpg")]
    assert adapter.publish(account, "two", items, "k").external_id == f"{PAGE}_9"
    assert photos.call_count == 2
    assert b'name="published"' in photos.calls[0].request.content
    form = dict(httpx.QueryParams(feed.calls.last.request.content.decode()))
    assert json.loads(form["attached_media[1]"]) == {"media_fbid": "p2"}


def test_metrics(adapter, account, mock):
    post = f"{PAGE}_1"
    mock.get(f"{G}/{post}/insights").respond(
        200,
        json={
            "data": [
                {
                    "name": "post_total_media_view_unique",
                    "period": "lifetime",
                    "values": [{"value": 321}],
                },
                {"name": "post_clicks", "period": "lifetime", "values": [{"value": 12}]},
                {
                    "name": "post_reactions_by_type_total",
                    "period": "lifetime",
                    "values": [{"value": {"like": 10, "love": 3, "wow": 1}}],
                },
            ]
        },
    )
    mock.get(f"{G}/{post}").respond(
        200,
        json={
            "id": post,
            "comments": {"data": [], "summary": {"total_count": 4}},
            "shares": {"count": 2},
        },
    )
    mock.get(f"{G}/{PAGE}_2/insights").respond(
        400, json=_graph(100, 33, "Unsupported get request. Object with ID does not exist")
    )
    batch = serve_batch(mock, G)
    result = adapter.fetch_metrics(account, [post, f"{PAGE}_2"])
    assert batch.call_count == 1  # the insights of both in one batch (the object: one post)
    assert set(result) == {post}
    m = result[post]
    assert (m.likes, m.comments, m.shares, m.impressions) == (14, 4, 2, 321)


def test_metrics_without_engagement_fields(adapter, account, mock):
    post = f"{PAGE}_1"
    mock.get(f"{G}/{post}/insights").respond(
        200, json={"data": [{"name": "post_total_media_view_unique", "values": [{"value": 5}]}]}
    )
    mock.get(f"{G}/{post}").respond(400, json=_graph(100, None, "(#100) Unknown fields: comments"))
    assert adapter.fetch_metrics(account, [post])[post].impressions == 5


def test_find_existing(adapter, account, mock, clock):
    route = mock.get(f"{G}/{PAGE}/feed").respond(
        200,
        json={
            "data": [
                {
                    "id": f"{PAGE}_3",
                    "message": "Fresh bread",
                    "created_time": "2026-01-05T08:59:30+0000",
                }
            ],
            "paging": {"cursors": {"after": "x"}},
        },
    )
    since = clock.now() - timedelta(minutes=2)
    assert adapter.find_existing(account, "k", "Fresh bread", since) == f"{PAGE}_3"
    assert adapter.find_existing(account, "k", "Stale", since) is None
    assert int(route.calls.last.request.url.params["since"]) == int(
        (since - timedelta(minutes=1)).timestamp()
    )


def test_find_existing_follows_time_based_paging_without_sending_the_token(
    adapter, account, mock, clock
):
    """A feed read with `since` may page by time: `next` has until/__paging_token and no
    cursors (and, on Facebook, an access_token that must not be echoed in our URL)."""
    old = {"id": f"{PAGE}_1", "message": "Fresh bread", "created_time": "2026-01-05T08:59:10+0000"}
    newer = {"id": f"{PAGE}_2", "message": "Other", "created_time": "2026-01-05T08:59:50+0000"}
    next_url = f"{G}/{PAGE}/feed?until=1767603580&__paging_token=tok&access_token=LEAK&limit=50"
    route = mock.get(f"{G}/{PAGE}/feed").mock(
        side_effect=[
            httpx.Response(200, json={"data": [newer], "paging": {"next": next_url}}),
            httpx.Response(200, json={"data": [old], "paging": {}}),
        ]
    )
    since = clock.now() - timedelta(minutes=2)
    assert adapter.find_existing(account, "k", "Fresh bread", since) == f"{PAGE}_1"
    second = route.calls[1].request.url.params
    assert second["until"] == "1767603580" and second["__paging_token"] == "tok"
    assert "access_token" not in second


def test_refresh_gets_new_page_token(adapter, account, mock):
    mock.get(f"{G}/oauth/access_token").respond(
        200,
        json={"access_token": "fb-user-token-new", "token_type": "bearer", "expires_in": 5183944},
    )
    mock.get(f"{G}/me/accounts").respond(
        200,
        json={
            "data": [
                {
                    "id": PAGE,
                    "name": "Acme Bakery",
                    "access_token": "fb-page-token-new",
                    "category": "Bakery",
                }
            ]
        },
    )
    creds = adapter.refresh(account)
    assert creds.access_token == "fb-page-token-new"
    assert creds.extra["user_token"] == "fb-user-token-new"
    assert creds.expires_at is None


def test_refresh_without_user_token_needs_reconnect(adapter):
    acc = AccountRef(Platform.FACEBOOK, PAGE, "P", Credentials(TOKEN), app=AppCredentials("a", "b"))
    with pytest.raises(AuthError):
        adapter.refresh(acc)


def test_page_photo_hosting(adapter, account, mock, image):
    ig = AccountRef(
        Platform.INSTAGRAM,
        "17",
        "@ig",
        Credentials("ig-tok-123456"),
        settings={"media_hosting": {"kind": "facebook_page_photo", "page_id": PAGE}},
    )
    upload = mock.post(f"{G}/{PAGE}/photos").respond(200, json={"id": "ph1"})
    mock.get(f"{G}/ph1").respond(
        200,
        json={
            "images": [
                {"height": 100, "width": 100, "source": "https://scontent/small.jpg"},
                {"height": 1080, "width": 1080, "source": "https://scontent/big.jpg"},
            ]
        },
    )
    host = FacebookPagePhotoHost(adapter, lambda page_id: account)
    assert host.url_for(ig, image) == "https://scontent/big.jpg"
    assert b'name="published"' in upload.calls.last.request.content
    with pytest.raises(PermanentError):
        host.url_for(AccountRef(Platform.INSTAGRAM, "17", "@ig", Credentials("t")), image)
