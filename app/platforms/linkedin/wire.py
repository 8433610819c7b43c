"""What LinkedIn sends and expects beyond the adapter's calls: commentary escaping ("little
text format"), error classification, and token answers as Credentials."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.adapters.http import (
    as_dict,
    as_int,
    as_str,
    by_status,
    clean_message,
    fallback_message,
    retry_after,
)
from app.core.ports import (
    AuthError,
    Credentials,
    DuplicatePostError,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform

# Little text format's reserved characters, except "#": plain hashtags are linked by LinkedIn.
_RESERVED = re.compile(r"([\\|{}@\[\]()<>*_~])")
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
_OAUTH_AUTH_ERRORS = {"invalid_grant", "invalid_request", "invalid_client", "unauthorized_client"}
# "Content is a duplicate of urn:li:share:7141138937766391808" (422 DUPLICATE_POST).
_DUPLICATE_OF = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)", re.IGNORECASE)
# 426 NONEXISTENT_VERSION: "Requested version 20240401 is not active".
_VERSION_INACTIVE = re.compile(r"version .* is not active", re.IGNORECASE)
VERSION_INACTIVE = "version_inactive"
NOT_PERMITTED = "not_permitted"


def escape_commentary(text: str) -> str:
    return _RESERVED.sub(r"\\\1", text)


def unescape_commentary(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def next_midnight_utc(now: datetime) -> datetime:
    """LinkedIn's daily limits reset at midnight UTC."""
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def classify_linkedin(
    resp: httpx.Response, body: Any, rate_limit: RateLimitInfo | None, now: datetime
) -> PublishError:
    status = resp.status_code
    d = as_dict(body)
    raw = d.get("message") or d.get("error_description") or d.get("error")
    message = clean_message(raw) if isinstance(raw, str) and raw.strip() else ""
    message = message or fallback_message(Platform.LINKEDIN, resp)
    service = as_int(d.get("serviceErrorCode")) if d.get("serviceErrorCode") is not None else None
    code = f"linkedin_{service}" if service is not None else None
    oauth_error = d.get("error") if isinstance(d.get("error"), str) else None

    if status == 429:
        return RateLimitedError(
            message,
            reset_at=retry_after(resp.headers, now) or next_midnight_utc(now),
            rate_limit=rate_limit,
            code=code or "rate_limited",
            status=status,
        )
    if status == 401 or (service is not None and 65600 <= service <= 65699):
        return AuthError(message, code=code or "unauthorized", status=status)
    if oauth_error in _OAUTH_AUTH_ERRORS and status == 400:
        return AuthError(message, code=oauth_error, status=status)
    if status == 426 or _VERSION_INACTIVE.search(message):
        return PermanentError(message, code=VERSION_INACTIVE, status=status)
    duplicate = _DUPLICATE_OF.search(message)
    if duplicate:
        urn = duplicate.group(1)
        return DuplicatePostError(message, urn, url=post_url(urn), status=status)
    if status == 409 or "duplicate" in message.lower():
        return PermanentError(message, code="duplicate", status=status)
    return by_status(Platform.LINKEDIN, status, message, code=code, rate_limit=rate_limit)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def linkedin_credentials(
    body: dict[str, Any], now: datetime, previous: Credentials | None = None
) -> Credentials:
    token = as_str(body.get("access_token"))
    if token is None:
        raise TransientError(
            "LinkedIn's token answer had no access token", code="malformed_response"
        )
    extra = dict(previous.extra) if previous else {}
    refresh_in = as_int(body.get("refresh_token_expires_in"))
    if refresh_in:
        # A refresh does not extend the refresh token's own lifetime; LinkedIn says how long.
        extra["refresh_token_expires_at"] = (now + timedelta(seconds=refresh_in)).isoformat()
    scope = body.get("scope")
    if isinstance(scope, str):
        extra["scope"] = scope
    expires_in = as_int(body.get("expires_in"))
    return Credentials(
        access_token=token,
        refresh_token=as_str(body.get("refresh_token"))
        or (previous.refresh_token if previous else None),
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
        extra=extra,
    )
