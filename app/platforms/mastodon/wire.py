"""Mastodon's wire format as Herald reads it: the instance address, error bodies, rate-limit
headers, the instance's limits and a status's text and numbers.

Sources (NEW-PLATFORMS.md "Mastodon"; recorded bodies in tests/contract/recorded/mastodon/):
errors are `{"error": "...", "error_description"?: "..."}` and the HTTP status is what
matters (422 validation, 401 invalid token, 429 with `X-RateLimit-Reset` in ISO 8601);
limits come from `configuration` of `GET /api/v2/instance`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.adapters.base import parse_time
from app.adapters.http import as_dict, as_int, as_list, as_str, by_status, clean_message
from app.core.ports import (
    AuthError,
    Metrics,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
)
from app.platforms.mastodon import INSTANCE, NAME
from app.platforms.names import Platform

LIMITS = "text_limits"  # app.core.textrules.account_rules.ACCOUNT_LIMITS (core is not imported)
LIMITS_CHECKED = "limits_checked_at"


def platform() -> Platform:
    return Platform(NAME)


def instance_url(address: str) -> str:
    """`mastodon.social`, `https://mastodon.social/` or `@me@mastodon.social` -> the
    instance's base URL (https unless http is written out). ValueError when it is no address."""
    text = (address or "").strip()
    if text.startswith("@") and text.count("@") == 2:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError:
        raise ValueError(f"{address!r} is not an instance address") from None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not re.fullmatch(
        r"[\w.-]+\.[\w-]+|localhost|[\d.]+", host
    ):
        raise ValueError(f"{address!r} is not an instance address (write it like mastodon.social)")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{netloc}{path}"


def base_url(endpoints: Mapping[str, str], settings: Mapping[str, Any]) -> str:
    """Where this account's requests go: the configured endpoint (the emulator) when set,
    else the account's instance."""
    configured = endpoints.get(NAME)
    if configured:
        return configured.rstrip("/")
    instance = as_str(settings.get(INSTANCE))
    if not instance:
        raise PermanentError(
            "This Mastodon account has no instance address stored; connect it again.",
            code="no_instance",
        )
    return instance.rstrip("/")


# ---------------------------------------------------------------- errors and rate limits


def rate_limit(headers: Mapping[str, str], scope: str, now: datetime) -> RateLimitInfo | None:
    """X-RateLimit-Limit / -Remaining / -Reset (ISO 8601, the limit closest to exhaustion)."""
    limit, remaining = headers.get("x-ratelimit-limit"), headers.get("x-ratelimit-remaining")
    reset = parse_time(headers.get("x-ratelimit-reset"))
    if limit is None and remaining is None and reset is None:
        return None

    def number(raw: str | None) -> int | None:
        return int(raw) if raw is not None and raw.strip().isdigit() else None

    return RateLimitInfo(number(limit), number(remaining), reset, scope)


def classify(
    resp: httpx.Response, body: Any, limits: RateLimitInfo | None, now: datetime
) -> PublishError:
    data = as_dict(body)
    error = as_str(data.get("error")) or ""
    description = as_str(data.get("error_description"))
    message = clean_message(description or error) or f"Mastodon answered HTTP {resp.status_code}"
    status = resp.status_code
    if status == 429:
        reset = parse_time(resp.headers.get("x-ratelimit-reset"))
        return RateLimitedError(
            f"Mastodon: {message}",
            reset_at=reset or (limits.reset_at if limits else None),
            rate_limit=limits,
            code="rate_limited",
            status=status,
        )
    if status in (401, 403) or error in ("invalid_token", "invalid_client", "invalid_grant"):
        return AuthError(
            f"Mastodon refused the account's access ({message}); reconnect it.",
            code=error or "unauthorized",
            status=status,
        )
    if status == 422:
        return PermanentError(f"Mastodon refused the post: {message}", code="invalid", status=422)
    return by_status(platform(), status, f"Mastodon: {message}", rate_limit=limits)


# ---------------------------------------------------------------- instance limits


def limits_of(instance: Mapping[str, Any]) -> dict[str, int]:
    """The account's text_limits from a v2 instance body (fields it lacks are left out)."""
    config = as_dict(instance.get("configuration"))
    statuses = as_dict(config.get("statuses"))
    media = as_dict(config.get("media_attachments"))
    found = {
        "max_length": as_int(statuses.get("max_characters")),
        "url_length": as_int(statuses.get("characters_reserved_per_url")),
        "max_media": as_int(statuses.get("max_media_attachments")),
        "image_max_bytes": as_int(media.get("image_size_limit")),
        "video_max_bytes": as_int(media.get("video_size_limit")),
        "description_limit": as_int(media.get("description_limit")),
    }
    return {key: value for key, value in found.items() if value > 0}


# ---------------------------------------------------------------- statuses

_BREAK = re.compile(r"<br\s*/?>", re.I)
_PARAGRAPH = re.compile(r"</p>\s*<p[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def plain_text(content: str | None) -> str:
    """A status's HTML `content` as the text that was posted (tags gone, entities decoded)."""
    text = _PARAGRAPH.sub("\n\n", content or "")
    text = _BREAK.sub("\n", text)
    return html.unescape(_TAG.sub("", text))


def metrics_of(status: Mapping[str, Any]) -> Metrics:
    """Favourites, boosts (and quotes, 4.5+), replies; Mastodon reports no impressions."""
    return Metrics(
        likes=as_int(status.get("favourites_count")),
        shares=as_int(status.get("reblogs_count")) + as_int(status.get("quotes_count")),
        comments=as_int(status.get("replies_count")),
        impressions=None,
    )


def statuses_of(body: Any) -> list[dict[str, Any]]:
    return [as_dict(item) for item in as_list(body)]
