"""Instagram comments on one's own media:
    POST /v25.0/{ig-media-id}/comments?message=…   -> {"id": "<comment id>"}
    GET  /v25.0/{ig-media-id}/comments?fields=id,text,timestamp
         -> {"data": [{"timestamp": "2017-08-31T18:10:30+0000", "text": …, "id": …}]}
(developers.facebook.com, Instagram Platform "Comment Moderation" and IG Media "Comments")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import graph
from app.emulator.comments import add_comment, comments_on
from app.emulator.graph import bad_param, graph_error
from app.emulator.instagram.auth import user_token
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "instagram"
table = RouteTable()


def _own_media(emu: Emulator, req: Request, media_id: str) -> tuple[str, Response | None]:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return "", tok
    post = emu.state.post(P, media_id)
    if post is None or post.deleted or post.account != tok.user_id:
        return "", graph.no_object(media_id)
    return tok.user_id, None


@table.add("POST", V + r"/(?P<mid>\d+)/comments", "comment")
def create_comment(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    user_id, problem = _own_media(emu, req, m["mid"])
    if problem is not None:
        return problem
    tok = user_token(emu, req)
    scope = "" if isinstance(tok, Response) else tok.scope
    if scope and "instagram_business_manage_comments" not in scope.replace(",", " ").split():
        # a token granted without the comment permission (connected before Herald asked)
        return graph_error(403, "(#10) Application does not have permission for this action", 10)
    message = req.param("message") or ""
    if not message.strip():
        return bad_param("(#100) The parameter message is required.")
    if len(message) > 2200:
        return bad_param("(#100) The comment is too long.")
    comment = add_comment(emu, P, user_id, m["mid"], message, req.header("Idempotency-Key"))
    return json_response(200, {"id": comment.external_id})


@table.add("GET", V + r"/(?P<mid>\d+)/comments", "lookup")
def list_comments(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    _, problem = _own_media(emu, req, m["mid"])
    if problem is not None:
        return problem
    fields = graph.split_fields(req.param("fields")) or ["id", "text", "timestamp"]
    data: list[dict[str, Any]] = []
    for c in reversed(comments_on(emu, P, m["mid"])):  # newest first
        item: dict[str, Any] = {"id": c.external_id}
        if "text" in fields:
            item["text"] = c.text
        if "timestamp" in fields:
            item["timestamp"] = graph.graph_time(c.created_at)
        data.append(item)
    return json_response(200, {"data": data})
