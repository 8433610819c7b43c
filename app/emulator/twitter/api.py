"""X (Twitter) API v2 under /x: OAuth 2.0 + PKCE, posts, lookup, delete, users, media upload.

Paths (prefix /x stands for https://api.x.com and https://x.com):
    GET  /i/oauth2/authorize        PKCE required (S256 or plain), state echoed
    POST /2/oauth2/token            form; client_id in the body or Basic auth
    POST /2/oauth2/revoke           form token=...
    POST /2/tweets                  {"text", "media": {"media_ids": [...]}} -> 201
    GET  /2/tweets?ids=a,b&tweet.fields=public_metrics,created_at,author_id   (1..100 ids)
    DELETE /2/tweets/{id}
    GET  /2/users/me
    GET  /2/users/{id}/tweets?start_time=&end_time=&since_id=&until_id=&max_results=5..100
         &pagination_token=     newest first; meta.next_token until the last page
    POST /2/media/upload            one-shot images; video/GIF in chunks via
                                    /2/media/upload/initialize, /{id}/append, /{id}/finalize,
                                    GET /2/media/upload?command=STATUS (app.emulator.twitter.media)

As on the real API, optional fields appear only when asked for in `tweet.fields`
(`public_metrics`, `created_at`, `author_id`). `public_metrics` carries both `retweet_count`
(docs.x.com, recorded traffic) and `repost_count` (X's OpenAPI v2.167). The timeline's
`start_time` and `end_time` are both inclusive at second granularity (X's API reference:
"12:00:01 includes the first second of the minute"); a malformed one, or a start not before
the end, is refused with 400. Access tokens last 2 h; a refresh token is
issued only with the `offline.access` scope, rotates and is single-use. Errors are
problem+JSON. Every API response carries `x-rate-limit-limit/remaining/reset` for its
bucket (per user): posting 300 per 15 min by default; reads 900, deletes 50, media 500.
Identical text from the same account within 24 h is refused with X's duplicate-content 403.
Scopes are recorded but not enforced.
The user timeline pages with `pagination_token` / `meta.next_token` (app.emulator.paging)
and reaches only the newest `x_timeline_cap` (3,200) posts.

OAuth and token endpoints live in app.emulator.twitter.auth, media upload in app.emulator.twitter.media,
shared errors and rate limits in app.emulator.twitter.wire.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import oauth, paging
from app.emulator.names import NETWORK_OF
from app.emulator.ratelimit import Quota
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import Post, Token, iso_z, parse_iso, utc
from app.emulator.twitter import auth as x_auth
from app.emulator.twitter import media as x_media
from app.emulator.twitter.media import MEDIA_TTL
from app.emulator.twitter.wire import (
    PROBLEMS,
    api,
    duplicate,
    invalid_request,
    problem,
    quota,
    too_many,
    unauthorized,
    with_rate,
)
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "twitter"
table = RouteTable(x_auth.table.routes + x_media.table.routes)


# ---------------------------------------------------------------------- posts
_URL = re.compile(r"https?://\S+")


def weighted_length(text: str) -> int:
    """twitter-text v3 weighting, approximated: URLs 23, CJK and emoji 2, joiners free."""
    length = 0
    for part in _URL.split(text):
        for ch in part:
            cp = ord(ch)
            if cp in (0x200D, 0xFE0F) or 0x1F3FB <= cp <= 0x1F3FF:
                continue
            light = cp <= 4351 or 8192 <= cp <= 8205 or 8208 <= cp <= 8223 or 8242 <= cp <= 8247
            length += 1 if light else 2
    return length + 23 * len(_URL.findall(text))


@table.add("POST", "/2/tweets", "publish")
@api("publish")
def create_tweet(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return invalid_request("Request body must be a JSON object.")
    text = body.get("text")
    media_ids = (body.get("media") or {}).get("media_ids") or []
    if text is not None and not isinstance(text, str):
        return invalid_request("`text` must be a string.", "text", text)
    if not text and not media_ids:
        return invalid_request("Post text or media is required.", "text")
    if text and weighted_length(text) > 280:
        return invalid_request("Post text is too long (more than 280 weighted characters).")
    parent = _reply_parent(emu, body.get("reply"))
    if isinstance(parent, Response):
        return parent
    now = emu.now_ts()
    if len(media_ids) > 4:
        return invalid_request("Your media IDs are invalid.", "media.media_ids")
    for media_id in media_ids:
        upload = emu.state.uploads.get(str(media_id))
        if (
            upload is None
            or upload.user_id != tok.user_id
            or not x_media.usable(emu, upload)
            or now >= upload.created_at + MEDIA_TTL
        ):
            return invalid_request("Your media IDs are invalid.", "media.media_ids", media_id)
    if text:
        same = emu.state.last_same_text(P, tok.user_id, text)
        if same and not same.deleted and now - same.created_at < emu.config.x_duplicate_window_s:
            return duplicate()
    tweet_id = emu.state.new_id("tweet")
    emu.state.add_post(
        Post(
            platform=P,
            account=tok.user_id,
            external_id=tweet_id,
            text=text or "",
            created_at=now,
            media=[str(i) for i in media_ids],
            idempotency_key=req.header("Idempotency-Key"),
            extra={"in_reply_to_tweet_id": parent} if parent else {},
        )
    )
    data = {"id": tweet_id, "text": text or "", "edit_history_tweet_ids": [tweet_id]}
    return json_response(201, {"data": data})


def _reply_parent(emu: Emulator, reply: Any) -> str | Response | None:
    """`reply.in_reply_to_tweet_id` (a chain part, a first comment): the post it answers,
    which must exist. X: 403 "You attempted to reply to a Tweet that is deleted or not
    visible to you." (docs.x.com, "Create a post", reply object)."""
    if reply is None:
        return None
    parent_id = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
    if not isinstance(parent_id, str) or not parent_id.isdigit():
        return invalid_request(
            "`reply.in_reply_to_tweet_id` must be a post id.", "reply.in_reply_to_tweet_id"
        )
    parent = emu.state.post(P, parent_id)
    if parent is None or parent.deleted:
        return problem(
            403,
            "Forbidden",
            "You attempted to reply to a Tweet that is deleted or not visible to you.",
        )
    return parent_id


