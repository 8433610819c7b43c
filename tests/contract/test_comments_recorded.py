"""First comments (issue 19) against recorded real Graph responses (provenance in
tests/contract/recorded/<net>/SOURCES.md): the adapters read them, and the emulator answers
in the same shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef, Credentials
from app.emulator.state import Post
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from tests.contract.graph_support import GraphEmulator, assert_same_shape, recorded
from tests.contract.graph_support import graph_emulator as running_emulator

MEDIA = "17846368219941692"  # the media in media_comments_p1.json's paging URL
FB_POST = "245628824887810_245778718206154"  # the post in comment_create.json's permalink


@pytest.fixture
def mock():
    import respx

    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def graph_emulator(clock):
    with running_emulator(clock) as emu:
        yield emu


def _adapter(cls, clock, client):
    return cls(AdapterConfig.real(), clock, client, sleep=lambda s: None)


def test_instagram_find_reply_reads_the_recorded_comment_listing(clock, mock):
    account = AccountRef(Platform.INSTAGRAM, "17841406338772941", "ig", Credentials("t"))
    url = AdapterConfig.real().ig_graph(f"/{MEDIA}/comments")
    # the recording's `paging.next` (after=after): an empty last page
    mock.get(url__startswith=url, params__contains={"after": "after"}).respond(
        200, json={"data": []}
    )
    route = mock.get(url__startswith=url).respond(
        200, json=recorded("instagram", "media_comments_p1.json")
    )
    with httpx.Client() as client, _adapter(InstagramAdapter, clock, client) as ig:
        since = datetime(2020, 6, 1, 10, 50, tzinfo=UTC)
        until = datetime(2020, 6, 1, 11, 0, tzinfo=UTC)
        found = ig.find_reply(account, "comment", MEDIA, "Beautiful!", since, until)
        assert found == "17858154961981086"  # the one made within the window
        early = datetime(2020, 6, 1, 10, 10, tzinfo=UTC)
        assert ig.find_reply(account, "comment", MEDIA, "Lovely", early, until) is None
    assert route.calls[0].request.url.params["fields"] == "id,text,timestamp"


def test_facebook_publish_comment_reads_the_recorded_answer(clock, mock):
    account = AccountRef(Platform.FACEBOOK, "245628824887810", "Page", Credentials("t"))
    url = AdapterConfig.real().graph(f"/{FB_POST}/comments")
    route = mock.post(url__startswith=url).respond(
        200, json=recorded("facebook", "comment_create.json")
    )
    with httpx.Client() as client, _adapter(FacebookAdapter, clock, client) as fb:
        result = fb.publish_comment(account, "Message from api", FB_POST, "key-1")
    assert result.external_id == "245778718206154_229887283291835"
    assert b"message=Message+from+api" in route.calls[0].request.content


def _published(emu: GraphEmulator, platform: str, account: str, external_id: str) -> None:
    core = emu.server.emulator
    with core.lock:
        core.state.add_post(Post(platform, account, external_id, "the post", core.now_ts()))


def test_emulator_comments_have_the_recorded_shapes(graph_emulator: GraphEmulator):
    emu = graph_emulator
    ig, fb = emu.instagram, emu.facebook
    _published(emu, "instagram", ig.external_id, MEDIA)
    made = emu.post(ig, f"/{MEDIA}/comments", message="Beautiful!")
    assert made.status_code == 200 and set(made.json()) == {"id"}  # Meta: {"id": ...}
    listed = emu.get(ig, f"/{MEDIA}/comments", fields="timestamp,text,id")
    real = recorded("instagram", "media_comments_p1.json")
    assert_same_shape(real, listed.json(), skip=frozenset({"$.paging"}))  # one page only

    post_id = f"{fb.external_id}_122100000000000001"
    _published(emu, "facebook", fb.external_id, post_id)
    made = emu.post(fb, f"/{post_id}/comments", message="Message from api")
    assert made.status_code == 200
    assert re.fullmatch(r"\d+_\d+", made.json()["id"])  # <post object id>_<comment id>
    got = emu.get(fb, f"/{post_id}/comments", fields="id,message,created_time")
    item = got.json()["data"][0]
    want = recorded("facebook", "comment_create.json")
    assert_same_shape({k: want[k] for k in ("id", "message", "created_time")}, item)
