"""The Bluesky emulator over HTTP: sessions, records at a chosen key, the AppView's getPosts,
and error bodies held to the ones the real reference PDS answered (recorded in
tests/contract/recorded/bluesky/pds_0_5_35.json)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

RECORDED = json.loads(
    (Path(__file__).parents[1] / "contract/recorded/bluesky/pds_0_5_35.json").read_text()
)
X = "/bluesky/xrpc/"
HANDLE = "herald-demo.bsky.social"


def session(client, handle: str = HANDLE) -> dict:
    resp = client.post(
        f"{X}com.atproto.server.createSession", json={"identifier": handle, "password": "app-pw"}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def auth(s: dict) -> dict:
    return {"Authorization": f"Bearer {s['accessJwt']}"}


def create(client, s: dict, rkey: str, text: str = "hello"):
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-01-05T14:00:00Z"}
    return client.post(
        f"{X}com.atproto.repo.createRecord",
        headers=auth(s),
        json={"repo": s["did"], "collection": "app.bsky.feed.post", "rkey": rkey, "record": record},
    )


def same_shape(actual: dict, recorded: dict) -> None:
    assert set(actual) == set(recorded), (actual, recorded)


def test_sign_in_resolve_and_refresh(client):
    s = session(client)
    assert s["did"].startswith("did:plc:") and s["handle"] == HANDLE
    service = s["didDoc"]["service"][0]
    assert service["id"] == "#atproto_pds" and service["serviceEndpoint"].endswith("/bluesky")
    did = client.get(f"{X}com.atproto.identity.resolveHandle", params={"handle": HANDLE})
    assert did.json() == {"did": s["did"]}
    fresh = client.post(
        f"{X}com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {s['refreshJwt']}"},
    )
    assert fresh.status_code == 200 and fresh.json()["refreshJwt"] != s["refreshJwt"]
    again = client.post(
        f"{X}com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {s['refreshJwt']}"},
    )
    assert again.status_code == 400 and again.json()["error"] == "ExpiredToken"


def test_error_bodies_match_the_real_pds(client):
    wrong = client.post(
        f"{X}com.atproto.server.createSession",
        json={"identifier": HANDLE, "password": "wrong-password"},
    )
    rec = RECORDED["createSession_bad_password"]
    assert (wrong.status_code, wrong.json()) == (rec["status"], rec["body"])
    missing = client.post(f"{X}com.atproto.repo.createRecord", json={})
    rec = RECORDED["createRecord_no_auth"]
    assert (missing.status_code, missing.json()) == (rec["status"], rec["body"])
    bad = client.post(
        f"{X}com.atproto.repo.createRecord", json={}, headers={"Authorization": "Bearer abc"}
    )
    rec = RECORDED["createRecord_bad_token"]
    assert (bad.status_code, bad.json()) == (rec["status"], rec["body"])
    unknown = client.get(f"{X}com.atproto.identity.resolveHandle", params={"handle": "no.test"})
    rec = RECORDED["resolveHandle_unknown"]
    assert (unknown.status_code, unknown.json()) == (rec["status"], rec["body"])


def test_a_record_key_holds_one_record(client):
    s = session(client)
    first = create(client, s, "3jzfcijpj2z2a")
    assert first.status_code == 200
    same_shape(first.json(), RECORDED["createRecord"]["body"])
    assert first.json()["uri"] == f"at://{s['did']}/app.bsky.feed.post/3jzfcijpj2z2a"
    second = create(client, s, "3jzfcijpj2z2a", "again")
    rec = RECORDED["createRecord_same_rkey_again"]
    assert (second.status_code, second.json()) == (rec["status"], rec["body"])
    bad = create(client, s, "notatid")
    rec = RECORDED["createRecord_bad_rkey"]
    assert (bad.status_code, bad.json()) == (rec["status"], rec["body"])

    params = {"repo": s["did"], "collection": "app.bsky.feed.post", "rkey": "3jzfcijpj2z2a"}
    got = client.get(f"{X}com.atproto.repo.getRecord", params=params)
    same_shape(got.json(), RECORDED["getRecord"]["body"])
    assert got.json()["value"]["text"] == "hello"
    listed = client.get(
        f"{X}com.atproto.repo.listRecords",
        params={"repo": s["did"], "collection": "app.bsky.feed.post"},
    ).json()
    assert [r["uri"] for r in listed["records"]] == [first.json()["uri"]]

    deleted = client.post(
        f"{X}com.atproto.repo.deleteRecord",
        headers=auth(s),
        json={"repo": s["did"], "collection": "app.bsky.feed.post", "rkey": "3jzfcijpj2z2a"},
    )
    same_shape(deleted.json(), RECORDED["deleteRecord"]["body"])
    gone = client.get(f"{X}com.atproto.repo.getRecord", params=params)
    assert gone.status_code == 400 and gone.json()["error"] == "RecordNotFound"
    assert gone.json()["message"].startswith("Could not locate record: at://")


def test_text_over_300_graphemes_is_refused(client):
    s = session(client)
    ok = create(client, s, "3jzfcijpj2z2c", "👩🏽‍💻" * 300)  # 300 graphemes, 4,500 bytes
    assert ok.status_code == 400 and "3000" in ok.json()["message"]
    long = create(client, s, "3jzfcijpj2z2d", "é" * 301)
    assert long.status_code == 400 and long.json()["error"] == "InvalidRequest"
    assert "300 graphemes" in long.json()["message"]
    fits = create(client, s, "3jzfcijpj2z2e", "👍" * 300)  # 300 graphemes, 1,200 bytes
    assert fits.status_code == 200


def test_upload_blob_shape(client):
    s = session(client)
    resp = client.post(
        f"{X}com.atproto.repo.uploadBlob",
        headers={**auth(s), "Content-Type": "image/gif"},
        content=b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    )
    blob, recorded = resp.json()["blob"], RECORDED["uploadBlob"]["body"]["blob"]
    assert set(blob) == set(recorded) and blob["size"] == 14 and blob["mimeType"] == "image/gif"


def test_get_posts_counts_grow_and_take_at_most_25(client, emu):
    s = session(client)
    uri = create(client, s, "3jzfcijpj2z2f").json()["uri"]
    emu.emulator.advance(timedelta(hours=30).total_seconds())
    body = client.get(f"{X}app.bsky.feed.getPosts", params={"uris": [uri, "at://x/y/z"]}).json()
    [view] = body["posts"]
    # app.bsky.feed.defs#postView: uri, cid, author, record, indexedAt required
    assert {"uri", "cid", "author", "record", "indexedAt"} <= set(view)
    assert view["likeCount"] > 0 and view["repostCount"] >= 0 and view["replyCount"] >= 0
    assert "viewCount" not in view and "impressions" not in view
    too_many = client.get(f"{X}app.bsky.feed.getPosts", params={"uris": [uri] * 26})
    assert too_many.status_code == 400 and too_many.json()["error"] == "InvalidRequest"


@pytest.mark.parametrize("kind", ["429"])
def test_rate_limit_fault_sends_ratelimit_headers(client, emu, kind):
    emu.emulator.add_faults(f"bluesky:publish:{kind}:next=1")
    resp = create(client, session(client), "3jzfcijpj2z2g")
    assert resp.status_code == 429 and resp.json()["error"] == "RateLimitExceeded"
    assert int(resp.headers["ratelimit-reset"]) > 0
