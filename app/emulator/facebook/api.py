"""Facebook Pages under /facebook: Login, page tokens, feed and photo posts, insights.

Paths (prefix /facebook stands for www.facebook.com and graph.facebook.com; the version
segment, e.g. /v25.0, is optional):
    GET  /v25.0/dialog/oauth                         302 with code, state
    GET  /v25.0/oauth/access_token?client_id&redirect_uri&client_secret&code  short-lived (1 h)
    GET  /v25.0/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret
         &fb_exchange_token                          long-lived, expires_in 5183944
    GET  /v25.0/me    GET /v25.0/me/accounts         page tokens (no expiry from a long-lived
                                                     user token, 1 h from a short-lived one)
    POST /v25.0/{page-id}/feed      message, link    -> {"id": "{page-id}_{post-id}"}
    POST /v25.0/{page-id}/photos    url | multipart source, message|caption -> {"id", "post_id"}
    GET  /v25.0/{page-id}/feed?fields=id,message,created_time&since=&until=&limit=&after=
         &before=&__paging_token=&__previous=      newest first, time-based paging as Graph
    GET  /v25.0/{post-id}?fields=id,message,created_time,shares,comments.summary(true),
         reactions.summary(true)
    GET  /v25.0/{video-id}?fields=post_id                 {"post_id", "id"}: a video's feed post
    GET  /v25.0/{post-id}/insights?metric=post_total_media_view_unique,post_clicks,
         post_reactions_by_type_total              retired metrics (post_impressions...) are
                                                   refused: 400, code 100, "invalid metric"
    DELETE /v25.0/{post-id}

Posting needs the page's own token (a user token gets (#200)). The same message on the same
page within `facebook_duplicate_window_s` (1 h) is refused with 506 "Duplicate status
message". Every API call counts against `facebook_calls_per_hour` per page token (then code 32)
or per user token (then code 4); usage is reported in X-Page-Usage / X-App-Usage.
Scheduled or unpublished posts (published=false) are not emulated (error 100).
The feed pages by time as Graph's feed does (app.emulator.paging.graph_time_body):
`paging.previous`, and `paging.next` only while older posts remain; no `cursors`.

OAuth and token endpoints live in app.emulator.facebook.auth.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from app.emulator import graph, graph_batch, paging
from app.emulator.facebook import auth as facebook_auth
from app.emulator.facebook import comments as facebook_comments
from app.emulator.facebook import media as facebook_media
from app.emulator.facebook.auth import graph_api, page_owner, page_problem
from app.emulator.facebook.media import new_post
from app.emulator.graph import bad_param
from app.emulator.names import NETWORK_OF
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.state import Post, Token, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "facebook"
table = RouteTable(
    facebook_auth.table.routes + facebook_media.table.routes + facebook_comments.table.routes
)
POST_ID = r"(?P<post>\d+(?:_\d+)?)"  # a post, or a photo/video id
PAGE_ID = r"(?P<page>\d+)"
# Page post insights as Graph serves them since 2025-11-15 ("Page Insights API Updates",
# 2025-08-15): the impressions family is retired on every version and refused.
INSIGHTS = {
    "post_media_view": "Lifetime Post Media Views",
    "post_total_media_view_unique": "Lifetime Post Total Media Viewers",
    "post_clicks": "Lifetime Post Clicks",
    "post_reactions_by_type_total": "Lifetime Total post Reactions by Type.",
    "post_reactions_like_total": "Lifetime Total Like Reactions of a post.",
}
RETIRED_INSIGHTS = frozenset(
    {
        "post_impressions",
        "post_impressions_unique",
        "post_impressions_organic",
        "post_impressions_organic_unique",
        "post_impressions_paid",
        "post_impressions_paid_unique",
        "post_impressions_fan",
        "post_impressions_viral",
        "post_impressions_nonviral",
    }
)


# ---------------------------------------------------------------------- posting
def _is_duplicate(emu: Emulator, page_id: str, message: str, link: str | None) -> bool:
    same = emu.state.last_same_text(P, page_id, message, link)
    window = emu.config.facebook_duplicate_window_s
    return bool(same and not same.deleted and emu.now_ts() - same.created_at < window)


@table.add("POST", V + "/" + PAGE_ID + "/feed", "publish", locked=False)
@graph_api(("page", "access"))
def feed_post(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    message, link = req.param("message") or "", req.param("link")
    with emu.lock:
        problem = page_problem(emu, tok, m["page"])
        if problem:
            return problem
        if (req.param("published") or "").lower() == "false":
            return bad_param("(#100) Scheduled and unpublished posts are not emulated.")
        photos = facebook_media.attached_photos(emu, req, m["page"])
        if isinstance(photos, Response):
            return photos
        if not message and not link and not photos:
            return bad_param("(#100) Missing message or attachment.")
        if len(message) > 63206:
            return bad_param("(#100) The message is too long.")
        if not photos and _is_duplicate(emu, m["page"], message, link):
            return graph.duplicate_post()
        for photo in photos:
            photo.state = "published"
        user = page_owner(emu, tok)
        media = [p.extra["source"] for p in photos]
        alts = [p.extra.get("alt_text_custom") for p in photos] or None
        post = new_post(
            emu, req, m["page"], message, media, link=link, user_id=user.id, alt_texts=alts
        )
        return json_response(200, {"id": post.external_id})


# ---------------------------------------------------------------------- reading
def _fields_of(post: Post, fields: list[str], mx: dict[str, int] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": post.external_id}
    for field in fields:
        name = re.split(r"[.{(]", field, maxsplit=1)[0]
        if name == "message" and post.text:
            out["message"] = post.text
        elif name == "created_time":
            out["created_time"] = graph.graph_time(post.created_at)
        elif name == "permalink_url":
            page, _, pid = post.external_id.partition("_")
            out["permalink_url"] = f"https://www.facebook.com/{page}/posts/{pid}"
        elif name == "link" and post.extra.get("link"):
            out["link"] = post.extra["link"]
        elif name == "shares" and mx is not None:
            out["shares"] = {"count": mx["shares"]}
        elif name == "comments" and mx is not None:
            summary = {"order": "chronological", "total_count": mx["comments"], "can_comment": True}
            out[name] = {"data": [], "summary": summary}
        elif name == "reactions" and mx is not None:
            summary = {"total_count": mx["likes"], "viewer_reaction": "NONE"}
            out[name] = {"data": [], "summary": summary}
        elif name == "likes" and mx is not None:
            out[name] = {"data": [], "summary": {"total_count": mx["likes"]}}
    return out


def _metrics(emu: Emulator, post: Post) -> dict[str, int]:
    return emu.model.metrics(NETWORK_OF[P], post.external_id, utc(post.created_at), emu.now())


@table.add("GET", V + "/" + PAGE_ID + "/(?:feed|posts|published_posts)", "lookup", locked=False)
@graph_api()
def list_feed(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    fields = graph.split_fields(req.param("fields")) or ["message", "created_time"]
    limit = paging.graph_limit(req)
    visible = paging.graph_window(req)
    with emu.lock:
        try:
            page = paging.paginate(
                paging.account_posts(emu, P, m["page"]),
                visible,
                limit,
                **paging.graph_cursors(req),
            )
        except paging.BadCursor:
            return bad_param("(#100) Invalid pagination cursor.")
        data = [_fields_of(p, fields, _metrics(emu, p)) for p in page.items]
    return json_response(200, paging.graph_time_body(req, page, data, limit))


def _visible_post(emu: Emulator, tok: Token, post_id: str) -> Post | None:
    post = emu.state.post(P, post_id)
    if post is None or post.deleted or post.extra.get("user_id") != tok.user_id:
        return None
    return post


@table.add("GET", V + "/" + POST_ID, "metrics", locked=False)
@graph_api()
def get_post(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    fields = graph.split_fields(req.param("fields")) or ["message", "created_time"]
    with emu.lock:
        owned_page = page_owner(emu, tok).page_id
        photo = facebook_media.photo(emu, m["post"], owned_page)
        if photo is not None:
            return json_response(200, facebook_media.photo_object(photo, fields))
        post = _visible_post(emu, tok, m["post"])
        if post is None:
            return graph.no_object(m["post"])
        if post.extra.get("video_id") == m["post"]:
            return json_response(200, _video_object(post, fields))
        return json_response(200, _fields_of(post, fields, _metrics(emu, post)))


def _video_object(post: Post, fields: list[str]) -> dict[str, Any]:
    """A Page video as Graph shows it: its own id, and the feed post it made (`post_id`)."""
    out: dict[str, Any] = {}
    for field in fields:
        if field == "post_id":
            out["post_id"] = post.external_id
        elif field == "description" and post.text:
            out["description"] = post.text
        elif field in ("created_time", "updated_time"):
            out[field] = graph.graph_time(post.created_at)
    out["id"] = post.extra["video_id"]
    return out


@table.add("DELETE", V + "/" + POST_ID, "delete", locked=False)
@graph_api()
def delete_post(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    with emu.lock:
        post = _visible_post(emu, tok, m["post"])
        if post is None:
            return graph.no_object(m["post"])
        post.deleted = True
    return json_response(200, {"success": True})


@table.add("GET", V + "/" + POST_ID + "/insights", "metrics", locked=False)
@graph_api()
def insights(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    names = [n.strip() for n in (req.param("metric") or "").split(",") if n.strip()]
    if not names:
        return bad_param("(#100) The parameter metric is required.")
    if any(name not in INSIGHTS for name in names):
        # Graph refuses the whole request for one bad name and does not say which.
        return invalid_metric()
    with emu.lock:
        post = _visible_post(emu, tok, m["post"])
        if post is None:
            return graph.no_object(m["post"])
        mx = _metrics(emu, post)
    likes = mx["likes"]
    loves, wows = likes // 5, likes // 20
    values: dict[str, Any] = {
        "post_media_view": mx["impressions"],
        "post_total_media_view_unique": int(mx["impressions"] * 0.75),
        "post_clicks": mx["clicks"],
        "post_reactions_by_type_total": {"like": likes - loves - wows, "love": loves, "wow": wows},
        "post_reactions_like_total": likes - loves - wows,
    }
    data = graph.insight_entries(
        post.external_id,
        names,
        values,
        lambda name: INSIGHTS[name],
        lambda name: f"Lifetime: {INSIGHTS[name]}",
    )
    return json_response(200, {"data": data, "paging": {"previous": "", "next": ""}})


def invalid_metric() -> Response:
    """Graph's answer to a retired or unknown insights metric (recorded: no is_transient)."""
    error = {
        "message": "(#100) The value must be a valid insights metric",
        "type": "OAuthException",
        "code": 100,
        "fbtrace_id": "A" + secrets.token_urlsafe(16),
    }
    return json_response(400, {"error": error})


graph_batch.register(table)  # POST /?batch=[…]: several requests in one

API = graph.platform_api(P, "facebook", table)
