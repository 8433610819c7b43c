"""Bluesky held to real responses (tests/contract/recorded/bluesky/SOURCES.md): the adapter
reads them (respx), and the emulator answers the same calls with the same shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from app.adapters.config import AdapterConfig
from app.core.clock import FakeClock
from app.core.ports import AccountRef, Credentials
from app.platforms.bluesky import session
from app.platforms.bluesky.adapter import BlueskyAdapter
from app.platforms.names import Platform

RECORDED = Path(__file__).parent / "recorded" / "bluesky"
PDS = "https://pds.example.test"


def load(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def keys(value: dict) -> set[str]:
    return set(value)


@pytest.fixture
def adapter():
    config = AdapterConfig.real(endpoints={"BLUESKY_APPVIEW": "https://appview.example.test"})
    with BlueskyAdapter(config, FakeClock(datetime(2026, 1, 5, tzinfo=UTC))) as a:
        yield a


def account(did: str) -> AccountRef:
    return AccountRef(Platform.BLUESKY, did, "me.test", Credentials("t"), settings={"pds": PDS})


def test_the_pds_of_a_real_did_document():
    body = load("marshalx_did_doc.json")
    assert session.pds_of(body["didDoc"]) == "https://shimeji.us-east.host.bsky.network"


@respx.mock
def test_a_real_record_is_found_by_its_key(adapter):
    body = load("marshalx_post_record.json")
    did, _, rkey = body["uri"].removeprefix("at://").partition("/app.bsky.feed.post/")
    respx.get(f"{PDS}/xrpc/com.atproto.repo.getRecord").mock(
        return_value=httpx.Response(200, json=body)
    )
    record = adapter.get_record(account(did), rkey)
    assert record is not None and record["value"]["text"] == "new text114"


@respx.mock
def test_a_real_post_view_gives_the_metrics(adapter):
    view = load("marshalx_thread_view_post_with_embed_media.json")["thread"]["post"]
    respx.get("https://appview.example.test/xrpc/app.bsky.feed.getPosts").mock(
        return_value=httpx.Response(200, json={"posts": [view]})
    )
    did = view["author"]["did"]
    metrics = adapter.fetch_metrics(account(did), [view["uri"]])
    m = metrics[view["uri"]]
    assert (m.likes, m.shares, m.comments, m.impressions) == (0, 0, 0, None)


@respx.mock
def test_a_real_resolve_handle_answer():
    body = load("marshalx_resolve_handle.json")
    respx.get(f"{PDS}/xrpc/com.atproto.identity.resolveHandle").mock(
        return_value=httpx.Response(200, json=body)
    )
    from app.adapters.http import Http
    from app.platforms.bluesky import xrpc

    clock = FakeClock(datetime(2026, 1, 5, tzinfo=UTC))
    http = Http(Platform.BLUESKY, AdapterConfig.real(), clock, xrpc.classify)
    try:
        assert session.resolve_handle(http, PDS, "bsky.app") == body["did"]
    finally:
        http.close()


def test_the_emulator_answers_with_the_recorded_shapes():
    from app.emulator import EmulatorServer

    with (
        EmulatorServer(port=0, seed=0) as emu,
        httpx.Client(base_url=f"{emu.base_url}/bluesky/xrpc/", timeout=5) as client,
    ):
        s = client.post(
            "com.atproto.server.createSession",
            json={"identifier": "herald-demo.bsky.social", "password": "pw"},
        ).json()
        headers = {"Authorization": f"Bearer {s['accessJwt']}"}
        record = {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2026-01-05T00:00:00Z"}
        made = client.post(
            "com.atproto.repo.createRecord",
            headers=headers,
            json={"repo": s["did"], "collection": "app.bsky.feed.post", "record": record},
        ).json()
        rkey = made["uri"].rsplit("/", 1)[1]
        got = client.get(
            "com.atproto.repo.getRecord",
            params={"repo": s["did"], "collection": "app.bsky.feed.post", "rkey": rkey},
        ).json()
        assert keys(got) == keys(load("marshalx_post_record.json"))
        described = client.get("com.atproto.repo.describeRepo", params={"repo": s["did"]}).json()
        real = load("marshalx_did_doc.json")
        assert keys(described) == keys(real)
        assert [x["id"] for x in described["didDoc"]["service"]] == ["#atproto_pds"]
        resolved = client.get(
            "com.atproto.identity.resolveHandle", params={"handle": "herald-demo.bsky.social"}
        ).json()
        assert keys(resolved) == keys(load("marshalx_resolve_handle.json"))
        [view] = client.get("app.bsky.feed.getPosts", params={"uris": made["uri"]}).json()["posts"]
        real_view = load("marshalx_thread_view_post_with_embed_media.json")["thread"]["post"]
        shared = {"uri", "cid", "author", "record", "likeCount", "repostCount", "replyCount"}
        assert shared | {"indexedAt"} <= keys(view) & keys(real_view)
        assert keys(view["author"]) >= {"did", "handle"}
