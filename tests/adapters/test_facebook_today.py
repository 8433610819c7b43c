"""Facebook as Graph is today (issue 15.1, 15.7, 16.8): retired insights metrics, video
posts whose answer is the video's id, and look-ups bounded by the attempt's time window."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from app.core.analytics.refusals import REFUSED_SETTING, merge_refused, refused_now
from app.core.ports import AccountRef, Credentials, MediaItem
from app.platforms.facebook.adapter import INSIGHT_METRICS, FacebookAdapter
from app.platforms.names import Platform

G = "https://graph.facebook.com/v25.0"
PAGE = "101010"
INVALID = {
    "error": {
        "message": "(#100) The value must be a valid insights metric",
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "AbCdEf",
    }
}


def _account(settings: dict | None = None) -> AccountRef:
    return AccountRef(
        Platform.FACEBOOK,
        PAGE,
        "Acme Bakery",
        Credentials("fb-page-token-abcdef"),
        settings=settings or {},
    )


@pytest.fixture
def account() -> AccountRef:
    return _account()


@pytest.fixture
def adapter(config, clock, client):
    with FacebookAdapter(config, clock, client, sleep=lambda s: None) as a:
        yield a


def _insights(**values) -> dict:
    return {
        "data": [
            {"name": name, "period": "lifetime", "values": [{"value": value}]}
            for name, value in values.items()
        ]
    }


def _post_fields(mock, post: str) -> None:
    mock.get(f"{G}/{post}").respond(
        200,
        json={
            "id": post,
            "shares": {"count": 3},
            "comments": {"data": [], "summary": {"total_count": 5}},
            "reactions": {"data": [], "summary": {"total_count": 9}},
        },
    )


def _served(request: httpx.Request, refused: set[str], values: dict) -> httpx.Response:
    names = request.url.params["metric"].split(",")
    if refused & set(names):
        return httpx.Response(400, json=INVALID)
    return httpx.Response(200, json=_insights(**{n: values[n] for n in names}))


def test_asks_for_todays_metrics_not_the_retired_one(adapter, account, mock):
    post = f"{PAGE}_1"
    route = mock.get(f"{G}/{post}/insights").respond(
        200,
        json=_insights(
            post_total_media_view_unique=120,
            post_reactions_by_type_total={"like": 6, "love": 2},
            post_clicks=4,
        ),
    )
    _post_fields(mock, post)
    m = adapter.fetch_metrics(account, [post])[post]
    asked = route.calls.last.request.url.params["metric"].split(",")
    assert "post_impressions" not in asked and "post_total_media_view_unique" in asked
    assert (m.likes, m.comments, m.shares, m.impressions) == (8, 5, 3, 120)
    assert m.refused_metrics == ()


def test_one_refused_metric_does_not_blank_the_others(adapter, account, mock):
    """Graph refuses the whole request for one invalid name without saying which: the
    adapter finds it, asks again without it, reports it, and stores None (not 0) for it."""
    post = f"{PAGE}_1"
    values = {
        "post_total_media_view_unique": 70,
        "post_reactions_by_type_total": {"like": 4},
        "post_clicks": 2,
    }
    route = mock.get(f"{G}/{post}/insights").mock(
        side_effect=lambda r: _served(r, {"post_total_media_view_unique"}, values)
    )
    _post_fields(mock, post)
    m = adapter.fetch_metrics(account, [post])[post]
    assert m.impressions is None  # "not reported by Facebook", never 0
    assert (m.likes, m.comments, m.shares) == (4, 5, 3)
    assert m.refused_metrics == ("post_total_media_view_unique",)
    last = route.calls.last.request.url.params["metric"].split(",")
    assert "post_total_media_view_unique" not in last


def test_a_remembered_refusal_is_not_asked_again(adapter, mock, clock):
    post = f"{PAGE}_1"
    settings = merge_refused({}, ["post_total_media_view_unique"], clock.now())
    route = mock.get(f"{G}/{post}/insights").respond(
        200, json=_insights(post_reactions_by_type_total={"like": 1}, post_clicks=0)
    )
    _post_fields(mock, post)
    m = adapter.fetch_metrics(_account(settings), [post])[post]
    assert route.call_count == 1
    assert "post_total_media_view_unique" not in route.calls.last.request.url.params["metric"]
    assert m.impressions is None and m.refused_metrics == ()


def test_a_refusal_is_checked_again_after_a_month(clock):
    settings = merge_refused({}, ["post_clicks"], clock.now())
    assert refused_now(settings, clock.now() + timedelta(days=29)) == {"post_clicks"}
    assert refused_now(settings, clock.now() + timedelta(days=31)) == set()
    assert REFUSED_SETTING in settings


def test_reactions_fall_back_to_the_post_summary(adapter, account, mock):
    post = f"{PAGE}_1"
    values = {"post_total_media_view_unique": 10, "post_clicks": 1}
    mock.get(f"{G}/{post}/insights").mock(
        side_effect=lambda r: _served(r, {"post_reactions_by_type_total"}, values)
    )
    _post_fields(mock, post)
    m = adapter.fetch_metrics(account, [post])[post]
    assert m.likes == 9 and m.impressions == 10
    assert m.refused_metrics == ("post_reactions_by_type_total",)


def test_every_metric_refused_still_gives_the_post_fields(adapter, account, mock):
    post = f"{PAGE}_1"
    mock.get(f"{G}/{post}/insights").respond(400, json=INVALID)
    _post_fields(mock, post)
    m = adapter.fetch_metrics(account, [post])[post]
    assert (m.likes, m.comments, m.shares, m.impressions) == (9, 5, 3, None)
    assert set(m.refused_metrics) == set(INSIGHT_METRICS)


# ------------------------------------------------------------------ video posts (15.7)


@pytest.fixture
def video(tmp_path) -> MediaItem:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    return MediaItem(str(path), "video/mp4", 80, "0" * 64)


def test_video_post_stores_the_feed_post_id(adapter, account, mock, video):
    mock.post(f"{G}/{PAGE}/videos").respond(200, json={"id": "777"})
    lookup = mock.get(f"{G}/777").respond(200, json={"post_id": f"{PAGE}_888", "id": "777"})
    result = adapter.publish(account, "our new oven", [video], "k")
    assert result.external_id == f"{PAGE}_888"
    assert result.url == f"https://www.facebook.com/{PAGE}_888"
    assert lookup.calls.last.request.url.params["fields"] == "post_id"


def test_video_post_id_is_awaited_while_processing(config, clock, client, account, mock, video):
    waits: list[float] = []
    mock.post(f"{G}/{PAGE}/videos").respond(200, json={"id": "777"})
    mock.get(f"{G}/777").mock(
        side_effect=[
            httpx.Response(200, json={"id": "777"}),
            httpx.Response(200, json={"post_id": f"{PAGE}_888", "id": "777"}),
        ]
    )
    with FacebookAdapter(config, clock, client, sleep=waits.append) as adapter:
        assert adapter.publish(account, "oven", [video], "k").external_id == f"{PAGE}_888"
    assert len(waits) == 1


def test_video_without_post_id_keeps_the_video_id(adapter, account, mock, video):
    """The video is live: a failing look-up must not turn the publish into a failure."""
    mock.post(f"{G}/{PAGE}/videos").respond(200, json={"id": "777"})
    mock.get(f"{G}/777").respond(500, json={"error": {"message": "x", "code": 2}})
    assert adapter.publish(account, "oven", [video], "k").external_id == "777"


# ------------------------------------------------------------------ look-up window (16.8)


def _feed_item(n: int, when: datetime, text: str = "filler") -> dict:
    return {
        "id": f"{PAGE}_{n}",
        "message": text,
        "created_time": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
    }


def test_lookup_searches_the_window_to_its_end(adapter, account, mock, clock):
    """A busy Page: the post is on page 8 of the window. Today's code gives up after 5."""
    since = clock.now() - timedelta(minutes=30)
    until = clock.now() - timedelta(minutes=20)
    pages = []
    for p in range(8):
        items = [_feed_item(p * 10 + i, until - timedelta(seconds=p * 10 + i)) for i in range(10)]
        pages.append(items)
    pages[7][5] = _feed_item(999, until - timedelta(seconds=75), "the doubtful one")

    def serve(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("after", "0"))
        body: dict = {"data": pages[page], "paging": {"cursors": {"after": str(page + 1)}}}
        if page + 1 < len(pages):
            body["paging"]["next"] = f"{G}/{PAGE}/feed?after={page + 1}"
        return httpx.Response(200, json=body)

    route = mock.get(f"{G}/{PAGE}/feed").mock(side_effect=serve)
    found = adapter.find_existing(account, "k", "the doubtful one", since, until)
    assert found == f"{PAGE}_999"
    first = route.calls[0].request.url.params
    assert int(first["since"]) == int((since - timedelta(minutes=1)).timestamp())
    assert int(first["until"]) == int((until + timedelta(minutes=5)).timestamp())
    assert route.call_count == 8