def render(emu: Emulator, post: Post, fields: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post.external_id,
        "text": post.text,
        "edit_history_tweet_ids": [post.external_id],
    }
    if "created_at" in fields:
        item["created_at"] = iso_z(post.created_at)
    if "author_id" in fields:
        item["author_id"] = post.account
    replied_to = post.extra.get("in_reply_to_tweet_id")
    if replied_to and "referenced_tweets" in fields:
        item["referenced_tweets"] = [{"type": "replied_to", "id": replied_to}]
    if "public_metrics" in fields:
        created = utc(post.created_at)
        mx = emu.model.metrics(NETWORK_OF[P], post.external_id, created, emu.now())
        # X's OpenAPI (v2.167) names reposts `repost_count`; docs.x.com and recorded
        # traffic say `retweet_count`. Both, with one value, so either reader gets it.
        item["public_metrics"] = {
            "retweet_count": mx["shares"],
            "repost_count": mx["shares"],
            "reply_count": mx["comments"],
            "like_count": mx["likes"],
            "quote_count": mx["shares"] // 4,
            "bookmark_count": mx["likes"] // 10,
            "impression_count": mx["impressions"],
        }
    return item


def _not_found(tweet_id: str) -> dict[str, Any]:
    return {
        "value": tweet_id,
        "detail": f"Could not find tweet with ids: [{tweet_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tweet_id,
        "type": PROBLEMS + "resource-not-found",
    }


