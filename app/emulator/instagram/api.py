"""Instagram (Instagram Login + Graph content publishing) under /instagram.

Paths (prefix /instagram stands for api.instagram.com, www.instagram.com and
graph.instagram.com; the Graph version segment, e.g. /v25.0, is optional):
    GET  /oauth/authorize                       302 with code, state
    POST /oauth/access_token                    form -> {"access_token", "user_id"} (1 h)
    GET  /access_token?grant_type=ig_exchange_token&client_secret&access_token  -> 60 days
    GET  /refresh_access_token?grant_type=ig_refresh_token&access_token  (token >= 24 h old)
    GET  /v25.0/me?fields=user_id,username
    POST /v25.0/{ig-user-id}/media              image_url | video_url, caption, media_type,
                                                children, is_carousel_item, alt_text (images)
                                                -> {"id": container}; a video stays IN_PROGRESS
                                                for ig_video_processing_s of the clock
    GET  /v25.0/{container-id}?fields=status_code,status
    POST /v25.0/{ig-user-id}/media_publish?creation_id=   -> {"id": media id}
    GET  /v25.0/{ig-user-id}/content_publishing_limit?fields=quota_usage,config
    GET  /v25.0/{ig-user-id}/media?fields=id,caption,timestamp&limit=&after=&before=&since=
         &until=                                newest first, Graph cursor paging
    GET  /v25.0/{media-id}/insights?metric=reach,likes,comments,shares,saved,
         total_interactions,views

Containers stay IN_PROGRESS for `container_polls` status reads (default 1), then FINISHED;
they expire after 24 h. A video that is not MP4/MOV turns the container to ERROR. Publishing
an unfinished container gives 9007/2207027; an expired one -2/2207020; an already published
one 9007/2207006 (look the media up instead). The 50-per-24-h quota is a moving window.

OAuth and token endpoints live in app.emulator.instagram.auth.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import graph, graph_batch, graph_containers
from app.emulator.graph import bad_param, graph_error
from app.emulator.instagram import auth as instagram_auth
from app.emulator.instagram import comments as instagram_comments
from app.emulator.instagram.auth import user_token
from app.emulator.media import MIB, FetchError, fetch, image_kind, is_video, jpeg_size
from app.emulator.names import NETWORK_OF
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.state import Container, Post, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "instagram"
DAY = 86400
table = RouteTable(list(instagram_auth.table.routes) + instagram_comments.table.routes)
STATUS_TEXT = {
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "PUBLISHED": "Published: Media has been published.",
    "EXPIRED": "Expired: Media was not published within 24 hours.",
    "ERROR": "Error: Media upload has failed with error code 2207026.",
}
INSIGHT_METRICS = ("reach", "likes", "comments", "shares", "saved", "total_interactions", "views")


def ig_error(message: str, code: int, subcode: int, title: str = "", msg: str = "") -> Response:
    return graph_error(
        400, message, code, subcode=subcode, user_title=title or None, user_msg=msg or None
    )


# ---------------------------------------------------------------------- containers
def _check_image(emu: Emulator, url: str) -> Response | None:
    try:
        data = fetch(url, max_bytes=8 * MIB, timeout=emu.config.media_fetch_timeout_s)
    except FetchError as exc:
        if exc.reason == "too_large":
            return ig_error(
                "The image size is too large.",
                36000,
                2207004,
                "Image is too large",
                "The image is too large to download. It should be less than 8 MiB.",
            )
        return _unfetchable()
    if image_kind(data) != "jpeg":
        return _unfetchable()
    size = jpeg_size(data)
    if size is None or not size[1]:
        return _unfetchable()
    ratio = round(size[0] / size[1], 2)
    if not 0.8 <= ratio <= 1.91:
        return ig_error(
            "The aspect ratio is not supported.",
            36003,
            2207009,
            "Cannot Post Image With This Aspect Ratio",
            "The submitted image with aspect ratio ('{}/{}') cannot be published. Please "
            "submit an image with a valid aspect ratio.".format(*size),
        )
    return None


def _unfetchable() -> Response:
    return ig_error(
        "Only photo or video can be accepted as media type.",
        9004,
        2207052,
        "Media download has failed.",
        "The media could not be fetched from this uri.",
    )


def _video_ok(emu: Emulator, url: str) -> bool | Response:
    try:
        data = fetch(url, max_bytes=300 * MIB, timeout=emu.config.media_fetch_timeout_s)
    except FetchError:
        return _unfetchable()
    return is_video(data)


@table.add("POST", V + r"/(?P<uid>\d+)/media", "media_upload", locked=False)
def create_container(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    with emu.lock:
        tok = user_token(emu, req, m["uid"])
        if isinstance(tok, Response):
            return tok
    image_url, video_url = req.param("image_url"), req.param("video_url")
    media_type = (req.param("media_type") or "").upper() or ("IMAGE" if image_url else "")
    caption = req.param("caption") or ""
    alt_text = req.param("alt_text")
    carousel_item = (req.param("is_carousel_item") or "").lower() == "true"
    children: list[str] = []
    if media_type == "CAROUSEL":
        raw = req.param("children") or ""
        children = [c.strip(' "[]') for c in raw.split(",") if c.strip(' "[]')]
        if not 2 <= len(children) <= 10:
            return bad_param("(#100) A carousel needs between 2 and 10 children.")
    elif media_type in ("IMAGE", "STORIES") and image_url:
        problem = _check_image(emu, image_url)
        if problem is not None:
            return problem
    elif media_type in ("VIDEO", "REELS", "STORIES") and video_url:
        result = _video_ok(emu, video_url)
        if isinstance(result, Response):
            return result
        if not result:
            media_type = media_type + ":ERROR"
    else:
        return bad_param("(#100) The parameter image_url or video_url is required.")
    if alt_text is not None and (video_url or len(alt_text) > 1000):
        return bad_param("(#100) alt_text is for images only, up to 1000 characters.")
    if len(caption) > 2200:
        return ig_error(
            "The caption is too long.", 36004, 2207010, "Caption too long", "Max 2200 characters."
        )
    if len(re.findall(r"@\w", caption)) > 20:
        return ig_error("Too many tags.", 100, 2207040, "Too many tags", "At most 20 @ tags.")
    with emu.lock:
        for child in children:
            c = emu.state.containers.get(child)
            if c is None or c.user_id != tok.user_id or not c.is_carousel_item:
                return bad_param(f"(#100) Invalid carousel child {child}.")
        errored = media_type.endswith(":ERROR")
        container = Container(
            id=emu.state.new_id("ig_container"),
            user_id=tok.user_id,
            media_type=media_type.removesuffix(":ERROR"),
            caption="" if carousel_item else caption,
            created_at=emu.now_ts(),
            image_url=image_url,
            video_url=video_url,
            children=children,
            is_carousel_item=carousel_item,
            status="ERROR" if errored else "IN_PROGRESS",
            alt_text=alt_text,
        )
        emu.state.containers[container.id] = container
        return json_response(200, {"id": container.id})


def _refresh_status(emu: Emulator, c: Container, *, poll: bool) -> None:
    graph_containers.expire(emu, c)
    if c.status == "IN_PROGRESS" and poll:
        processing = emu.config.ig_video_processing_s if c.video_url else 0
        if c.polls >= emu.config.container_polls and emu.now_ts() - c.created_at >= processing:
            c.status = "FINISHED"
        c.polls += 1


def fail_container(emu: Emulator, container_id: str) -> None:
    c = emu.state.containers.get(container_id)
    if c is not None and c.status != "PUBLISHED":
        c.status = "ERROR"


@table.add("GET", V + r"/(?P<id>\d+)", "container_status")
def get_object(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    fields = graph.split_fields(req.param("fields")) or ["id"]

    def status(c: Container) -> dict[str, Any]:
        _refresh_status(emu, c, poll=True)
        body: dict[str, Any] = {}
        if "status_code" in fields:
            body["status_code"] = c.status
        if "status" in fields:
            body["status"] = STATUS_TEXT[c.status]
        return body

    return graph_containers.container_or_post(
        emu, P, m["id"], tok.user_id, status, lambda p: _media_object(p, fields, _counts(emu, p))
    )


def _media_object(
    post: Post, fields: list[str], mx: dict[str, int] | None = None
) -> dict[str, Any]:
    full: dict[str, Any] = {
        "id": post.external_id,
        "caption": post.text,
        "timestamp": graph.graph_time(post.created_at),
        "media_type": post.extra.get("media_type", "IMAGE"),
        "media_product_type": "FEED",
        "permalink": f"https://www.instagram.com/p/emu{post.external_id[-8:]}/",
    }
    if post.media and isinstance(post.media[0], str):
        full["media_url"] = post.media[0]
    if mx is not None:
        full["like_count"] = mx["likes"]
        full["comments_count"] = mx["comments"]
    return {k: v for k, v in full.items() if k == "id" or k in fields}


def _counts(emu: Emulator, post: Post) -> dict[str, int]:
    return emu.model.metrics(NETWORK_OF[P], post.external_id, utc(post.created_at), emu.now())


def _quota(emu: Emulator, uid: str, consume: bool) -> Any:
    limit = emu.config.instagram_publishes_per_24h
    return emu.state.limits.moving(f"ig:publish:{uid}", limit, DAY, emu.now_ts(), consume=consume)


@table.add("POST", V + r"/(?P<uid>\d+)/media_publish", "publish")
def media_publish(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    c = graph_containers.to_publish(emu, req, tok.user_id)
    if isinstance(c, Response):
        return c
    _refresh_status(emu, c, poll=False)
    if c.status == "EXPIRED":
        return ig_error("The media container has expired.", -2, 2207020, "Media expired")
    if c.status == "PUBLISHED":
        return ig_error("The media has already been published.", 9007, 2207006, "Published")
    if c.status != "FINISHED":
        return ig_error(
            "Media ID is not available",
            9007,
            2207027,
            "Media is not ready to be published",
            "The media is not ready to be published. Please wait a moment.",
        )
    if not _quota(emu, tok.user_id, consume=False).allowed:
        emu.state.limits.refuse("ig:publish")
        return ig_error(
            "Application request limit reached",
            9,
            2207042,
            "Maximum number of posts reached",
            "You reached the maximum number of posts allowed to be published in 24 hours.",
        )
    _quota(emu, tok.user_id, consume=True)
    media_id = emu.state.new_id("ig_media")
    c.status, c.media_id = "PUBLISHED", media_id
    sources = [emu.state.containers[ch] for ch in c.children] or [c]
    emu.state.add_post(
        Post(
            platform=P,
            account=tok.user_id,
            external_id=media_id,
            text=c.caption,
            created_at=emu.now_ts(),
            media=[s.image_url or s.video_url for s in sources],
            idempotency_key=req.header("Idempotency-Key"),
            extra={
                "container_id": c.id,
                "media_type": c.media_type,
                "alt_texts": [s.alt_text for s in sources],
            },
        )
    )
    return json_response(200, {"id": media_id})


@table.add("GET", V + r"/(?P<uid>\d+)/content_publishing_limit", "account")
def publishing_limit(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    q = _quota(emu, tok.user_id, consume=False)
    fields = graph.split_fields(req.param("fields")) or ["quota_usage"]
    item: dict[str, Any] = {}
    if "quota_usage" in fields:
        item["quota_usage"] = q.used
    if "config" in fields:
        item["config"] = {"quota_total": q.limit, "quota_duration": DAY}
    return json_response(200, {"data": [item]})


@table.add("GET", V + r"/(?P<uid>\d+)/media", "lookup")
def list_media(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req, m["uid"])
    if isinstance(tok, Response):
        return tok
    fields = graph.split_fields(req.param("fields")) or ["id"]
    return graph.own_posts(
        emu, req, P, tok.user_id, lambda p: _media_object(p, fields, _counts(emu, p))
    )


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
    saved = mx["likes"] // 8
    values = {
        "views": mx["impressions"],
        "reach": int(mx["impressions"] * 0.72),
        "likes": mx["likes"],
        "comments": mx["comments"],
        "shares": mx["shares"],
        "saved": saved,
        "total_interactions": mx["likes"] + mx["comments"] + mx["shares"] + saved,
    }
    data = graph.insight_entries(
        post.external_id,
        names,
        values,
        lambda name: name.replace("_", " ").capitalize(),
        lambda name: f"Lifetime {name.replace('_', ' ')} of this media.",
    )
    return json_response(200, {"data": data})


graph_batch.register(table)  # POST /?batch=[…]: several requests in one

API = graph.platform_api(P, "instagram", table)
