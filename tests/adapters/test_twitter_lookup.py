"""X crash recovery and metrics against respx: find_existing searches the doubtful attempt's time
window to its end (no page cap); reposts are read from `repost_count` or `retweet_count`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.adapters.base import MAX_LOOKUP_PAGES
from app.core.clock import FakeClock
from app.core.ports import AccountRef, AppCredentials, Credentials, TransientError
from app.platforms.names import Platform
from app.platforms.twitter.adapter import TwitterAdapter

API = "https://api.x.com"
USER = "2244994945"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(
        platform=Platform.TWITTER,
        external_id=USER,
        handle="@herald",
        credentials=Credentials("x-access-token-abcdef123456", "x-refresh-token-1", None),
        app=AppCredentials("client-id", "client-secret"),
    )


@pytest.fixture
def adapter(config, client):
    return TwitterAdapter(config, FakeClock(NOW), client)


def timeline_pages(pages: int, match_on: int | None, text: str) -> list[httpx.Response]:
    """`pages` full pages of other posts; the post with `text` on page `match_on`."""
    out = []
    for n in range(pages):
        data = [{"id": str(10_000 * n + i), "text": f"busy {n}-{i}"} for i in range(100)]
        if n == match_on:
            data[-1] = {"id": "4242", "text": text}
        meta: dict = {"result_count": len(data)}
        if n < pages - 1:
            meta["next_token"] = f"token{n + 1}"
        out.append(httpx.Response(200, json={"data": data, "meta": meta}))
    return out


def test_a_busy_window_is_searched_past_the_old_page_cap(adapter, account, mock):
    pages = MAX_LOOKUP_PAGES + 3
    route = mock.get(f"{API}/2/users/{USER}/tweets").mock(
        side_effect=timeline_pages(pages, pages - 1, "the lost one")
    )
    since = NOW - timedelta(minutes=30)
    until = NOW - timedelta(minutes=20)
    assert adapter.find_existing(account, "k", "the lost one", since, until) == "4242"
    assert route.call_count == pages
    tokens = [c.request.url.params.get("pagination_token") for c in route.calls]
    assert tokens == [None] + [f"token{n}" for n in range(1, pages)]


def test_absent_post_in_a_busy_window_is_none_not_a_give_up(adapter, account, mock):
    route = mock.get(f"{API}/2/users/{USER}/tweets").mock(
        side_effect=timeline_pages(MAX_LOOKUP_PAGES + 2, None, "")
    )
    since = NOW - timedelta(minutes=30)
    until = NOW - timedelta(minutes=20)
    assert adapter.find_existing(account, "k", "never sent", since, until) is None
    assert route.call_count == MAX_LOOKUP_PAGES + 2


def test_the_request_names_the_attempt_window(adapter, account, mock):
    route = mock.get(f"{API}/2/users/{USER}/tweets").respond(200, json={"meta": {}})
    since = datetime(2026, 3, 2, 11, 30, 15, tzinfo=UTC)
    until = datetime(2026, 3, 2, 11, 40, 0, tzinfo=UTC)
    assert adapter.find_existing(account, "k", "t", since, until) is None
    params = route.calls[0].request.url.params
    # a minute either side for the clocks of Herald and X
    assert params["start_time"] == "2026-03-02T11:29:15Z"
    assert params["end_time"] == "2026-03-02T11:41:00Z"
    assert params["max_results"] == "100"


@pytest.mark.parametrize("until", [None, NOW - timedelta(seconds=30)], ids=["open", "recent"])
def test_a_window_reaching_now_sends_no_end_time(adapter, account, mock, until):
    route = mock.get(f"{API}/2/users/{USER}/tweets").respond(200, json={"meta": {}})
    adapter.find_existing(account, "k", "t", NOW - timedelta(minutes=5), until)
    assert "end_time" not in route.calls[0].request.url.params


def test_a_timeline_that_repeats_a_page_is_transient(adapter, account, mock):
    page = {"data": [{"id": "1", "text": "other"}], "meta": {"next_token": "same"}}
    mock.get(f"{API}/2/users/{USER}/tweets").respond(200, json=page)
    with pytest.raises(TransientError) as info:
        adapter.find_existing(account, "k", "t", NOW - timedelta(minutes=5))
    assert info.value.code == "lookup_loop"


def test_a_window_beyond_x_reach_of_3200_posts_is_not_proof_of_absence(adapter, account, mock):
    mock.get(f"{API}/2/users/{USER}/tweets").mock(side_effect=timeline_pages(32, None, ""))
    with pytest.raises(TransientError) as info:
        adapter.find_existing(account, "k", "t", NOW - timedelta(days=30))
    assert info.value.code == "lookup_truncated"


# ---------------------------------------------------------------------- metrics
def metrics_reply(public_metrics: dict) -> dict:
    return {"data": [{"id": "1", "text": "t", "public_metrics": public_metrics}]}


def test_reposts_are_read_from_repost_count(adapter, account, mock):
    # X's OpenAPI v2.167 (xdevplatform/xdk specs/openapi.json, PostPublicMetrics)
    mock.get(f"{API}/2/tweets").respond(
        200,
        json=metrics_reply(
            {
                "repost_count": 6,
                "reply_count": 2,
                "like_count": 3,
                "quote_count": 1,
                "bookmark_count": 0,
                "impression_count": 90,
            }
        ),
    )
    m = adapter.fetch_metrics(account, ["1"])["1"]
    assert (m.likes, m.shares, m.comments, m.impressions) == (3, 7, 2, 90)


def test_reposts_are_read_from_retweet_count(adapter, account, mock):
    # docs.x.com and recorded traffic
    mock.get(f"{API}/2/tweets").respond(
        200, json=metrics_reply({"retweet_count": 6, "like_count": 3, "quote_count": 1})
    )
    assert adapter.fetch_metrics(account, ["1"])["1"].shares == 7


def test_both_names_are_one_number_not_two(adapter, account, mock):
    mock.get(f"{API}/2/tweets").respond(
        200, json=metrics_reply({"retweet_count": 6, "repost_count": 6, "quote_count": 0})
    )
    assert adapter.fetch_metrics(account, ["1"])["1"].shares == 6