@table.add("GET", "/2/tweets", "metrics")
@api("read")
def lookup(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    ids = [i.strip() for i in req.query.get("ids", "").split(",") if i.strip()]
    if not 1 <= len(ids) <= 100:
        return invalid_request(
            f"The number of values in the `ids` query parameter list [{len(ids)}] is not "
            "between 1 and 100",
            "ids",
        )
    fields = set(req.query.get("tweet.fields", "").split(","))
    data, errors = [], []
    for tweet_id in ids:
        post = emu.state.post(P, tweet_id)
        if post is None or post.deleted:
            errors.append(_not_found(tweet_id))
        else:
            data.append(render(emu, post, fields))
    body: dict[str, Any] = {}
    if data:
        body["data"] = data
    if errors:
        body["errors"] = errors
    return json_response(200, body)


@table.add("DELETE", r"/2/tweets/(?P<id>\d+)", "delete")
@api("delete")
def delete_tweet(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    post = emu.state.post(P, m["id"])
    if post is None or post.deleted:
        return problem(404, "Not Found Error", f"Could not find tweet with id: [{m['id']}].")
    if post.account != tok.user_id:
        return problem(403, "Forbidden", "You are not allowed to delete this Tweet.")
    post.deleted = True
    return json_response(200, {"data": {"deleted": True}})


@table.add("GET", "/2/users/me", "account")
@api("read")
def users_me(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    return json_response(200, {"data": {"id": user.id, "name": user.name, "username": user.handle}})


@table.add("GET", r"/2/users/(?P<id>\d+)/tweets", "lookup")
@api("read")
def user_tweets(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    q = req.query
    raw_max = q.get("max_results", "10")
    max_results = int(raw_max) if raw_max.isdigit() else 0
    if not 5 <= max_results <= 100:
        return invalid_request(
            f"The `max_results` query parameter value [{raw_max}] is not between 5 and 100",
            "max_results",
            raw_max,
        )
    start, end = parse_iso(q.get("start_time")), parse_iso(q.get("end_time"))
    for name, parsed in (("start_time", start), ("end_time", end)):
        if q.get(name) and parsed is None:
            return invalid_request(
                f"Invalid '{name}':'{q[name]}'. '{name}' must be a timestamp "
                "in the format YYYY-MM-DDTHH:mm:ssZ.",
                name,
                q[name],
            )
    if start is not None and end is not None and start >= end:
        return invalid_request(
            f"Invalid 'start_time':'{q['start_time']}'. 'start_time' must be before "
            f"'end_time':'{q['end_time']}'.",
            "start_time",
            q["start_time"],
        )
    since_id = int(q["since_id"]) if q.get("since_id", "").isdigit() else None
    until_id = int(q["until_id"]) if q.get("until_id", "").isdigit() else None
    fields = set(q.get("tweet.fields", "").split(","))
    ordered = paging.account_posts(emu, P, m["id"])
    # only the most recent `x_timeline_cap` (3,200) posts can be reached, paging or not
    live = [p.external_id for p in ordered if not p.deleted]
    reachable = set(live[: emu.config.x_timeline_cap])

    def visible(post: Post) -> bool:
        return (
            post.external_id in reachable
            # both bounds inclusive, to the second: end_time 12:00:01 takes 12:00:01.999
            and (start is None or int(post.created_at) >= start)
            and (end is None or int(post.created_at) <= end)
            and (since_id is None or int(post.external_id) > since_id)
            and (until_id is None or int(post.external_id) < until_id)
        )

    token = q.get("pagination_token")
    if token:
        try:
            direction, tweet_id = paging.x_untoken(token)
            cursor = {"after" if direction == "n" else "before": tweet_id}
            page = paging.paginate(ordered, visible, max_results, **cursor)
        except paging.BadCursor:
            return invalid_request(
                f"The `pagination_token` query parameter value [{token}] is not valid",
                "pagination_token",
                token,
            )
    else:
        page = paging.paginate(ordered, visible, max_results)
    found = page.items
    meta: dict[str, Any] = {"result_count": len(found)}
    if not found:
        return json_response(200, {"meta": meta})
    meta["newest_id"], meta["oldest_id"] = found[0].external_id, found[-1].external_id
    if page.older:
        meta["next_token"] = paging.x_token(found[-1], "n")
    if page.newer:
        meta["previous_token"] = paging.x_token(found[0], "p")
    return json_response(200, {"data": [render(emu, p, fields) for p in found], "meta": meta})


# ---------------------------------------------------------------------- faults
_BUCKET_OF = {"publish": "publish", "delete": "delete", "media_upload": "media"}


def fault_response(
    emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
) -> Response:
    if route.endpoint in ("token", "authorize"):
        if kind in ("invalid_token", "revoked_refresh", "duplicate"):
            return x_auth.oauth_error("Value passed for the token was invalid.")
        if kind == "429":
            return too_many()
        return problem(int(kind), *_STATUS_TEXT.get(kind, _STATUS_TEXT["500"]))
    bucket = _BUCKET_OF.get(route.endpoint, "read")
    token = oauth.valid_token(emu, P, req.bearer())
    q = quota(emu, bucket, token.user_id if token else "anonymous", consume=False)
    if kind == "429":
        reset = int(emu.now_ts() + float(params.get("reset_in", 60)))
        return with_rate(too_many(), Quota(False, q.limit, 0, reset, q.limit))
    if kind == "invalid_token":
        resp = unauthorized()
    elif kind == "duplicate":
        resp = duplicate()
    else:
        resp = problem(
            int(kind) if kind in _STATUS_TEXT else 500, *_STATUS_TEXT.get(kind, _STATUS_TEXT["500"])
        )
    return with_rate(resp, q)


_STATUS_TEXT = {
    "500": ("Internal Server Error", "Internal Server Error"),
    "502": ("Bad Gateway", "Bad Gateway"),
    "503": ("Service Unavailable", "Service Unavailable"),
}


def not_found(req: Request) -> Response:
    return problem(404, "Not Found Error", f"No route for {req.method} {req.path}")


API = PlatformAPI(
    key=P, prefix="x", table=table, fault_response=fault_response, not_found=not_found
)
