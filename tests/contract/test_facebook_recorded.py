"""Real Graph responses (tests/contract/recorded/facebook, provenance in SOURCES.md) replayed
through the Facebook adapter with respx, and the emulator held to the same shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef, AppCredentials, Credentials, MediaItem, PermanentError
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.names import Platform
from tests.contract.graph_support import GraphEmulator, assert_same_shape, recorded
from tests.contract.graph_support import graph_emulator as running_emulator

G = AdapterConfig.real().graph("")
PAGE = "2121008874780932"  # the Page in user_accounts_token.json


def fb(name: str):
    return recorded("facebook", name)


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        Platform.FACEBOOK,
        PAGE,
        "MyLife",
        Credentials("page-token-for-tests", extra={"user_token": "user-token-for-tests"}),
        AppCredentials("app-id", "app-secret"),
    )


@pytest.fixture
def graph_emulator(clock):
    with running_emulator(clock) as emu:
        yield emu


@pytest.fixture
def adapter(clock):
    with (
        httpx.Client(timeout=5.0) as client,
        FacebookAdapter(AdapterConfig.real(), clock, client, sleep=lambda s: None) as a,
    ):
        yield a


@pytest.fixture
def mock():
    import respx

    with respx.mock(assert_all_called=False) as router:
        yield router


# ------------------------------------------------------------------ feed (look-ups)


def test_feed_pages_by_time_and_the_lookup_follows_next(adapter, account, mock):
    """feed_fields_p1/p2: time-based paging (no cursors; `next` has until, an empty since and
    a __paging_token). The look-up finds a post on page 1, and for an absent one follows
    `next` on its own URL with its own since, never echoing the access_token in it."""
    route = mock.get(f"{G}/{PAGE}/feed").mock(
        side_effect=[
            httpx.Response(200, json=fb("feed_fields_p1.json")),
            httpx.Response(200, json=fb("feed_fields_p1.json")),
            httpx.Response(200, json=fb("feed_fields_p2.json")),
        ]
    )
    since = datetime(2021, 6, 20, tzinfo=UTC)
    found = adapter.find_existing(
        account,
        "k",
        "I'm grateful to get to build things that so many people find meaningful in their lives.",
        since,
    )
    assert found == "4_10113400535556121"
    assert adapter.find_existing(account, "k", "never posted", since) is None
    second = route.calls[2].request.url.params
    assert second["until"] == "1624385168" and second["__paging_token"] == "__paging_token"
    assert second["since"] == str(int((since - timedelta(minutes=1)).timestamp()))
    assert "access_token" not in second


def test_emulator_feed_has_the_recorded_shape(graph_emulator: GraphEmulator):
    emu = graph_emulator
    page = emu.facebook
    for i in range(3):
        emu.post(page, f"/{page.external_id}/feed", message=f"post {i}")
        emu.server.advance(60)
    fields = "id,message,created_time"
    first = emu.get(page, f"/{page.external_id}/feed", fields=fields, limit=2)
    assert_same_shape(fb("feed_fields_p1.json"), first.json(), emulated_status=first.status_code)
    last = emu.client.get(first.json()["paging"]["next"], headers=_auth(page))
    assert_same_shape(fb("feed_fields_p2.json"), last.json(), emulated_status=last.status_code)


def test_post_fields_are_read_as_recorded(adapter, account, mock):
    """single_post_data_fields.json is what a feed item looks like to the look-up."""
    post = fb("single_post_data_fields.json")
    mock.get(f"{G}/{PAGE}/feed").respond(200, json={"data": [post]})
    since = datetime(2019, 8, 12, 3, 40, tzinfo=UTC)
    assert adapter.find_existing(account, "k", "我测试一下  MyLife", since) == post["id"]
    assert (
        adapter.find_existing(account, "k", "我测试一下 MyLife", since + timedelta(hours=1)) is None
    )


def test_emulator_post_fields_have_the_recorded_shape(graph_emulator: GraphEmulator):
    emu = graph_emulator
    post_id = emu.post(emu.facebook, f"/{emu.facebook.external_id}/feed", message="hi").json()["id"]
    got = emu.get(emu.facebook, f"/{post_id}", fields="id,created_time,message")
    assert_same_shape(
        fb("single_post_data_fields.json"), got.json(), emulated_status=got.status_code
    )


# ------------------------------------------------------------------ engagement fields


def test_comments_and_reactions_summaries_are_read(adapter, account, mock):
    """single_post_data.json: comments.summary.total_count 0, reactions.summary.total_count
    1 (no `shares` field: nobody shared it). With no insights yet, the reactions count is
    the likes, and views are not reported (None, not 0)."""
    post = "175154750010052_424924701699721"
    mock.get(f"{G}/{post}/insights").respond(200, json={"data": []})
    mock.get(f"{G}/{post}").respond(200, json=fb("single_post_data.json"))
    m = adapter.fetch_metrics(account, [post])[post]
    assert (m.likes, m.comments, m.shares, m.impressions) == (1, 0, 0, None)


def test_emulator_summaries_have_the_recorded_shape(graph_emulator: GraphEmulator):
    emu = graph_emulator
    post_id = emu.post(emu.facebook, f"/{emu.facebook.external_id}/feed", message="hi").json()["id"]
    got = emu.get(
        emu.facebook, f"/{post_id}", fields="comments.summary(true),reactions.summary(true)"
    ).json()
    real = fb("single_post_data.json")
    assert_same_shape(real["comments"], got["comments"])
    assert_same_shape(real["reactions"], got["reactions"])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("name", ["error_data.json", "error.json"])
def test_error_envelopes_are_permanent_with_graphs_words(adapter, account, mock, name):
    body = fb(name)
    mock.post(f"{G}/{PAGE}/feed").respond(400, json=body)
    with pytest.raises(PermanentError) as caught:
        adapter.publish(account, "hello", [], "k")
    assert caught.value.code == "graph_100"
    assert caught.value.message.startswith("(#100)")
    mock.get(f"{G}/p1/insights").respond(400, json=body)
    assert adapter.fetch_metrics(account, ["p1"]) == {}  # no insights: the post is left out


@pytest.mark.parametrize("name", ["error_data.json", "error.json"])
def test_emulator_error_envelope_has_the_recorded_shape(graph_emulator: GraphEmulator, name):
    """Same kind of refusal (code 100, OAuthException): a retired insights metric."""
    emu = graph_emulator
    post_id = emu.post(emu.facebook, f"/{emu.facebook.external_id}/feed", message="hi").json()["id"]
    got = emu.get(emu.facebook, f"/{post_id}/insights", metric="post_impressions")
    assert_same_shape(fb(name), got.json(), real_status=400, emulated_status=got.status_code)


# ------------------------------------------------------------------ tokens and pages


def test_refresh_reads_the_long_lived_token_and_pages_across_two_pages(
    adapter, account, mock, clock
):
    """long_term_token.json, then /me/accounts: user_accounts_p1.json (4 Pages, cursors and
    next) and user_accounts_token.json (the last page, our Page, no next)."""
    mock.get(f"{G}/oauth/access_token").respond(200, json=fb("long_term_token.json"))
    pages = mock.get(f"{G}/me/accounts").mock(
        side_effect=[
            httpx.Response(200, json=fb("user_accounts_p1.json")),
            httpx.Response(200, json=fb("user_accounts_token.json")),
        ]
    )
    fresh = adapter.refresh(account)
    assert fresh.access_token == "access_token"  # the redacted page token of our Page
    assert fresh.extra["user_token"] == "token"
    expires = datetime.fromisoformat(fresh.extra["user_token_expires_at"])
    assert expires == clock.now() + timedelta(seconds=5184000)
    assert pages.call_count == 2
    assert pages.calls[1].request.url.params["after"] == "after"


def test_emulator_token_exchange_has_the_recorded_shape(graph_emulator: GraphEmulator):
    emu = graph_emulator
    page = emu.facebook
    assert page.app is not None
    got = emu.client.get(
        emu.config.graph("/oauth/access_token"),
        params={
            "grant_type": "fb_exchange_token",
            "client_id": page.app.client_id,
            "client_secret": page.app.client_secret,
            "fb_exchange_token": page.credentials.extra["user_token"],
        },
    )
    assert_same_shape(fb("long_term_token.json"), got.json(), emulated_status=got.status_code)


def test_emulator_pages_have_the_recorded_shape(graph_emulator: GraphEmulator):
    emu = graph_emulator
    user = AccountRef(
        Platform.FACEBOOK, "me", "me", Credentials(emu.facebook.credentials.extra["user_token"])
    )
    got = emu.get(user, "/me/accounts", fields="access_token,category,category_list,name,id,tasks")
    assert_same_shape(fb("user_accounts_token.json"), got.json(), emulated_status=got.status_code)
    # The first page of a longer list: it also has `next`, and the total asked with summary=1
    # (Herald does not ask it); one emulated Page has no next page.
    assert_same_shape(
        fb("user_accounts_p1.json"),
        got.json(),
        skip=frozenset({"$.paging.next", "$.summary"}),
    )


# ------------------------------------------------------------------ video posts


@pytest.fixture
def video(tmp_path) -> MediaItem:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    return MediaItem(str(path), "video/mp4", 80, "0" * 64)


def test_a_video_object_without_post_id_keeps_the_video_id(adapter, account, mock, video):
    """video_info_fields.json has no post_id (Graph fills it once the video is a post): the
    adapter asks again, then keeps the video's id rather than failing a live post."""
    real = fb("video_info_fields.json")
    mock.post(f"{G}/{PAGE}/videos").respond(200, json={"id": real["id"]})
    lookups = mock.get(f"{G}/{real['id']}").respond(200, json=real)
    assert adapter.publish(account, "watch", [video], "k").external_id == real["id"]
    assert lookups.call_count == 4
    assert lookups.calls[0].request.url.params["fields"] == "post_id"


def test_emulator_video_object_has_the_recorded_shape(graph_emulator: GraphEmulator, video):
    emu = graph_emulator
    page = emu.facebook
    with open(video.path, "rb") as f:
        made = emu.client.post(
            emu.config.graph(f"/{page.external_id}/videos"),
            data={"description": "watch"},
            files={"source": ("clip.mp4", f, "video/mp4")},
            headers=_auth(page),
        )
    got = emu.get(page, f"/{made.json()['id']}", fields="description,updated_time")
    assert_same_shape(fb("video_info_fields.json"), got.json(), emulated_status=got.status_code)


def _auth(account: AccountRef) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.credentials.access_token}"}
