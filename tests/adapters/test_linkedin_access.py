"""LinkedIn: what the granted scopes allow (issue 15.2, 15.4), the duplicate answer that names
the post (15.3), a sunset API version (15.8) and a look-up bounded by its window (16.8)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.adapters.oauth import OAuthError, connect
from app.core import platform_access
from app.core.ports import (
    AccountRef,
    AppCredentials,
    Credentials,
    DuplicatePostError,
    LookupUnavailableError,
    PermanentError,
    TransientError,
)
from app.platforms.linkedin import LINKEDIN_VERSION, access
from app.platforms.linkedin.adapter import LinkedInAdapter, linkedin_credentials
from app.platforms.names import Platform

API = "https://api.linkedin.com"
WEB = "https://www.linkedin.com"
PERSON = "urn:li:person:8675309"
ORG = "urn:li:organization:2414183"
APP = AppCredentials("li-client", "li-secret")
WRITE_ONLY = {"kind": "person", "scopes": ["openid", "profile", "w_member_social"]}
# Arisamiga/Linkedin-RSS issue 5: the body LinkedIn sent for a re-post.
DUPLICATE_BODY = {
    "errorDetailType": "com.linkedin.common.error.BadRequest",
    "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
    "Content is a duplicate of urn:li:share:7141138937766391808",
    "errorDetails": {
        "inputErrors": [
            {"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}
        ]
    },
    "status": 422,
}


def person(settings=None) -> AccountRef:
    return AccountRef(
        Platform.LINKEDIN, PERSON, "Pat", Credentials("li-token"), APP, settings or {}
    )


@pytest.fixture
def adapter(config, clock, client):
    return LinkedInAdapter(config, clock, client)


# ---------------------------------------------------------------- scopes (15.2)


def test_the_token_answers_scope_is_kept(clock):
    creds = linkedin_credentials(
        {"access_token": "t", "expires_in": 5184000, "scope": "openid,profile,w_member_social"},
        clock.now(),
    )
    assert creds.extra["scope"] == "openid,profile,w_member_social"
    assert access.parse_scopes(creds.extra["scope"]) == {"openid", "profile", "w_member_social"}


def test_connect_stores_the_granted_scopes_with_the_account(mock, clock):
    mock.route(host="127.0.0.1").pass_through()
    mock.post(f"{WEB}/oauth/v2/accessToken").respond(
        200,
        json={
            "access_token": "t",
            "expires_in": 5184000,
            "scope": "openid,profile,w_member_social",
        },
    )
    mock.get(f"{API}/v2/userinfo").respond(200, json={"sub": "8675309", "name": "Pat"})
    acls = mock.get(f"{API}/rest/organizationAcls").respond(200, json={"elements": []})
    (only,) = connect(
        Platform.LINKEDIN, APP, AdapterConfig.real(), open_browser=_browser(), port=0, timeout=5
    )
    assert only.settings["scopes"] == ["openid", "profile", "w_member_social"]
    assert not acls.called  # rw_organization_admin was not granted: not asked


def test_metrics_without_a_read_scope_are_not_asked_and_say_why(adapter, mock):
    route = mock.get(url__startswith=f"{API}/rest/socialActions/").respond(200, json={})
    with pytest.raises(PermanentError) as info:
        adapter.fetch_metrics(person(WRITE_ONLY), ["urn:li:share:1"])
    assert not route.called
    assert info.value.code == "not_permitted"
    assert info.value.message == access.LINKEDIN_PROFILE_STATS_REASON


def test_a_403_on_metrics_is_reported_not_swallowed(adapter, mock):
    mock.get(url__startswith=f"{API}/rest/socialActions/").respond(
        403, json={"message": "Not enough permissions to access: socialActions.GET", "status": 403}
    )
    with pytest.raises(PermanentError) as info:
        adapter.fetch_metrics(person(), ["urn:li:share:1"])
    assert info.value.code == "not_permitted"
    assert "does not let this app read profile statistics" in info.value.message


def test_a_deleted_post_is_still_left_out_of_metrics(adapter, mock):
    mock.get(url__startswith=f"{API}/rest/socialActions/").respond(
        404, json={"message": "Not found", "status": 404}
    )
    assert adapter.fetch_metrics(person(), ["urn:li:share:1"]) == {}


def test_the_reason_for_analytics_comes_from_one_core_service():
    assert platform_access.analytics_unavailable_reason(Platform.LINKEDIN, PERSON, WRITE_ONLY) == (
        access.LINKEDIN_PROFILE_STATS_REASON
    )
    granted = {"scopes": ["w_member_social", "r_member_social"]}
    assert platform_access.analytics_unavailable_reason(Platform.LINKEDIN, PERSON, granted) is None
    assert (
        platform_access.analytics_unavailable_reason(Platform.LINKEDIN, PERSON, {}) is None
    )  # unknown
    page = {"scopes": ["w_organization_social"]}
    assert platform_access.analytics_unavailable_reason(Platform.LINKEDIN, ORG, page) == (
        access.LINKEDIN_PAGE_STATS_REASON
    )
    assert platform_access.analytics_unavailable_reason(Platform.TWITTER, "1", WRITE_ONLY) is None


def test_find_existing_without_a_read_scope_cannot_know(adapter, mock, clock):
    route = mock.get(url__startswith=f"{API}/rest/posts").respond(200, json={"elements": []})
    with pytest.raises(LookupUnavailableError) as info:
        adapter.find_existing(person(WRITE_ONLY), "k", "hello", clock.now())
    assert not route.called
    assert info.value.resend_reveals_duplicate  # LinkedIn's DUPLICATE_POST names the post


def test_find_existing_refused_with_403_cannot_know(adapter, mock, clock):
    mock.get(url__startswith=f"{API}/rest/posts").respond(
        403,
        json={"message": "Not enough permissions to access: partnerApiPostsExternal.FINDER"},
    )
    with pytest.raises(LookupUnavailableError):
        adapter.find_existing(person(), "k", "hello", clock.now())


# ---------------------------------------------------------------- duplicate (15.3)


def test_the_recorded_duplicate_answer_names_the_existing_post(adapter, mock):
    mock.post(f"{API}/rest/posts").respond(422, json=DUPLICATE_BODY)
    with pytest.raises(DuplicatePostError) as info:
        adapter.publish(person(), "hello", [], "k")
    assert info.value.existing_id == "urn:li:share:7141138937766391808"
    assert info.value.url == (
        "https://www.linkedin.com/feed/update/urn:li:share:7141138937766391808/"
    )
    assert info.value.status == 422


# ---------------------------------------------------------------- version (15.8)

VERSION_REFUSED = {
    "status": 426,
    "code": "NONEXISTENT_VERSION",
    "message": "Requested version 202401 is not active",
}


def test_a_sunset_version_steps_once_to_the_known_one_and_logs_it(clock, client, mock, caplog):
    adapter = LinkedInAdapter(AdapterConfig.real(linkedin_version="202401"), clock, client)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["LinkedIn-Version"])
        if request.headers["LinkedIn-Version"] == "202401":
            return httpx.Response(426, json=VERSION_REFUSED)
        return httpx.Response(201, headers={"x-restli-id": f"urn:li:share:{len(seen)}"})

    mock.post(f"{API}/rest/posts").mock(side_effect=answer)
    with caplog.at_level(logging.WARNING, logger="app.platforms.linkedin.adapter"):
        first = adapter.publish(person(), "one", [], "k1")
        second = adapter.publish(person(), "two", [], "k2")
    assert (first.external_id, second.external_id) == ("urn:li:share:2", "urn:li:share:3")
    assert seen == ["202401", LINKEDIN_VERSION, LINKEDIN_VERSION]
    assert adapter.version == LINKEDIN_VERSION
    warnings = [r.getMessage() for r in caplog.records if "refused API version" in r.getMessage()]
    assert len(warnings) == 1 and "202401" in warnings[0]


def test_a_refused_known_version_is_never_a_permanent_failure(adapter, mock):
    mock.post(f"{API}/rest/posts").respond(426, json=VERSION_REFUSED)
    with pytest.raises(TransientError) as info:
        adapter.publish(person(), "hello", [], "k")
    assert info.value.code == "version_inactive"
    assert "settings" in info.value.message


# ---------------------------------------------------------------- look-up window (16.8)


def _element(n: int, when: datetime, text: str) -> dict:
    return {
        "id": f"urn:li:share:{n}",
        "commentary": text,
        "createdAt": int(when.timestamp() * 1000),
    }


def test_find_existing_pages_through_the_whole_window(adapter, mock, clock):
    """A busy author: the post is on page 8 of 50, well past the old 5-page cap."""
    now = clock.now()
    posts = [_element(1000 - i, now - timedelta(seconds=i), f"other {i}") for i in range(400)]
    posts[370] = _element(630, now - timedelta(seconds=370), "the one")
    starts: list[int] = []

    def page(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        start, count = int(q["start"]), int(q["count"])
        starts.append(start)
        return httpx.Response(200, json={"elements": posts[start : start + count]})

    mock.get(url__startswith=f"{API}/rest/posts").mock(side_effect=page)
    found = adapter.find_existing(person(), "k", "the one", now - timedelta(hours=1))
    assert found == "urn:li:share:630"
    assert starts == [0, 50, 100, 150, 200, 250, 300, 350]


def test_find_existing_stops_at_posts_older_than_the_window(adapter, mock, clock):
    now = clock.now()
    posts = [
        _element(10, now - timedelta(minutes=5), "new"),
        _element(9, now - timedelta(days=2), "x"),
    ]
    route = mock.get(url__startswith=f"{API}/rest/posts").respond(
        200, json={"elements": posts * 25}
    )
    assert adapter.find_existing(person(), "k", "x", now - timedelta(hours=1)) is None
    assert route.call_count == 1


def test_find_existing_ignores_a_same_text_post_made_after_the_window(adapter, mock, clock):
    now = clock.now()
    later = _element(2, now + timedelta(minutes=30), "hello")
    ours = _element(1, now - timedelta(minutes=2), "hello")
    mock.get(url__startswith=f"{API}/rest/posts").respond(200, json={"elements": [later, ours]})
    found = adapter.find_existing(
        person(), "k", "hello", now - timedelta(minutes=10), until=now + timedelta(minutes=1)
    )
    assert found == "urn:li:share:1"


def test_a_list_that_repeats_itself_is_not_searched_forever(adapter, mock, clock):
    now = clock.now()
    same = [_element(i, now, f"p{i}") for i in range(50)]
    route = mock.get(url__startswith=f"{API}/rest/posts").respond(200, json={"elements": same})
    with pytest.raises(TransientError):
        adapter.find_existing(person(), "k", "absent", now - timedelta(hours=1))
    assert route.call_count == 2


# ---------------------------------------------------------------- company pages (15.4)


def _browser(answer=None):
    def open_browser(url: str) -> bool:
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        open_browser.scopes = q["scope"].split(" ")  # type: ignore[attr-defined]
        params = answer(q) if answer else {"code": "c", "state": q["state"]}
        httpx.get(q["redirect_uri"], params=params)
        return True

    return open_browser


def _token(mock, scope: str) -> None:
    mock.route(host="127.0.0.1").pass_through()
    mock.post(f"{WEB}/oauth/v2/accessToken").respond(
        200, json={"access_token": "t", "expires_in": 5184000, "scope": scope}
    )
    mock.get(f"{API}/v2/userinfo").respond(200, json={"sub": "8675309", "name": "Pat"})


def test_post_as_a_page_asks_for_the_page_scopes_and_lists_the_pages(mock):
    _token(mock, "openid,profile,w_member_social," + ",".join(access.LINKEDIN_PAGE_SCOPES))
    acls = mock.get(f"{API}/rest/organizationAcls").respond(
        200,
        json={
            "paging": {"count": 10, "start": 0, "links": []},
            "elements": [
                {
                    "roleAssignee": PERSON,
                    "state": "APPROVED",
                    "role": "ADMINISTRATOR",
                    "organization": ORG,
                }
            ],
        },
    )
    browser = _browser()
    accounts = connect(
        Platform.LINKEDIN,
        APP,
        AdapterConfig.real(),
        open_browser=browser,
        port=0,
        timeout=5,
        linkedin_pages=True,
    )
    assert set(access.LINKEDIN_PAGE_SCOPES) <= set(browser.scopes)  # type: ignore[attr-defined]
    assert [a.external_id for a in accounts] == [PERSON, ORG]
    assert accounts[1].settings["kind"] == "organization"
    assert "w_organization_social" in accounts[1].settings["scopes"]
    assert acls.calls.last.request.url.params["q"] == "roleAssignee"


def test_without_the_page_option_no_page_scope_is_asked(mock):
    _token(mock, "openid,profile,w_member_social")
    browser = _browser()
    connect(Platform.LINKEDIN, APP, AdapterConfig.real(), open_browser=browser, port=0, timeout=5)
    assert not set(access.LINKEDIN_PAGE_SCOPES) & set(browser.scopes)  # type: ignore[attr-defined]


def test_pages_not_granted_in_the_token_answer_are_explained(mock):
    _token(mock, "openid,profile,w_member_social")
    with pytest.raises(OAuthError) as info:
        connect(
            Platform.LINKEDIN,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(),
            port=0,
            timeout=5,
            linkedin_pages=True,
        )
    assert str(info.value) == access.LINKEDIN_PAGES_NOT_GRANTED


def test_pages_refused_with_403_are_explained(mock):
    _token(mock, "openid,profile,w_member_social," + ",".join(access.LINKEDIN_PAGE_SCOPES))
    mock.get(f"{API}/rest/organizationAcls").respond(
        403, json={"message": "Not enough permissions to access: organizationAcls", "status": 403}
    )
    with pytest.raises(OAuthError, match="Community Management API"):
        connect(
            Platform.LINKEDIN,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(),
            port=0,
            timeout=5,
            linkedin_pages=True,
        )


def test_an_authorize_page_refusing_the_page_scopes_is_explained():
    def refuse(q):
        return {
            "error": "unauthorized_scope_error",
            "error_description": 'Scope "rw_organization_admin" is not authorized for your application',
            "state": q["state"],
        }

    with pytest.raises(OAuthError) as info:
        connect(
            Platform.LINKEDIN,
            APP,
            AdapterConfig.real(),
            open_browser=_browser(refuse),
            port=0,
            timeout=5,
            linkedin_pages=True,
        )
    assert str(info.value) == access.LINKEDIN_PAGES_NOT_GRANTED


def test_page_statistics_use_organizational_entity_share_statistics(adapter, mock):
    route = mock.get(url__startswith=f"{API}/rest/organizationalEntityShareStatistics").respond(
        200,
        json={
            "elements": [
                {
                    "organizationalEntity": ORG,
                    "share": "urn:li:share:1",
                    "totalShareStatistics": {
                        "uniqueImpressionsCount": 40,
                        "shareCount": 2,
                        "engagement": 0.1,
                        "clickCount": 3,
                        "likeCount": 5,
                        "impressionCount": 50,
                        "commentCount": 1,
                    },
                }
            ]
        },
    )
    page = AccountRef(
        Platform.LINKEDIN, ORG, "Acme", Credentials("t"), APP, {"scopes": ["r_organization_social"]}
    )
    metrics = adapter.fetch_metrics(page, ["urn:li:share:1"])
    assert metrics["urn:li:share:1"].impressions == 50 and metrics["urn:li:share:1"].likes == 5
    assert "organizationalEntity=urn%3Ali%3Aorganization%3A2414183" in str(
        route.calls.last.request.url
    )


def test_listing_pages_survives_a_sunset_version(mock):
    _token(mock, "openid,profile,w_member_social," + ",".join(access.LINKEDIN_PAGE_SCOPES))
    versions: list[str] = []

    def acls(request: httpx.Request) -> httpx.Response:
        versions.append(request.headers["LinkedIn-Version"])
        if versions[-1] == "202401":
            return httpx.Response(426, json=VERSION_REFUSED)
        return httpx.Response(200, json={"elements": [{"organization": ORG}]})

    mock.get(f"{API}/rest/organizationAcls").mock(side_effect=acls)
    accounts = connect(
        Platform.LINKEDIN,
        APP,
        AdapterConfig.real(linkedin_version="202401"),
        open_browser=_browser(),
        port=0,
        timeout=5,
        linkedin_pages=True,
    )
    assert versions == ["202401", LINKEDIN_VERSION]
    assert [a.external_id for a in accounts] == [PERSON, ORG]
