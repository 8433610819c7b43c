"""X conventions shared by the X modules: problem+JSON errors and per-user rate-limit buckets.

Every X API response carries `x-rate-limit-limit`, `x-rate-limit-remaining` and
`x-rate-limit-reset` (epoch seconds) for its bucket, per user, on the emulator clock. X sends
no Retry-After.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.emulator import oauth
from app.emulator.ratelimit import Quota
from app.emulator.routes import Handler
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "twitter"
# X's OpenAPI (v2.167) names problem types under api.x.com; older traffic shows api.twitter.com.
# Herald reads only the last segment (usage-capped, ...), so either host is understood.
PROBLEMS = "https://api.x.com/2/problems/"


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
