"""Replies on Threads: `GET /{id}/replies`.

For a user id (or `me`) it lists the user's own replies ("Retrieve a list of all a user's
replies"); for a media id, the direct replies to that post or reply (Reply Management,
"GET /{threads-media-id}/replies"). Newest first with since/until and Graph cursors, like
/threads. Fields: the media fields plus `is_reply`, `replied_to` {id} and `root_post` {id}
(developers.facebook.com/documentation/threads/reference/reply-management; the shapes as
codybrom/denim's types read them). A reply keeps its parent in the post's extra["reply_to_id"].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.emulator import graph, paging
from app.emulator.graph import bad_param
from app.emulator.state import Post
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.emulator.core import Emulator

P = "threads"


def parent_of(post: Post) -> str | None:
    value = post.extra.get("reply_to_id")
    return str(value) if value else None


def root_of(emu: Emulator, post: Post) -> str:
    seen = {post.external_id}
    while (parent := parent_of(post)) is not None:
        up = emu.state.post(P, parent)
        if up is None or up.external_id in seen:
            return parent
        seen.add(up.external_id)
        post = up
    return post.external_id


def reply_fields(emu: Emulator, post: Post, fields: list[str]) -> dict[str, Any]:
    """The reply-only fields of a media object (is_reply, replied_to, root_post)."""
    parent = parent_of(post)
    out: dict[str, Any] = {}
    if "is_reply" in fields:
        out["is_reply"] = parent is not None
    if "replied_to" in fields and parent is not None:
        out["replied_to"] = {"id": parent}
    if "root_post" in fields and parent is not None:
        out["root_post"] = {"id": root_of(emu, post)}
    return out


def list_replies(
    emu: Emulator,
    req: Request,
    object_id: str,
    user_id: str,
    media_object: Callable[[Post, list[str]], dict[str, Any]],
) -> Response:
    fields = graph.split_fields(req.param("fields")) or ["id"]
    if object_id in ("me", user_id):
        ordered = [p for p in paging.account_posts(emu, P, user_id) if parent_of(p)]
    else:
        target = emu.state.post(P, object_id)
        if target is None or target.deleted:
            return graph.no_object(object_id)
        ordered = [
            p for p in reversed(emu.state.posts) if p.platform == P and parent_of(p) == object_id
        ]
        ordered.sort(key=lambda p: p.created_at, reverse=True)
    limit = paging.graph_limit(req)
    try:
        page = paging.paginate(
            ordered, paging.graph_window(req), limit, **paging.graph_cursors(req)
        )
    except paging.BadCursor:
        return bad_param("(#100) Invalid pagination cursor.")
    data = [{**media_object(p, fields), **reply_fields(emu, p, fields)} for p in page.items]
    return json_response(200, paging.graph_body(req, page, data, limit))
