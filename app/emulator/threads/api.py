"""Threads (graph.threads.net) under /threads; the version segment /v1.0 is optional.

    POST /v1.0/{user-id}/threads            media_type TEXT|IMAGE|VIDEO|CAROUSEL, text,
                                            image_url, video_url, is_carousel_item, children,
                                            reply_to_id, alt_text (image/video) -> {"id": container}
    GET  /v1.0/{container-id}?fields=status,error_message   IN_PROGRESS, FINISHED, PUBLISHED,
                                            ERROR (with error_message), EXPIRED (after 24 h)
    POST /v1.0/{user-id}/threads_publish?creation_id=   -> {"id": media id}
    GET  /v1.0/{user-id}/threads_publishing_limit?fields=quota_usage,config,
         reply_quota_usage,reply_config     250 posts / 1,000 replies per rolling 24 h
    GET  /v1.0/{user-id}/threads?fields=id,text,timestamp,permalink&since&until&limit
                                            newest first, Graph cursor paging
    GET  /v1.0/{media-id}?fields=id,text,timestamp,permalink
    GET  /v1.0/{user-id|media-id}/replies   the user's replies, or a post's (replies.py)
    GET  /v1.0/{media-id}/insights?metric=views,likes,replies,reposts,quotes,shares

Containers stay IN_PROGRESS for `container_polls` status reads (a video one more), on the
emulator's clock they expire after 24 h. Text over 500 (an emoji counts as its UTF-8 bytes)
is refused at container creation. Publishing an unready, expired or already published
container answers Graph code 24 (subcode 4279009): Meta documents no Threads-specific code for
these, so that choice is the emulator's own. With `threads_views_reported=0` insights leave `views` out
(Meta: "in development"). Bodies follow tests/contract/recorded/threads/ (documented shapes).
OAuth and tokens live in app.emulator.threads.auth.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import graph, graph_batch, graph_containers
from app.emulator.graph import bad_param, graph_error
from app.emulator.media import MIB, FetchError, fetch, image_kind, is_video
from app.emulator.names import NETWORK_OF
from app.emulator.routes import RouteTable
from app.emulator.state import Container, Post, utc
from app.emulator.threads import auth as threads_auth
from app.emulator.threads import replies
from app.emulator.threads.auth import V, user_token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "threads"
DAY = 86400
MAX_TEXT = 500
table = RouteTable(list(threads_auth.table.routes))
INSIGHT_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
UID = r"(?P<uid>\d+|me)"


def text_length(text: str) -> int:
    """Threads' count: code points, each emoji as its UTF-8 bytes (the emulator's own reading
    of "Emojis are counted as the number of UTF-8 bytes": pictographic planes and blocks)."""
    total = 0
    for ch in text:
        cp = ord(ch)
        emoji = cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or cp in (0x200D, 0xFE0F)
        total += len(ch.encode()) if emoji else 1
    return total


# ---------------------------------------------------------------------- containers
def _media_problem(emu: Emulator, kind: str, url: str) -> str | Response | None:
    """None: fine; a string: the container turns to ERROR with it; a Response: refused."""
    limit = 8 * MIB if kind == "IMAGE" else 1024 * MIB
    try:
        data = fetch(url, max_bytes=limit, timeout=emu.config.media_fetch_timeout_s)
    except FetchError as exc:
        if exc.reason == "too_large" and kind == "IMAGE":
            return bad_param("(#100) The image is too large: at most 8 MB.")
        return "FAILED_DOWNLOADING_VIDEO" if kind == "VIDEO" else "FAILED_PROCESSING_IMAGE"
    if kind == "IMAGE":
        return None if image_kind(data) in ("jpeg", "png") else "FAILED_PROCESSING_IMAGE"
    return None if is_video(data) else "FAILED_PROCESSING_VIDEO"


@table.add("POST", V + "/" + UID + r"/threads", "media_upload", locked=False)
def create_container(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    with emu.lock:
        tok = user_token(emu, req, m["uid"])
        if isinstance(tok, Response):
            return tok
    media_type = (req.param("media_type") or "").upper()
    text = req.param("text") or ""
    image_url, video_url = req.param("image_url"), req.param("video_url")
    carousel_item = (req.param("is_carousel_item") or "").lower() == "true"
    reply_to = req.param("reply_to_id")
    children: list[str] = []
    error: str | None = None
    if media_type not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
        return bad_param("(#100) media_type must be one of TEXT, IMAGE, VIDEO, CAROUSEL.")
    if req.param("alt_text") is not None and media_type not in ("IMAGE", "VIDEO"):
        return bad_param("(#100) alt_text is for image and video containers only.")
    if media_type == "TEXT" and not text.strip():
        return bad_param("(#100) The parameter text is required for a TEXT post.")
    if text_length(text) > MAX_TEXT:
        return bad_param(f"(#100) Param text must be at most {MAX_TEXT} characters long.")
    if media_type == "CAROUSEL":
        raw = req.param("children") or ""
        children = [c.strip(' "[]') for c in raw.split(",") if c.strip(' "[]')]
        if not 2 <= len(children) <= 20:
            return bad_param("(#100) A carousel needs between 2 and 20 children.")
    elif media_type in ("IMAGE", "VIDEO"):
        url = image_url if media_type == "IMAGE" else video_url
        if not url:
            return bad_param(f"(#100) The parameter {media_type.lower()}_url is required.")
        problem = _media_problem(emu, media_type, url)
        if isinstance(problem, Response):
            return problem
        error = problem
    with emu.lock:
        for child in children:
            c = emu.state.containers.get(child)
            if c is None or c.user_id != tok.user_id or not c.is_carousel_item:
                return bad_param(f"(#100) Invalid carousel child {child}.")
        if reply_to is not None and emu.state.post(P, reply_to) is None:
            return graph.no_object(reply_to)
        container = Container(
            id=emu.state.new_id("th_container"),
            user_id=tok.user_id,
            media_type=media_type,
            caption="" if carousel_item else text,
            created_at=emu.now_ts(),
            image_url=image_url,
            video_url=video_url,
            children=children,
            is_carousel_item=carousel_item,
            status="ERROR" if error else "IN_PROGRESS",
            error_message=error,
            reply_to=reply_to,
            alt_text=req.param("alt_text") if media_type in ("IMAGE", "VIDEO") else None,
        )
        emu.state.containers[container.id] = container
        return json_response(200, {"id": container.id})


def _refresh_status(emu: Emulator, c: Container, *, poll: bool) -> None:
    graph_containers.expire(emu, c)
    if c.status == "IN_PROGRESS" and poll:
        needed = emu.config.container_polls + (1 if c.media_type == "VIDEO" else 0)
        if c.polls >= needed:
            c.status = "FINISHED"
        c.polls += 1


@table.add("GET", V + r"/(?P<id>\d+)", "container_status")
def get_object(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    fields = graph.split_fields(req.param("fields")) or ["id"]

    def status(c: Container) -> dict[str, Any]:
        _refresh_status(emu, c, poll=True)
        body: dict[str, Any] = {}
        if "status" in fields:
            body["status"] = c.status
        if "error_message" in fields and c.status == "ERROR":
            body["error_message"] = c.error_message or "UNKNOWN"
        return body

    return graph_containers.container_or_post(
        emu,
        P,
        m["id"],
        tok.user_id,
        status,
        lambda p: {**_media_object(p, fields), **replies.reply_fields(emu, p, fields)},
    )


def _media_object(post: Post, fields: list[str]) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": post.external_id,
        "media_product_type": "THREADS",
        "media_type": post.extra.get("media_type", "TEXT_POST"),
        "text": post.text,
        "timestamp": graph.graph_time(post.created_at),
        "permalink": f"https://www.threads.com/@emu/post/E{post.external_id[-8:]}",
        "is_quote_post": False,
    }
    return {k: v for k, v in full.items() if k == "id" or k in fields}


def _quota(emu: Emulator, uid: str, consume: bool, reply: bool = False) -> Any:
    if reply:
        key, limit = f"th:reply:{uid}", emu.config.threads_replies_per_24h
    else:
        key, limit = f"th:publish:{uid}", emu.config.threads_publishes_per_24h
    return emu.state.limits.moving(key, limit, DAY, emu.now_ts(), consume=consume)


@table.add("POST", V + "/" + UID + r"/threads_publish", "publish")
def threads_publish(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    c = graph_containers.to_publish(emu, req, tok.user_id)
    if isinstance(c, Response):
        return c
    _refresh_status(emu, c, poll=False)
    if c.status == "EXPIRED":
        return graph_error(400, "The media container has expired.", 24, subcode=4279009)
    if c.status == "PUBLISHED":
        return graph_error(400, "The media has already been published.", 24, subcode=4279009)
    if c.status != "FINISHED":
        return graph_error(
            400, "Media Not Found: the media is not ready to be published.", 24, subcode=4279009
        )
    reply = c.reply_to is not None
    if not _quota(emu, tok.user_id, False, reply).allowed:
        emu.state.limits.refuse("th:publish")
        return graph_error(
            400, "(#4) Application request limit reached: publishing limit reached.", 4
        )
    _quota(emu, tok.user_id, True, reply)
    media_id = emu.state.new_id("th_media")
    c.status, c.media_id = "PUBLISHED", media_id
    sources = [emu.state.containers[ch] for ch in c.children] or [c]
    kinds = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "VIDEO": "VIDEO"}
    emu.state.add_post(
        Post(
            platform=P,
            account=tok.user_id,
            external_id=media_id,
            text=c.caption,
            created_at=emu.now_ts(),
            media=[s.image_url or s.video_url for s in sources if s.image_url or s.video_url],
            extra={
                "container_id": c.id,
                "media_type": kinds.get(c.media_type, "CAROUSEL_ALBUM"),
                "reply_to_id": c.reply_to,
                "alt_texts": [s.alt_text for s in sources if s.image_url or s.video_url],
            },
        )
    )
    return json_response(200, {"id": media_id})


@table.add("GET", V + "/" + UID + r"/threads_publishing_limit", "account")
def publishing_limit(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    fields = graph.split_fields(req.param("fields")) or ["quota_usage"]
    item: dict[str, Any] = {}
    for prefix, reply in (("", False), ("reply_", True)):
        q = _quota(emu, tok.user_id, False, reply)
        if f"{prefix}quota_usage" in fields:
            item[f"{prefix}quota_usage"] = q.used
        if f"{prefix}config" in fields:
            item[f"{prefix}config"] = {"quota_total": q.limit, "quota_duration": DAY}
    return json_response(200, {"data": [item]})


@table.add("GET", V + "/" + UID + r"/threads", "lookup")
def list_threads(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    fields = graph.split_fields(req.param("fields")) or ["id"]
    return graph.own_posts(emu, req, P, tok.user_id, lambda p: _media_object(p, fields))


@table.add("GET", V + r"/(?P<oid>\d+|me)/replies", "lookup")
def list_replies(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    return replies.list_replies(emu, req, m["oid"], tok.user_id, _media_object)


@table.add("GET", V + r"/(?P<mid>\d+)/insights", "metrics")
def insights(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    post = emu.state.post(P, m["mid"])
    if post is None or post.account != tok.user_id or post.deleted:
        return graph.no_object(m["mid"])
    names = graph.metric_names(req, INSIGHT_METRICS)
    if isinstance(names, Response):
        return names
    mx = emu.model.metrics(NETWORK_OF[P], post.external_id, utc(post.created_at), emu.now())
    values = {
        "views": mx["impressions"],
        "likes": mx["likes"],
        "replies": mx["comments"],
        "reposts": mx["shares"],
        "quotes": mx["shares"] // 3,
        "shares": mx["clicks"],
    }
    if not emu.config.threads_views_reported:
        names = [n for n in names if n != "views"]
    data = graph.insight_entries(
        post.external_id,
        names,
        values,
        lambda name: name.capitalize(),
        lambda name: f"The number of {name} of your post.",
    )
    return json_response(200, {"data": data})


graph_batch.register(table)  # POST /?batch=[…]: several requests in one

API = graph.platform_api(P, "threads", table)
