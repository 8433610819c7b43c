"""Real Instagram Graph responses (tests/contract/recorded/instagram, provenance in
SOURCES.md) replayed through the Instagram adapter with respx, and the emulator held to the
same shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.adapters.graph_insights import insight_values
from app.core.ports import AccountRef, Credentials, MediaItem
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from tests.contract.graph_support import (
    GraphEmulator,
    assert_same_shape,
    recorded,
    shape_differences,
)
from tests.contract.graph_support import graph_emulator as running_emulator
from tests.emulator.helpers import MediaServer, jpeg

G = AdapterConfig.real().ig_graph("")
IG = "17841406338772941"  # the account in medias_p1.json's paging URL


def ig(name: str):
    return recorded("instagram", name)


@pytest.fixture
def account() -> AccountRef:
    return AccountRef(Platform.INSTAGRAM, IG, "ikroskun", Credentials("ig-token-for-tests"))


@pytest.fixture
def adapter(clock):
    with (
        httpx.Client(timeout=5.0) as client,
        InstagramAdapter(AdapterConfig.real(), clock, client, sleep=lambda s: None) as a,
    ):
        yield a


@pytest.fixture
def mock():
    import respx

    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def graph_emulator(clock):
    with running_emulator(clock) as emu:
        yield emu


@pytest.fixture
def media():
    with MediaServer() as server:
        yield server


def _item(mime: str, url: str) -> MediaItem:
    return MediaItem("/nonexistent", mime, 1, "0" * 64, public_url=url)


# ------------------------------------------------------------------ publishing


@pytest.mark.parametrize(
    ("created", "mime", "kind"),
    [("create_photo.json", "image/jpeg", None), ("create_video.json", "video/mp4", "REELS")],
)
def test_publish_reads_the_recorded_container_status_and_media_id(
    adapter, account, mock, created, mime, kind
):
    """content_publish_limit.json (25 a day, none used), a container id from create_*.json,
    its FINISHED status (container_info.json), and the media id from publish_container.json."""
    mock.get(f"{G}/{IG}/content_publishing_limit").respond(
        200, json=ig("content_publish_limit.json")
    )
    make = mock.post(f"{G}/{IG}/media").respond(200, json=ig(created))
    status = mock.get(f"{G}/{ig(created)['id']}").respond(200, json=ig("container_info.json"))
    publish = mock.post(f"{G}/{IG}/media_publish").respond(200, json=ig("publish_container.json"))
    result = adapter.publish(account, "caption", [_item(mime, "https://cdn.example/x")], "k")
    assert result.external_id == "17920238422030506"
    assert result.rate_limit is not None
    assert (result.rate_limit.limit, result.rate_limit.remaining) == (25, 25)
    assert status.called
    assert publish.calls.last.request.url.params["creation_id"] == ig(created)["id"]
    sent = dict(httpx.QueryParams(make.calls.last.request.content.decode()))
    assert sent.get("media_type") == kind


def test_emulator_publishing_has_the_recorded_shapes(graph_emulator: GraphEmulator, media):
    """The same four requests against the emulator. (create_video.json is the same endpoint
    and the same `{"id"}` body; the photo container stands for both.)"""
    emu, acct = graph_emulator, graph_emulator.instagram
    limit = emu.get(
        acct, f"/{acct.external_id}/content_publishing_limit", fields="config,quota_usage"
    )
    assert_same_shape(
        ig("content_publish_limit.json"), limit.json(), emulated_status=limit.status_code
    )
    made = emu.post(
        acct, f"/{acct.external_id}/media", image_url=media.url("a.jpg", jpeg(1080, 1080))
    )
    assert_same_shape(ig("create_photo.json"), made.json(), emulated_status=made.status_code)
    assert_same_shape(ig("create_video.json"), made.json(), emulated_status=made.status_code)
    status = emu.get(acct, f"/{made.json()['id']}", fields="id,status,status_code")
    assert_same_shape(ig("container_info.json"), status.json(), emulated_status=status.status_code)
    assert status.json()["status_code"] == "FINISHED"
    done = emu.client.post(
        emu.config.ig_graph(f"/{acct.external_id}/media_publish"),
        params={"creation_id": made.json()["id"]},
        headers={"Authorization": f"Bearer {acct.credentials.access_token}"},
    )
    assert_same_shape(ig("publish_container.json"), done.json(), emulated_status=done.status_code)


# ------------------------------------------------------------------ listing (look-ups)


def test_lookup_follows_the_media_cursor_to_the_second_page(adapter, account, mock):
    """medias_p1.json (no captions asked, cursors + next) then medias_p2.json (the album)."""
    route = mock.get(f"{G}/{IG}/media").mock(
        side_effect=[
            httpx.Response(200, json=ig("medias_p1.json")),
            httpx.Response(200, json=ig("medias_p2.json")),
        ]
    )
    since = datetime(2021, 7, 20, tzinfo=UTC)
    until = datetime(2021, 8, 14, tzinfo=UTC)
    assert adapter.find_existing(account, "k", "ALBUM", since, until) == "17896129349106152"
    first, second = (c.request.url.params for c in route.calls)
    assert int(first["until"]) > int(until.timestamp()) > int(first["since"])
    assert second["after"] == "after"


def test_emulator_media_listing_has_the_recorded_shape(graph_emulator: GraphEmulator, media):
    emu, acct = graph_emulator, graph_emulator.instagram
    for name in ("a.jpg", "b.jpg"):
        made = emu.post(
            acct, f"/{acct.external_id}/media", image_url=media.url(name, jpeg(1080, 1080))
        )
        emu.get(acct, f"/{made.json()['id']}", fields="status_code")
        emu.client.post(
            emu.config.ig_graph(f"/{acct.external_id}/media_publish"),
            params={"creation_id": made.json()["id"]},
            headers={"Authorization": f"Bearer {acct.credentials.access_token}"},
        )
        emu.server.advance(60)
    fields = "id,comments_count,like_count,media_type,media_url,permalink,timestamp"
    got = emu.get(acct, f"/{acct.external_id}/media", fields=fields, limit=1)
    assert_same_shape(ig("medias_p1.json"), got.json(), emulated_status=got.status_code)


# ------------------------------------------------------------------ insights


def test_insights_read_reach_when_views_are_not_there(adapter, account, mock):
    """insights.json (2021): impressions, reach, saved; no `views` (newer) and `impressions`
    retired since v22, so reach stands for views."""
    mock.get(f"{G}/m1/insights").respond(200, json=ig("insights.json"))
    m = adapter.fetch_metrics(account, ["m1"])["m1"]
    assert m.impressions == 5 and m.likes == 0


def test_total_value_insights_are_read():
    """insights_new.json: a metric given as `total_value` (with breakdowns), no `values`."""
    assert insight_values(ig("insights_new.json")) == {"profile_activity": 11}


def test_emulator_insights_have_the_recorded_shape(graph_emulator: GraphEmulator, media):
    emu, acct = graph_emulator, graph_emulator.instagram
    made = emu.post(
        acct, f"/{acct.external_id}/media", image_url=media.url("a.jpg", jpeg(1080, 1080))
    )
    emu.get(acct, f"/{made.json()['id']}", fields="status_code")
    done = emu.client.post(
        emu.config.ig_graph(f"/{acct.external_id}/media_publish"),
        params={"creation_id": made.json()["id"]},
        headers={"Authorization": f"Bearer {acct.credentials.access_token}"},
    ).json()
    got = emu.get(acct, f"/{done['id']}/insights", metric="reach,saved")
    assert_same_shape(ig("insights.json"), got.json(), emulated_status=got.status_code)


def test_the_shape_comparison_sees_differences():
    real = {"data": [{"id": "1", "n": 2}], "paging": {"next": "u"}}
    assert shape_differences(real, {"data": [{"id": 1, "n": 2}], "paging": {"next": "u"}}) == [
        "$.data[].id: recorded string, emulator integer"
    ]
    assert shape_differences(real, {"data": [{"id": "1", "n": 2}], "paging": {}}) == [
        "$.paging.next: missing in the emulator's answer"
    ]
    assert shape_differences(real, {**real, "extra": True}) == [
        "$.extra: not in the recorded answer"
    ]
