"""Threads chains (issue 19): publish_reply is a container with `reply_to_id` then
threads_publish; find_reply finds an interrupted part among the user's replies (replied_to =
the parent, same text, within the window). Against respx with the documented bodies
(tests/contract/recorded/threads/SOURCES.md), and the emulator's /replies in their shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef, Credentials
from app.platforms.names import Platform
from app.platforms.threads.adapter import ThreadsAdapter
from tests.adapters.emu_support import connect_account
from tests.platforms.threads.test_contract import shape

G = "https://graph.threads.net/v1.0"
UID = "25000000000000001"
RECORDED = Path(__file__).parents[2] / "contract" / "recorded" / "threads"
PART3 = "Then a long cold proof, 14 hours in the fridge. 3/4"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@pytest.fixture
def account(clock) -> AccountRef:
    issued = (clock.now() - timedelta(days=2)).isoformat()
    return AccountRef(
        Platform.THREADS,
        UID,
        "@herald",
        Credentials("tok", None, None, {"token_issued_at": issued}),
    )


@pytest.fixture
def adapter(config, clock):
    with httpx.Client(timeout=5.0) as client:
        yield ThreadsAdapter(config, clock, client, sleep=lambda s: None)


def test_publish_reply_makes_a_reply_container_then_publishes_it(mock, adapter, account):
    limit = recorded("documented_publishing_limit.json")
    mock.get(f"{G}/{UID}/threads_publishing_limit").respond(200, json=limit)
    create = mock.post(f"{G}/{UID}/threads").respond(
        200, json=recorded("documented_reply_container.json")
    )
    mock.get(f"{G}/1234567890").respond(200, json={"id": "1234567890", "status": "FINISHED"})
    publish = mock.post(f"{G}/{UID}/threads_publish").respond(200, json={"id": "1234567"})

    result = adapter.publish_reply(account, PART3, "1234566", "key-3")

    assert result.external_id == "1234567"
    form = dict(httpx.QueryParams(create.calls[0].request.content.decode()))
    assert form == {"media_type": "TEXT", "text": PART3, "reply_to_id": "1234566"}
    assert publish.calls[0].request.url.params["creation_id"] == "1234567890"


WHEN = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_find_reply_reads_the_documented_listing(mock, adapter, account):
    listing = mock.get(f"{G}/{UID}/replies").respond(
        200, json=recorded("documented_user_replies.json")
    )
    found = adapter.find_reply(account, "part", "1234566", PART3, WHEN, WHEN + timedelta(minutes=1))
    assert found == "1234567"
    params = listing.calls[0].request.url.params
    assert set(params["fields"].split(",")) >= {"id", "timestamp", "text", "replied_to"}
    assert int(params["since"]) <= WHEN.timestamp() <= int(params["until"])


@pytest.mark.parametrize(
    ("parent", "text"),
    [("999", PART3), ("1234566", "another text 3/4")],
    ids=["other-parent", "other-text"],
)
def test_find_reply_needs_the_parent_and_the_text(mock, adapter, account, parent, text):
    mock.get(f"{G}/{UID}/replies").respond(200, json=recorded("documented_user_replies.json"))
    assert adapter.find_reply(account, "part", parent, text, WHEN, WHEN) is None


def test_find_reply_stops_at_replies_older_than_the_window(mock, adapter, account):
    old = recorded("documented_user_replies.json")
    old["paging"]["next"] = f"{G}/{UID}/replies?after=AFTER_CURSOR"
    route = mock.get(f"{G}/{UID}/replies").respond(200, json=old)
    later = WHEN + timedelta(days=2)
    assert adapter.find_reply(account, "part", "1234566", PART3, later, later) is None
    assert route.call_count == 1  # newest first: an older reply ends the search


def test_the_emulator_lists_replies_in_the_documented_shape(emu, clock):
    account = connect_account(Platform.THREADS, AdapterConfig.for_emulator(emu.base_url), clock)
    base = f"{emu.base_url}/threads/v1.0"
    auth = {"Authorization": f"Bearer {account.credentials.access_token}"}
    config = AdapterConfig.for_emulator(emu.base_url)
    with ThreadsAdapter(config, clock, sleep=lambda s: None) as adapter:
        root = adapter.publish(account, "1/3", [], "k1").external_id
        two = adapter.publish_reply(account, "2/3", root, "k2").external_id
        three = adapter.publish_reply(account, PART3, two, "k3").external_id
        now = clock.now()
        assert adapter.find_reply(account, "part", two, PART3, now, now) == three
        assert adapter.find_reply(account, "part", root, PART3, now, now) is None
    fields = "id,text,timestamp,is_reply,replied_to,root_post"
    body = httpx.get(
        f"{base}/{account.external_id}/replies", params={"fields": fields}, headers=auth
    ).json()
    assert shape(body) == shape(recorded("documented_user_replies.json"))
    assert [(r["id"], r["replied_to"]["id"], r["root_post"]["id"]) for r in body["data"]] == [
        (three, two, root),
        (two, root, root),
    ]
    direct = httpx.get(f"{base}/{two}/replies", params={"fields": "id,text"}, headers=auth).json()
    assert [r["id"] for r in direct["data"]] == [three]
    bad = httpx.post(
        f"{base}/{account.external_id}/threads",
        data={"media_type": "TEXT", "text": "x", "reply_to_id": "424242"},
        headers=auth,
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
