"""The Bluesky emulator's `reply` refs, held to what the reference PDS answered
(tests/contract/recorded/bluesky/pds_0_5_35_replies.json): shape errors word for word, an
unknown parent accepted, the refs echoed by getRecord and getPosts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.emulator.test_bluesky import X, auth, session

RECORDED = json.loads(
    (Path(__file__).parents[1] / "contract/recorded/bluesky/pds_0_5_35_replies.json").read_text()
)
CID = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"


def create(client, s: dict, record: dict):
    body = {"repo": s["did"], "collection": "app.bsky.feed.post", "record": record}
    return client.post(f"{X}com.atproto.repo.createRecord", headers=auth(s), json=body)


def post(text: str, reply: object = None) -> dict:
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-01-05T14:00:00Z"}
    if reply is not None:
        record["reply"] = reply
    return record


@pytest.mark.parametrize(
    ("key", "reply"),
    [
        ("reply_ref_without_cid", {"root": {"uri": "U"}, "parent": {"uri": "U"}}),
        ("reply_without_root", {"parent": {"uri": "U", "cid": CID}}),
        ("reply_ref_bad_cid", {"root": {"uri": "U", "cid": "nope"}, "parent": {"uri": "U"}}),
    ],
)
def test_bad_reply_refs_get_the_pds_answer(client, key, reply):
    s = session(client)
    for side in ("root", "parent"):
        if side in reply and reply[side]["uri"] == "U":
            reply[side]["uri"] = f"at://{s['did']}/app.bsky.feed.post/3kabcdefghijk"
    resp = create(client, s, post("probe", reply))
    assert resp.status_code == RECORDED[key]["status"]
    assert resp.json() == RECORDED[key]["body"]


def test_an_unknown_parent_is_accepted_and_refs_are_echoed(client):
    s = session(client)
    ghost = {"uri": f"at://{s['did']}/app.bsky.feed.post/3kabcdefghijk", "cid": CID}
    resp = create(client, s, post("to nobody", {"root": ghost, "parent": ghost}))
    assert resp.status_code == RECORDED["reply_to_unknown_parent"]["status"]
    assert set(resp.json()) == set(RECORDED["reply_to_unknown_parent"]["body"])

    first = create(client, s, post("root")).json()
    ref = {"uri": first["uri"], "cid": first["cid"]}
    second = create(client, s, post("reply", {"root": ref, "parent": ref})).json()
    rkey = second["uri"].rsplit("/", 1)[1]
    got = client.get(
        f"{X}com.atproto.repo.getRecord",
        params={"repo": s["did"], "collection": "app.bsky.feed.post", "rkey": rkey},
    ).json()
    assert got["value"]["reply"] == {"root": ref, "parent": ref}
    views = client.get(f"{X}app.bsky.feed.getPosts", params={"uris": second["uri"]}).json()
    assert views["posts"][0]["record"]["reply"]["parent"] == ref