def test_lookup_without_until_reads_to_now(adapter, account, mock, clock):
    route = mock.get(f"{G}/{PAGE}/feed").respond(200, json={"data": []})
    assert adapter.find_existing(account, "k", "x", clock.now()) is None
    assert "until" not in route.calls.last.request.url.params


def test_a_listing_that_repeats_itself_is_not_read_forever(adapter, account, mock, clock):
    from app.core.ports import TransientError

    body = {
        "data": [_feed_item(1, clock.now())],
        "paging": {"cursors": {"after": "same"}, "next": f"{G}/{PAGE}/feed?after=same"},
    }
    mock.get(f"{G}/{PAGE}/feed").respond(200, json=body)
    with pytest.raises(TransientError):
        adapter.find_existing(account, "k", "never", clock.now() - timedelta(minutes=1))


# ------------------------------------------------------------------ Instagram, same reader


def test_instagram_drops_a_metric_it_no_longer_serves(clock, client, mock):
    from app.adapters.config import AdapterConfig
    from app.platforms.instagram.adapter import InstagramAdapter

    ig = AdapterConfig.real().ig_graph("")
    account = AccountRef(Platform.INSTAGRAM, "17841", "shop", Credentials("ig-token"))
    refusal = {
        "error": {
            "message": "(#100) metric[6] must be one of the following values: reach, likes",
            "type": "OAuthException",
            "code": 100,
            "fbtrace_id": "Ab",
        }
    }
    values = {"reach": 40, "likes": 3, "comments": 1, "shares": 0, "saved": 0}
    values["total_interactions"] = 4

    def serve(request: httpx.Request) -> httpx.Response:
        names = request.url.params["metric"].split(",")
        if "views" in names:
            return httpx.Response(400, json=refusal)
        return httpx.Response(200, json=_insights(**{n: values[n] for n in names}))

    mock.get(f"{ig}/m1/insights").mock(side_effect=serve)
    with InstagramAdapter(AdapterConfig.real(), clock, client) as adapter:
        m = adapter.fetch_metrics(account, ["m1"])["m1"]
    assert (m.likes, m.comments, m.impressions) == (3, 1, 40)
    assert m.refused_metrics == ("views",)
