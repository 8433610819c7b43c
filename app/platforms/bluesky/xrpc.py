"""XRPC errors: `{"error": "<Name>", "message": "..."}` bodies classified into the engine's
classes (app.core.ports). Names from the atproto lexicons and the reference PDS
(/work/shared/NEW-PLATFORMS.md "Rate limits / errors"; specs/xrpc)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from app.adapters.http import as_dict, as_str, by_status, clean_message, fallback_message
from app.core.ports import (
    AuthError,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform

NAME = "BLUESKY"
#: the access token ran out: refresh the session and try again
EXPIRED = "ExpiredToken"
#: the session is gone or was never there: the person reconnects
RECONNECT = frozenset({"InvalidToken", "AuthenticationRequired", "AuthMissing", "AccountTakedown"})
RATE_LIMITED = "RateLimitExceeded"


def error_name(body: Any) -> str | None:
    return as_str(as_dict(body).get("error"))


def reset_time(headers: Mapping[str, str]) -> datetime | None:
    """`ratelimit-reset` (Unix seconds), when the server sent one."""
    raw = headers.get("ratelimit-reset")
    try:
        return datetime.fromtimestamp(int(str(raw).strip()), UTC) if raw else None
    except (ValueError, OverflowError, OSError):
        return None


def read_rate_limit(headers: Mapping[str, str], scope: str, now: datetime) -> RateLimitInfo | None:
    """RateLimit-Limit / -Remaining / -Reset, as the reference PDS sends them."""
    if "ratelimit-limit" not in headers and "ratelimit-remaining" not in headers:
        return None

    def num(name: str) -> int | None:
        try:
            return int(str(headers.get(name)).strip())
        except ValueError:
            return None

    return RateLimitInfo(
        num("ratelimit-limit"), num("ratelimit-remaining"), reset_time(headers), scope=scope
    )


def classify(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    status = resp.status_code
    name = error_name(body)
    platform = Platform(NAME)
    words = as_str(as_dict(body).get("message"))
    if name:
        message = clean_message(f"{name}: {words}" if words else name)
    else:
        message = fallback_message(platform, resp)
    if name == EXPIRED:
        return AuthError(f"Bluesky session expired ({message})", code=EXPIRED, status=status)
    if name in RECONNECT:
        return AuthError(
            f"Bluesky refused the session; reconnect the account ({message})",
            code=name,
            status=status,
        )
    if name == RATE_LIMITED or status == 429:
        return RateLimitedError(
            message,
            reset_at=reset_time(resp.headers) or (rate_limit.reset_at if rate_limit else None),
            rate_limit=rate_limit,
            code=RATE_LIMITED,
            status=status,
        )
    if status == 501:  # "not implemented": asking again will not help
        return PermanentError(message, code=name or "not_implemented", status=status)
    if status >= 500:
        return TransientError(message, code=name or "server_error", status=status)
    if status == 401:
        return AuthError(message, code=name or "unauthorized", status=status)
    if status == 400:
        return PermanentError(message, code=name or "InvalidRequest", status=status)
    return by_status(platform, status, message, code=name, rate_limit=rate_limit)
