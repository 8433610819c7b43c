"""LinkedIn comments on one's own post (Community Management "Comments API"):
    POST /rest/socialActions/{post urn}/comments
         {"actor": urn, "object": post urn, "message": {"text": …}}
         -> 201 with the comment: {"id", "$URN": "urn:li:comment:(<post urn>,<id>)", "actor",
            "object", "message", "created": {"actor", "time"}}
    GET  /rest/socialActions/{post urn}/comments -> {"elements": [comment, …], "paging"}
The urn in the path arrives URL-encoded (the routes see it decoded)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator.comments import Comment, add_comment, comments_on
from app.emulator.linkedin import media as linkedin_media
from app.emulator.linkedin.auth import li_error, rest_auth
from app.emulator.routes import RouteTable
from app.emulator.state import Post
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
PATH = r"/rest/socialActions/(?P<urn>urn:li:(?:share|ugcPost):\d+)/comments"
table = RouteTable()


def _body(c: Comment) -> dict[str, Any]:
    return {
        "id": c.external_id,
        "$URN": f"urn:li:comment:({c.parent_id},{c.external_id})",
        "actor": c.account,
        "object": c.parent_id,
        "message": {"text": c.text},
        "created": {"actor": c.account, "time": int(c.created_at * 1000)},
    }


def _post(emu: Emulator, urn: str) -> Post | None:
    post = emu.state.post(P, urn)
    return None if post is None or post.deleted else post


@table.add("POST", PATH, "comment")
def create_comment(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    body = req.json()
    if not isinstance(body, dict):
        return li_error(400, "Request body must be a JSON object")
    actor, text = body.get("actor"), (body.get("message") or {}).get("text")
    if not isinstance(actor, str) or not isinstance(text, str) or not text.strip():
        return li_error(
            422, "ERROR :: /message/text :: field is required but not found and has no default\n"
        )
    if not linkedin_media.may_post_as(tok.user_id, actor):
        return li_error(403, "Not enough permissions to access: socialActions.CREATE")
    if _post(emu, m["urn"]) is None:
        return li_error(404, f"Cannot find the activity for {m['urn']}")
    comment = add_comment(emu, P, actor, m["urn"], text, req.header("Idempotency-Key"))
    return json_response(201, _body(comment))


@table.add("GET", PATH, "lookup")
def list_comments(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    if _post(emu, m["urn"]) is None:
        return li_error(404, f"Cannot find the activity for {m['urn']}")
    elements = [_body(c) for c in comments_on(emu, P, m["urn"])]
    paging = {"start": 0, "count": len(elements), "total": len(elements)}
    return json_response(200, {"elements": elements, "paging": paging})
