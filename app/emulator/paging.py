"""Cursor pagination over one account's posts, newest first: Graph edges and X timelines.

A listing is the account's posts ordered newest first (by creation time, then by creation
order), deleted ones included so that a cursor on a post deleted since stays usable; the
handler's `visible` filter (not deleted, inside since/until, ...) picks what is shown. A cursor
names the post it points at, so pages are stable while newer posts arrive: "after" the last
post of a page is always the same set of older posts.

Graph (https://developers.facebook.com/docs/graph-api/results): `limit`, `after`, `before`;
the answer carries `paging.cursors.{before,after}` (the first and last item of the page),
`paging.previous` only when newer items exist and `paging.next` only when older items exist
(absolute URLs with the request's own query and the cursor). An empty page has no `paging`.

X (https://docs.x.com/x-api/fundamentals/pagination): `pagination_token` takes a
`meta.next_token` (older) or `meta.previous_token` (newer); a response without `next_token`
is the last page.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from app.emulator.state import Post, parse_iso
from app.emulator.wire import Request

if TYPE_CHECKING:
    from app.emulator.core import Emulator


class BadCursor(ValueError):
    """A cursor or pagination token this listing did not issue."""


@dataclass
class Page:
    items: list[Post]
    newer: bool  # a visible post precedes the first item (there is a previous page)
    older: bool  # a visible post follows the last item (there is a next page)


def account_posts(emu: Emulator, platform: str, account: str) -> list[Post]:
    """Every post of the account, deleted ones included, newest first."""
    mine = [p for p in reversed(emu.state.posts) if p.platform == platform and p.account == account]
    # stable: posts with the same created_at keep "latest created first"
    return sorted(mine, key=lambda p: p.created_at, reverse=True)


def paginate(
    ordered: list[Post],
    visible: Callable[[Post], bool],
    limit: int,
    *,
    after: str | None = None,
    before: str | None = None,
) -> Page:
    """The page of `limit` visible posts after (older than) or before (newer than) the post
    with external id `after` / `before`, or the newest `limit` without either."""
    shown = [(i, p) for i, p in enumerate(ordered) if visible(p)]
    if after is not None or before is not None:
        anchor = _position(ordered, after if after is not None else before)
        if after is not None:
            picked = [(i, p) for i, p in shown if i > anchor][:limit]
        else:
            picked = [(i, p) for i, p in shown if i < anchor][-limit:]
    else:
        picked = shown[:limit]
    if not picked:
        return Page([], newer=False, older=False)
    first, last = picked[0][0], picked[-1][0]
    return Page(
        [p for _, p in picked],
        newer=any(i < first for i, _ in shown),
        older=any(i > last for i, _ in shown),
    )


def _position(ordered: list[Post], external_id: str | None) -> int:
    for i, post in enumerate(ordered):
        if post.external_id == external_id:
            return i
    raise BadCursor(external_id)


# ---------------------------------------------------------------------- Graph
def graph_cursor(post: Post) -> str:
    return base64.urlsafe_b64encode(post.external_id.encode()).decode().rstrip("=")


def graph_uncursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    if not raw:
        raise BadCursor(cursor)
    return raw


def graph_page_url(req: Request, limit: int, **cursor: str) -> str:
    """The request's own URL (absolute) with `limit` and the one cursor given."""
    host = req.header("Host") or "127.0.0.1"
    path = (req.raw_path or req.path).partition("?")[0]
    params = {k: v for k, v in req.query.items() if k not in ("after", "before", "limit")}
    params["limit"] = str(limit)
    params.update(cursor)
    return f"http://{host}{path}?" + urlencode(params, quote_via=quote)


def graph_body(req: Request, page: Page, data: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    if not page.items:
        return body
    before, after = graph_cursor(page.items[0]), graph_cursor(page.items[-1])
    paging: dict[str, Any] = {"cursors": {"before": before, "after": after}}
    if page.newer:
        paging["previous"] = graph_page_url(req, limit, before=before)
    if page.older:
        paging["next"] = graph_page_url(req, limit, after=after)
    body["paging"] = paging
    return body


def graph_time_body(
    req: Request, page: Page, data: list[dict[str, Any]], limit: int
) -> dict[str, Any]:
    """Graph's time-based paging, as a Page feed answers (recorded: sns-sdks/python-facebook
    testdata/facebook/apidata/posts/feed_fields_p1.json): `paging.previous` and, while older
    posts remain, `paging.next`, each the request's URL with `since`/`until` moved to the
    page's edge and a `__paging_token`; no `cursors`. The token names the edge post, so
    posts made at the same second are neither lost nor repeated."""
    body: dict[str, Any] = {"data": data}
    if not page.items:
        return body
    first, last = page.items[0], page.items[-1]
    paging: dict[str, Any] = {
        "previous": _time_url(
            req,
            limit,
            since=str(math.floor(first.created_at)),
            until="",
            __previous="1",
            __paging_token=graph_cursor(first),
        )
    }
    if page.older:
        paging["next"] = _time_url(
            req, limit, until=str(math.ceil(last.created_at)), __paging_token=graph_cursor(last)
        )
    body["paging"] = paging
    return body


def _time_url(req: Request, limit: int, **edge: str) -> str:
    host = req.header("Host") or "127.0.0.1"
    path = (req.raw_path or req.path).partition("?")[0]
    dropped = ("after", "before", "limit", "__paging_token", "__previous")
    params = {k: v for k, v in req.query.items() if k not in dropped}
    params["limit"] = str(limit)
    params.update(edge)
    return f"http://{host}{path}?" + urlencode(params, quote_via=quote)


# ---------------------------------------------------------------------- X
def x_token(post: Post, direction: str) -> str:
    """An opaque lower-case token: direction "n" (next, older) or "p" (previous, newer)."""
    raw = f"{direction}{post.external_id}".encode()
    return base64.b32encode(raw).decode().rstrip("=").lower()


def x_untoken(token: str) -> tuple[str, str]:
    """(direction, external id) of a token made by `x_token`."""
    try:
        padded = token.upper() + "=" * (-len(token) % 8)
        raw = base64.b32decode(padded).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(token) from None
    if len(raw) < 2 or raw[0] not in "np":
        raise BadCursor(token)
    return raw[0], raw[1:]


def graph_limit(req: Request, default: int = 25, maximum: int = 100) -> int:
    raw = req.param("limit") or ""
    return min(maximum, max(1, int(raw))) if raw.isdigit() else default


def graph_instant(value: str | None) -> float | None:
    """`since` / `until`: a Unix timestamp or an ISO 8601 time; None when absent or unreadable."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return parse_iso(value)


def graph_cursors(req: Request) -> dict[str, str]:
    """{"after": post id} or {"before": post id} from the request's cursor (after wins), or
    from a time-based page's `__paging_token` (`__previous=1`: the page before it)."""
    token = req.param("__paging_token")
    if token:
        return {"before" if req.param("__previous") == "1" else "after": graph_uncursor(token)}
    for name in ("after", "before"):
        value = req.param(name)
        if value:
            return {name: graph_uncursor(value)}
    return {}


def graph_window(req: Request) -> Callable[[Post], bool]:
    """The posts a Graph listing shows: not deleted, created within `since`..`until`."""
    since, until = graph_instant(req.param("since")), graph_instant(req.param("until"))

    def visible(post: Post) -> bool:
        return (
            not post.deleted
            and (since is None or post.created_at >= since)
            and (until is None or post.created_at <= until)
        )

    return visible
