"""Facebook comments on a Page's own posts:
    POST /v25.0/{post-id}/comments  message        -> {"id": "{post-object-id}_{comment-id}"}
    GET  /v25.0/{post-id}/comments?fields=id,message,created_time
         -> {"data": [{"id", "message", "created_time"}]}
(Graph API reference "/{object-id}/comments"; commenting as the Page needs its page token)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import graph
from app.emulator.comments import add_comment, comments_on
from app.emulator.facebook.auth import graph_api
from app.emulator.graph import bad_param, graph_error
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "facebook"
POST_ID = r"(?P<post>\d+_\d+)"
table = RouteTable()


def _page_post(emu: Emulator, tok: Token, post_id: str) -> Response | None:
    post = emu.state.post(P, post_id)
    if post is None or post.deleted or post.account != tok.page_id:
        return graph.no_object(post_id)
    return None


@table.add("POST", V + "/" + POST_ID + "/comments", "comment", locked=False)
@graph_api(("page", "access"))
def create_comment(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    if tok.kind != "page":
        return graph_error(403, "(#200) Commenting as a Page requires the Page's access token", 200)
    if tok.scope and "pages_manage_engagement" not in tok.scope.replace(",", " ").split():
        # granted scopes known and without the comment permission (a connection made before
        # Herald asked for it); tokens without a recorded scope are not judged
        return graph_error(
            403, "(#200) Requires pages_manage_engagement permission to manage the object", 200
        )
    message = req.param("message") or ""
    with emu.lock:
        problem = _page_post(emu, tok, m["post"])
        if problem is not None:
            return problem
        if not message.strip():
            return bad_param("(#100) Missing message or attachment")
        key = req.header("Idempotency-Key")
        comment = add_comment(emu, P, tok.page_id or "", m["post"], message, key)
        object_id = m["post"].split("_", 1)[1]
        comment.external_id = f"{object_id}_{comment.external_id}"
    return json_response(200, {"id": comment.external_id})


@table.add("GET", V + "/" + POST_ID + "/comments", "lookup", locked=False)
@graph_api(("page", "access"))
def list_comments(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    fields = graph.split_fields(req.param("fields")) or ["id", "message", "created_time"]
    with emu.lock:
        problem = _page_post(emu, tok, m["post"])
        if problem is not None:
            return problem
        data: list[dict[str, Any]] = []
        for c in reversed(comments_on(emu, P, m["post"])):
            item: dict[str, Any] = {"id": c.external_id}
            if "message" in fields:
                item["message"] = c.text
            if "created_time" in fields:
                item["created_time"] = graph.graph_time(c.created_at)
            data.append(item)
    return json_response(200, {"data": data})
