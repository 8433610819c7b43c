"""Mastodon's statuses and media under /mastodon (auth and instance in .auth).

POST /api/v1/statuses                 status, media_ids[], visibility, spoiler_text,
                                      language; `Idempotency-Key` answered with the same
                                      status for `mastodon_idempotency_s` (1 h) of emulator
                                      time; 422 with Mastodon's message when invalid
GET  /api/v1/statuses/:id             favourites/reblogs/replies/quotes counts grow with age
GET  /api/v1/accounts/:id/statuses    newest first; limit (≤40), max_id, since_id
POST /api/v2/media                    images 200 (url set); video and GIF 202 (url null)
GET  /api/v1/media/:id                206 while processing (`mastodon_media_processing_s`
                                      of emulator time), then 200
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from app.emulator.mastodon import auth
from app.emulator.mastodon.auth import account_body, base, error, user_token
from app.emulator.names import NETWORK_OF
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import Post, Upload, iso_z, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = auth.P
URL = re.compile(r"https?://\S+")
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"
table = RouteTable(list(auth.table.routes))


def _length(text: str) -> int:
    return len(URL.sub("x" * 23, text))


def _media_ids(req: Request) -> list[str]:
    body = req.json()
    if isinstance(body, dict):
        return [str(v) for v in body.get("media_ids") or []]
    ids = [v for k, v in req.form.items() if k.startswith("media_ids")]
    return [str(v) for v in ids]


# ---------------------------------------------------------------------- statuses
@table.add("POST", "/api/v1/statuses", "publish")
def post_status(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, "write:statuses")
    if isinstance(tok, Response):
        return tok
    key = req.header("Idempotency-Key")
    if key:
        since = emu.now_ts() - emu.config.mastodon_idempotency_s
        for post in reversed(emu.state.posts):
            if post.created_at < since:
                break
            if post.platform == P and post.account == tok.user_id and post.idempotency_key == key:
                return json_response(200, status_body(emu, post, req))
    text = req.param("status") or ""
    media_ids = _media_ids(req)
    media: list[Upload] = []
    for media_id in media_ids:
        upload = emu.state.uploads.get(media_id)
        if upload is None or upload.user_id != tok.user_id or upload.extra.get("status_id"):
            return error(422, "Validation failed: Media attachments are invalid")
        if not _processed(emu, upload):
            return error(422, NOT_READY)
        media.append(upload)
    if not text.strip() and not media:
        return error(422, "Validation failed: Text can't be blank")
    limit = emu.config.mastodon_max_characters
    if _length(text) > limit:
        return error(422, f"Validation failed: Text character limit of {limit} exceeded")
    if len(media) > 4:
        return error(422, "Validation failed: Media attachments exceed the limit of 4")
    parent = req.param("in_reply_to_id") or None
    if parent and not any(
        p.platform == P and p.external_id == parent and not p.deleted for p in emu.state.posts
    ):
        return error(404, "Record not found")
    visibility = req.param("visibility") or "public"
    if visibility not in ("public", "unlisted", "private", "direct"):
        return error(422, "Validation failed: Visibility is not included in the list")
    post = Post(
        platform=P,
        account=tok.user_id,
        external_id=emu.state.new_id("md_status"),
        text=text,
        created_at=emu.now_ts(),
        media=[u.id for u in media],
        idempotency_key=key,
        extra={
            "visibility": visibility,
            "spoiler_text": req.param("spoiler_text") or "",
            "language": req.param("language") or None,
            "in_reply_to_id": parent,
        },
    )
    for upload in media:
        upload.extra["status_id"] = post.external_id
    emu.state.add_post(post)
    return json_response(200, status_body(emu, post, req))


def _content(text: str) -> str:
    from html import escape

    paragraphs = [p for p in text.split("\n\n")]
    return "".join(
        f"<p>{escape(p, quote=False).replace(chr(10), '<br />')}</p>" for p in paragraphs
    )


def status_body(emu: Emulator, post: Post, req: Request) -> dict[str, Any]:
    user = emu.state.find_user(P, user_id=post.account)
    assert user is not None
    counts = emu.model.metrics(NETWORK_OF[P], post.external_id, utc(post.created_at), emu.now())
    b = base(req)
    spoiler = str(post.extra.get("spoiler_text") or "")
    return {
        "id": post.external_id,
        "created_at": iso_z(post.created_at),
        "in_reply_to_id": post.extra.get("in_reply_to_id"),
        "in_reply_to_account_id": user.id if post.extra.get("in_reply_to_id") else None,
        "sensitive": bool(spoiler),
        "spoiler_text": spoiler,
        "visibility": post.extra.get("visibility", "public"),
        "language": post.extra.get("language"),
        "uri": f"{b}/users/{user.handle}/statuses/{post.external_id}",
        "url": f"{b}/@{user.handle}/{post.external_id}",
        "replies_count": counts["comments"],
        "reblogs_count": counts["shares"],
        "favourites_count": counts["likes"],
        "quotes_count": 0,
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "pinned": False,
        "content": _content(post.text),
        "filtered": [],
        "reblog": None,
        "application": {"name": "Herald", "website": None},
        "account": account_body(user, req),
        "media_attachments": [
            media_body(emu, emu.state.uploads[i], req) for i in post.media if i in emu.state.uploads
        ],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def _own_status(emu: Emulator, status_id: str) -> Post | None:
    post = emu.state.post(P, status_id)
    return None if post is None or post.deleted else post


@table.add("GET", r"/api/v1/statuses/(?P<id>\d+)", "metrics")
def get_status(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_status(emu, m.group("id"))
    if post is None:
        return error(404, "Record not found")
    return json_response(200, status_body(emu, post, req))


#: Api::BaseController::DEFAULT_STATUSES_LIMIT: GET /api/v1/statuses answers at most 20 ids
STATUSES_LIMIT = 20


@table.add("GET", "/api/v1/statuses", "metrics")
def get_statuses(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    """GET /api/v1/statuses?id[]=… (Mastodon 4.3+, Api::V1::StatusesController#index): the
    statuses that exist, in no promised order; more than 20 ids is a 422. An instance older
    than 4.3 has no such route (404)."""
    if not emu.config.mastodon_pkce:  # the emulated instance is 4.2.10
        return error(404, "Record not found")
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    query = (req.raw_path or "").partition("?")[2]
    ids = list(dict.fromkeys(v for k, v in parse_qsl(query) if k in ("id[]", "id")))
    if len(ids) > STATUSES_LIMIT:
        return error(422, "Validation failed")
    found = [p for p in (_own_status(emu, i) for i in ids if i.isdigit()) if p is not None]
    return json_response(200, [status_body(emu, post, req) for post in found])


@table.add("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses", "lookup")
def account_statuses(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    try:
        limit = max(1, min(40, int(req.query.get("limit") or 20)))
    except ValueError:
        limit = 20
    max_id, since_id = req.query.get("max_id"), req.query.get("since_id")
    found = []
    for post in reversed(emu.state.posts):
        if post.platform != P or post.account != m.group("id") or post.deleted:
            continue
        if max_id and int(post.external_id) >= int(max_id):
            continue
        if since_id and int(post.external_id) <= int(since_id):
            break
        found.append(status_body(emu, post, req))
        if len(found) >= limit:
            break
    return json_response(200, found)


# ---------------------------------------------------------------------- media
def _processed(emu: Emulator, upload: Upload) -> bool:
    return emu.now_ts() >= float(upload.extra.get("ready_at", 0.0))


def media_body(emu: Emulator, upload: Upload, req: Request) -> dict[str, Any]:
    b = base(req)
    kind = "image" if upload.category == "image" else "video"
    done = _processed(emu, upload)
    return {
        "id": upload.id,
        "type": kind if upload.mime != "image/gif" else "gifv",
        "url": f"{b}/system/media_attachments/files/{upload.id}/original/file" if done else None,
        "preview_url": f"{b}/system/media_attachments/files/{upload.id}/small/file",
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": upload.extra.get("meta") or {},
        "description": upload.extra.get("description"),
        "blurhash": "UPN1Ddxup{IT9an~.8RjK-oy%gkE%#W?i^t6",
    }


@table.add("POST", "/api/v2/media", "media_upload")
def upload_media(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, "write:media")
    if isinstance(tok, Response):
        return tok
    file = req.files.get("file")
    if file is None or not file.data:
        return error(422, "Validation failed: File can't be blank")
    mime = (file.content_type or "application/octet-stream").lower()
    if not mime.startswith(("image/", "video/")):
        return error(422, f"Validation failed: File content type is invalid ({mime})")
    description = req.form.get("description")
    if description and len(description) > 1500:
        return error(422, "Validation failed: Description is too long (maximum is 1500 characters)")
    slow = mime.startswith("video/") or mime == "image/gif"
    meta: dict[str, Any] = {}
    x, sep, y = (req.form.get("focus") or "").partition(",")
    try:
        if sep:
            meta["focus"] = {"x": float(x), "y": float(y)}
    except ValueError:
        return error(422, "Validation failed: Focus is invalid")
    upload = Upload(
        id=emu.state.new_id("md_media"),
        user_id=tok.user_id,
        created_at=emu.now_ts(),
        size=len(file.data),
        category="video" if slow else "image",
        mime=mime,
        extra={
            "description": description,
            "meta": meta,
            "ready_at": emu.now_ts() + (emu.config.mastodon_media_processing_s if slow else 0),
        },
    )
    emu.state.uploads[upload.id] = upload
    return json_response(202 if slow else 200, media_body(emu, upload, req))


@table.add("GET", r"/api/v1/media/(?P<id>\d+)", "container_status")
def get_media(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    upload = emu.state.uploads.get(m.group("id"))
    if upload is None or upload.user_id != tok.user_id:
        return error(404, "Record not found")
    return json_response(200 if _processed(emu, upload) else 206, media_body(emu, upload, req))


# ---------------------------------------------------------------------- faults
def fault_response(
    emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
) -> Response:
    if kind == "429":
        reset = emu.now_ts() + float(params.get("reset_in", 60))
        resp = error(429, "Too many requests")
        resp.with_header("X-RateLimit-Limit", 300).with_header("X-RateLimit-Remaining", 0)
        return resp.with_header("X-RateLimit-Reset", iso_z(reset))
    if kind == "invalid_token":
        return error(401, "The access token is invalid")
    if kind == "duplicate":
        return error(422, "Validation failed: Text has already been posted")
    texts = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
    status = kind if kind in texts else "500"
    return error(int(status), texts[status])


def not_found(req: Request) -> Response:
    return error(404, "Record not found")


API = PlatformAPI(key=P, prefix=P, table=table, fault_response=fault_response, not_found=not_found)
