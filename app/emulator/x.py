"""X (Twitter) API v2 under /x: OAuth 2.0 + PKCE, posts, lookup, delete, users, media upload.

Paths (prefix /x stands for https://api.x.com and https://x.com):
    GET  /i/oauth2/authorize        PKCE required (S256 or plain), state echoed
    POST /2/oauth2/token            form; client_id in the body or Basic auth
    POST /2/oauth2/revoke           form token=...
    POST /2/tweets                  {"text", "media": {"media_ids": [...]}} -> 201
    GET  /2/tweets?ids=a,b&tweet.fields=public_metrics,created_at,author_id   (1..100 ids)
    DELETE /2/tweets/{id}
    GET  /2/users/me
    GET  /2/users/{id}/tweets?start_time=&end_time=&since_id=&max_results=5..100
    POST /2/media/upload            multipart `media` (+ `media_category`), or
                                    command=INIT|APPEND|FINALIZE|STATUS (chunked)

As on the real API, optional fields appear only when asked for in `tweet.fields`
(`public_metrics`, `created_at`, `author_id`). Access tokens last 2 h; a refresh token is
issued only with the `offline.access` scope, rotates and is single-use. Errors are
problem+JSON. Every API response carries `x-rate-limit-limit/remaining/reset` for its
bucket (per user): posting 300 per 15 min by default; reads 900, deletes 50, media 500.
Identical text from the same account within 24 h is refused with X's duplicate-content 403.
Scopes are recorded but not enforced.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.emulator import oauth
from app.emulator.media import image_kind, is_video
from app.emulator.ratelimit import Quota
from app.emulator.routes import Handler, PlatformAPI, Route, RouteTable
from app.emulator.state import PLATFORM_OF, Post, Token, Upload, iso_z, parse_iso, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "twitter"
ACCESS_TTL = 7200
REFRESH_TTL = 180 * 86400
MEDIA_TTL = 86400
PROBLEMS = "https://api.twitter.com/2/problems/"
table = RouteTable()


def problem(
    status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any
) -> Response:
    body = {"title": title, "detail": detail, "type": type_, "status": status, **extra}
    resp = json_response(status, body)
    resp.content_type = "application/problem+json"
    return resp


def invalid_request(message: str, parameter: str | None = None, value: Any = None) -> Response:
    error: dict[str, Any] = {"message": message}
    if parameter:
        error["parameters"] = {parameter: [value] if value is not None else []}
    body = {
        "errors": [error],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": PROBLEMS + "invalid-request",
    }
    resp = json_response(400, body)
    resp.content_type = "application/problem+json"
    return resp


def unauthorized() -> Response:
    return problem(401, "Unauthorized", "Unauthorized")


def too_many() -> Response:
    return problem(429, "Too Many Requests", "Too Many Requests")


def duplicate() -> Response:
    return problem(
        403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
    )


def oauth_error(description: str, error: str = "invalid_request") -> Response:
    return json_response(400, {"error": error, "error_description": description})


# ---------------------------------------------------------------------- rate limits
BUCKETS = {
    "publish": ("x_posts_limit", "x_posts_window_s"),
    "read": ("x_read_limit", None),
    "delete": ("x_delete_limit", None),
    "media": ("x_media_limit", None),
}


def quota(emu: Emulator, bucket: str, user: str, *, consume: bool = True) -> Quota:
    limit_name, window_name = BUCKETS[bucket]
    limit = getattr(emu.config, limit_name)
    window = getattr(emu.config, window_name) if window_name else 900
    key = f"x:{bucket}:{user}"
    return emu.state.limits.fixed(key, limit, window, emu.now_ts(), consume=consume)


def with_rate(resp: Response, q: Quota) -> Response:
    resp.headers += [
        ("x-rate-limit-limit", str(q.limit)),
        ("x-rate-limit-remaining", str(q.remaining)),
        ("x-rate-limit-reset", str(q.reset)),
    ]
    return resp


XHandler = Callable[["Emulator", Request, "re.Match[str]", Token], Response]


def api(bucket: str) -> Callable[[XHandler], Handler]:
    """Authenticate with the bearer token, count the call in `bucket`, add the headers."""

    def wrap(fn: XHandler) -> Handler:
        def handler(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
            token = oauth.valid_token(emu, P, req.bearer())
            if token is None:
                return with_rate(unauthorized(), quota(emu, bucket, "anonymous", consume=False))
            q = quota(emu, bucket, token.user_id)
            if not q.allowed:
                return with_rate(too_many(), q)
            return with_rate(fn(emu, req, m, token), q)

        return handler

    return wrap


# ---------------------------------------------------------------------- OAuth
@table.add("GET", "/i/oauth2/authorize", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req, require_pkce=True)


def _issue_pair(emu: Emulator, user_id: str, client_id: str, scope: str) -> dict[str, Any]:
    access = oauth.issue(emu, P, "access", user_id, client_id, ACCESS_TTL, tag="at", scope=scope)
    body: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": ACCESS_TTL,
        "access_token": access.value,
        "scope": scope,
    }
    if "offline.access" in scope.split():
        refresh = oauth.issue(
            emu, P, "refresh", user_id, client_id, REFRESH_TTL, tag="rt", scope=scope
        )
        body["refresh_token"] = refresh.value
    return body


@table.add("POST", "/2/oauth2/token", "token")
def token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    basic_id, basic_secret = oauth.basic_credentials(req)
    if req.header("Authorization") and not (basic_id and basic_secret):
        return json_response(401, {"error": "invalid_client", "error_description": "Bad client"})
    client_id = req.form.get("client_id") or basic_id
    if not client_id:
        return oauth_error("Missing required parameter [client_id].")
    grant = req.form.get("grant_type")
    if grant == "authorization_code":
        for name in ("code", "redirect_uri", "code_verifier"):
            if not req.form.get(name):
                return oauth_error(f"Missing required parameter [{name}].")
        record = oauth.redeem_code(
            emu,
            P,
            code=req.form["code"],
            client_id=client_id,
            redirect_uri=req.form["redirect_uri"],
            verifier=req.form["code_verifier"],
        )
        if isinstance(record, str):
            return oauth_error("Value passed for the authorization code was invalid.")
        return json_response(200, _issue_pair(emu, record.user_id, client_id, record.scope))
    if grant == "refresh_token":
        value = req.form.get("refresh_token")
        if oauth.token_problem(emu, P, value, ("refresh",)):
            return oauth_error("Value passed for the token was invalid.")
        old = emu.state.tokens[value or ""]
        if old.client_id != client_id:
            return oauth_error("Value passed for the token was invalid.")
        old.used = True  # rotation: a refresh token works once
        return json_response(200, _issue_pair(emu, old.user_id, client_id, old.scope))
    return oauth_error("Unsupported grant type.", "unsupported_grant_type")


@table.add("POST", "/2/oauth2/revoke", "token")
def revoke_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    record = emu.state.tokens.get(req.form.get("token") or "")
    if record is not None and record.platform == P:
        record.revoked = True
    return json_response(200, {"revoked": True})


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
    now = emu.now_ts()
    if len(media_ids) > 4:
        return invalid_request("Your media IDs are invalid.", "media.media_ids")
    for media_id in media_ids:
        upload = emu.state.uploads.get(str(media_id))
        if (
            upload is None
            or upload.user_id != tok.user_id
            or upload.state != "succeeded"
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
        )
    )
    data = {"id": tweet_id, "text": text or "", "edit_history_tweet_ids": [tweet_id]}
    return json_response(201, {"data": data})


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
    if "public_metrics" in fields:
        created = utc(post.created_at)
        mx = emu.model.metrics(PLATFORM_OF[P], post.external_id, created, emu.now())
        item["public_metrics"] = {
            "retweet_count": mx["shares"],
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
    try:
        max_results = int(q.get("max_results", "10"))
    except ValueError:
        max_results = 0
    if not 5 <= max_results <= 100:
        return invalid_request("`max_results` must be between 5 and 100.", "max_results")
    start, end = parse_iso(q.get("start_time")), parse_iso(q.get("end_time"))
    since_id = int(q["since_id"]) if q.get("since_id", "").isdigit() else None
    fields = set(q.get("tweet.fields", "").split(","))
    found = []
    for post in reversed(emu.state.posts):
        if post.platform != P or post.account != m["id"] or post.deleted:
            continue
        if (start is not None and post.created_at < start) or (
            end is not None and post.created_at > end
        ):
            continue
        if since_id is not None and int(post.external_id) <= since_id:
            continue
        found.append(post)
        if len(found) >= max_results:
            break
    meta: dict[str, Any] = {"result_count": len(found)}
    if not found:
        return json_response(200, {"meta": meta})
    meta["newest_id"], meta["oldest_id"] = found[0].external_id, found[-1].external_id
    return json_response(200, {"data": [render(emu, p, fields) for p in found], "meta": meta})


# ---------------------------------------------------------------------- media
def _media_body(upload: Upload) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": upload.id,
        "media_key": f"3_{upload.id}",
        "size": upload.size,
        "expires_after_secs": MEDIA_TTL,
    }
    if upload.state != "succeeded" or upload.mime.startswith("video"):
        data["processing_info"] = {"state": upload.state}
    return {"data": data}


@table.add("POST", "/2/media/upload", "media_upload")
@api("media")
def media_upload(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    command = (req.param("command") or "").upper()
    category = req.param("media_category") or "tweet_image"
    now = emu.now_ts()
    if command == "INIT":
        upload = Upload(emu.state.new_id("x_media"), tok.user_id, now, 0, category, "")
        upload.mime = req.param("media_type") or "application/octet-stream"
        upload.state = "pending"
        upload.total_bytes = int(req.param("total_bytes") or 0)
        emu.state.uploads[upload.id] = upload
        return json_response(200, _media_body(upload))
    if command in ("APPEND", "FINALIZE", "STATUS"):
        upload = emu.state.uploads.get(req.param("media_id") or "")
        if upload is None or upload.user_id != tok.user_id:
            return invalid_request("Invalid media_id.", "media_id")
        if command == "APPEND":
            part = req.files.get("media")
            data = part.data if part else base64.b64decode(req.param("media_data") or "")
            upload.size += len(data)
            return Response(status=204, content_type=None)
        if command == "FINALIZE":
            if upload.total_bytes and upload.size != upload.total_bytes:
                return invalid_request("Media size does not match total_bytes.", "media_id")
            upload.state = "succeeded"
        return json_response(200, _media_body(upload))
    if command:
        return invalid_request(f"Unknown command {command}.", "command")
    part = req.files.get("media")
    data = part.data if part else base64.b64decode(req.param("media_data") or "")
    if not data:
        return invalid_request("A `media` file is required.", "media")
    kind = image_kind(data)
    mime = f"image/{kind}" if kind else ("video/mp4" if is_video(data) else "")
    if not mime:
        return invalid_request("Unsupported media type.", "media")
    if mime.startswith("image") and len(data) > 5 * 1024 * 1024:
        return invalid_request("Images must be at most 5 MB.", "media")
    upload = Upload(emu.state.new_id("x_media"), tok.user_id, now, len(data), category, mime)
    emu.state.uploads[upload.id] = upload
    return json_response(200, _media_body(upload))


# ---------------------------------------------------------------------- faults
_BUCKET_OF = {"publish": "publish", "delete": "delete", "media_upload": "media"}


def fault_response(
    emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
) -> Response:
    if route.endpoint in ("token", "authorize"):
        if kind in ("invalid_token", "revoked_refresh", "duplicate"):
            return oauth_error("Value passed for the token was invalid.")
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
