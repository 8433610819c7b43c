"""Listings page like the real APIs: Graph cursors + paging.next, X pagination_token + next_token.

Instagram /{ig-user}/media: `limit`, `after`/`before`, answers with
`paging.cursors.{before,after}`, `paging.previous` / `paging.next` (absolute URLs) only when
there is such a page. Facebook /{page}/feed pages by time as Graph's feed does (`previous`,
`next` with since/until and `__paging_token`, no cursors) and still takes `after`/`before`. X /2/users/{id}/tweets: `max_results` 5..100, `pagination_token`, answers
with `meta.next_token` / `previous_token` only when there is such a page.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.emulator import EmulatorServer
from tests.emulator.conftest import START
from tests.emulator.helpers import (
    FacebookLogin,
    MediaServer,
    bearer,
    fb_login,
    ig_login,
    jpeg,
    x_login,
)

FB = "/facebook/v25.0"
IG = "/instagram/v25.0"


def _ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body.get("data", [])]


# ---------------------------------------------------------------------- Facebook
@pytest.fixture
def fb(client: httpx.Client) -> FacebookLogin:
    return fb_login(client)


def _fb_posts(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin, n: int, word: str = "post"
) -> list[str]:
    ids = []
    for i in range(n):
        resp = client.post(
            f"{FB}/{fb.page_id}/feed",
            data={"message": f"{word} {i}", "access_token": fb.page_token},
        )
        assert resp.status_code == 200, resp.text
        ids.append(resp.json()["id"])
        emu.advance(60)
    return ids


def test_facebook_feed_pages_by_time_like_graph(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    """As the recorded feed (tests/contract/recorded/facebook/feed_fields_p1.json): no
    cursors, `previous`/`next` URLs with since/until and a __paging_token."""
    ids = _fb_posts(emu, client, fb, 7)
    params = {"fields": "id,message,created_time", "limit": 3, "access_token": fb.page_token}
    first = client.get(f"{FB}/{fb.page_id}/feed", params=params).json()
    assert _ids(first) == [ids[6], ids[5], ids[4]]
    paging = first["paging"]
    assert set(paging) == {"previous", "next"}
    assert paging["next"].startswith(emu.base_url + f"{FB}/{fb.page_id}/feed?")
    assert "__paging_token=" in paging["next"] and "until=" in paging["next"]
    assert "limit=3" in paging["next"]

    # newer posts and the deletion of the page's last post do not move the next page
    _fb_posts(emu, client, fb, 1, "newer")
    client.delete(f"{FB}/{ids[4]}", params={"access_token": fb.page_token})
    second = client.get(paging["next"]).json()
    assert _ids(second) == [ids[3], ids[2], ids[1]]
    assert client.get(paging["next"]).json() == second  # same token, same page
    assert {"previous", "next"} == set(second["paging"])

    last = client.get(second["paging"]["next"]).json()
    assert _ids(last) == [ids[0]]
    assert set(last["paging"]) == {"previous"}
    back = client.get(last["paging"]["previous"]).json()
    assert _ids(back) == _ids(second)


def test_facebook_feed_still_takes_cursors(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    ids = _fb_posts(emu, client, fb, 4)
    params = {"limit": 2, "access_token": fb.page_token}
    from app.emulator.paging import graph_cursor
    from app.emulator.state import Post

    anchor = graph_cursor(Post("facebook", fb.page_id, ids[2], "", 0.0))
    page = client.get(f"{FB}/{fb.page_id}/feed", params={**params, "after": anchor}).json()
    assert _ids(page) == [ids[1], ids[0]]


def test_facebook_feed_since_until_and_bad_cursor(
    emu: EmulatorServer, client: httpx.Client, fb: FacebookLogin
) -> None:
    ids = _fb_posts(emu, client, fb, 6)  # post i at START + i minutes
    t0 = int(START.timestamp())
    params = {"limit": 2, "since": t0 + 60, "until": t0 + 240, "access_token": fb.page_token}
    page = client.get(f"{FB}/{fb.page_id}/feed", params=params).json()
    assert _ids(page) == [ids[4], ids[3]]
    assert f"since={t0 + 60}" in page["paging"]["next"]  # the window's start is kept
    assert f"until={t0 + 180}" in page["paging"]["next"]  # its end moves to the page's edge
    last = client.get(page["paging"]["next"]).json()
    assert _ids(last) == [ids[2], ids[1]]
    assert "next" not in last["paging"]

    empty = client.get(
        f"{FB}/{fb.page_id}/feed", params={"since": t0 + 86400, "access_token": fb.page_token}
    )
    assert empty.json() == {"data": []}
    bad = client.get(
        f"{FB}/{fb.page_id}/feed", params={"after": "bm90LWEtcG9zdA", "access_token": fb.page_token}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == 100


# ---------------------------------------------------------------------- Instagram
def _ig_publish(client: httpx.Client, ig: tuple[str, str], media: MediaServer, cap: str) -> str:
    token, uid = ig
    created = client.post(
        f"{IG}/{uid}/media",
        data={
            "image_url": media.url("sq.jpg", jpeg(1080, 1080)),
            "caption": cap,
            "access_token": token,
        },
    )
    assert created.status_code == 200, created.text
    cid = created.json()["id"]
    status = {"fields": "status_code", "access_token": token}
    while client.get(f"{IG}/{cid}", params=status).json()["status_code"] != "FINISHED":
        pass
    published = client.post(
        f"{IG}/{uid}/media_publish", params={"creation_id": cid, "access_token": token}
    )
    assert published.status_code == 200, published.text
    return str(published.json()["id"])


def test_instagram_media_pages_with_cursors_and_next(
    emu: EmulatorServer, client: httpx.Client, media: MediaServer
) -> None:
    ig = ig_login(client)
    token, uid = ig
    ids = []
    for i in range(5):
        ids.append(_ig_publish(client, ig, media, f"m{i}"))
        emu.advance(60)
    params = {"fields": "id,caption,timestamp", "limit": 2, "access_token": token}
    first = client.get(f"{IG}/{uid}/media", params=params).json()
    assert _ids(first) == [ids[4], ids[3]]
    assert first["data"][0]["caption"] == "m4"
    assert set(first["paging"]) == {"cursors", "next"}
    assert first["paging"]["next"].startswith(emu.base_url + f"{IG}/{uid}/media?")

    _ig_publish(client, ig, media, "newer")  # does not shift the pages after a cursor
    second = client.get(first["paging"]["next"]).json()
    assert _ids(second) == [ids[2], ids[1]]
    assert {"previous", "next"} <= set(second["paging"])
    last = client.get(second["paging"]["next"]).json()
    assert _ids(last) == [ids[0]]
    assert "next" not in last["paging"]
    assert _ids(client.get(last["paging"]["previous"]).json()) == [ids[2], ids[1]]

    everything = client.get(f"{IG}/{uid}/media", params={"limit": 100, "access_token": token})
    assert len(everything.json()["data"]) == 6
    assert "next" not in everything.json()["paging"]
    bad = client.get(f"{IG}/{uid}/media", params={"after": "!!", "access_token": token})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == 100


# ---------------------------------------------------------------------- X
@pytest.fixture
def xh(client: httpx.Client) -> dict[str, str]:
    return bearer(x_login(client)["access_token"])


def _tweets(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str], n: int, word: str = "t"
) -> list[str]:
    ids = []
    for i in range(n):
        resp = client.post("/x/2/tweets", json={"text": f"{word}{i}"}, headers=xh)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["data"]["id"])
        emu.advance(60)
    return ids


def test_x_timeline_pages_with_next_token(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    ids = _tweets(emu, client, xh, 12)
    url = f"/x/2/users/{emu.users['twitter']['id']}/tweets"
    params: dict[str, Any] = {"max_results": 5, "start_time": "2026-01-05T14:00:00Z"}
    first = client.get(url, params=params, headers=xh).json()
    assert _ids(first) == ids[11:6:-1]
    meta = first["meta"]
    assert meta["result_count"] == 5
    assert (meta["newest_id"], meta["oldest_id"]) == (ids[11], ids[7])
    assert "previous_token" not in meta and meta["next_token"]

    _tweets(emu, client, xh, 1, "new")  # a newer post does not move the next page
    second = client.get(
        url, params={**params, "pagination_token": meta["next_token"]}, headers=xh
    ).json()
    assert _ids(second) == ids[6:1:-1]
    assert second["meta"]["next_token"] and second["meta"]["previous_token"]
    again = client.get(url, params={**params, "pagination_token": meta["next_token"]}, headers=xh)
    assert again.json() == second

    last = client.get(
        url, params={**params, "pagination_token": second["meta"]["next_token"]}, headers=xh
    ).json()
    assert _ids(last) == [ids[1], ids[0]]
    assert last["meta"]["result_count"] == 2
    assert "next_token" not in last["meta"]
    back = client.get(
        url, params={**params, "pagination_token": last["meta"]["previous_token"]}, headers=xh
    ).json()
    assert _ids(back) == _ids(second)


def test_x_timeline_windows_and_validation(
    emu: EmulatorServer, client: httpx.Client, xh: dict[str, str]
) -> None:
    ids = _tweets(emu, client, xh, 8)  # tweet i at 14:0i
    url = f"/x/2/users/{emu.users['twitter']['id']}/tweets"
    # start_time and end_time both inclusive, to the second (X's API reference)
    window = {"start_time": "2026-01-05T14:01:00Z", "end_time": "2026-01-05T14:07:00Z"}
    first = client.get(url, params={**window, "max_results": 5}, headers=xh).json()
    assert _ids(first) == ids[7:2:-1]
    rest = client.get(
        url,
        params={**window, "max_results": 5, "pagination_token": first["meta"]["next_token"]},
        headers=xh,
    ).json()
    assert _ids(rest) == [ids[2], ids[1]]
    assert "next_token" not in rest["meta"]

    small = client.get(url, params={"max_results": 4}, headers=xh)
    assert small.status_code == 400
    assert small.json()["errors"][0] == {
        "parameters": {"max_results": ["4"]},
        "message": "The `max_results` query parameter value [4] is not between 5 and 100",
    }
    assert client.get(url, params={"max_results": 101}, headers=xh).status_code == 400
    bad = client.get(url, params={"pagination_token": "zzzz"}, headers=xh)
    assert bad.status_code == 400
    assert bad.json()["title"] == "Invalid Request"

    # only the newest x_timeline_cap posts can be reached, however far one pages
    emu.configure(x_timeline_cap=6)
    seen: list[str] = []
    params: dict[str, Any] = {"max_results": 5}
    while True:
        body = client.get(url, params=params, headers=xh).json()
        seen += _ids(body)
        if "next_token" not in body["meta"]:
            break
        params["pagination_token"] = body["meta"]["next_token"]
    assert seen == ids[:1:-1]
