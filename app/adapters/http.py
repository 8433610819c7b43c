"""Shared HTTP plumbing: one client factory, defensive JSON, rate-limit headers, error mapping.

Everything that leaves this module as an exception is one of the engine's classes
(app.core.ports). Messages carry the platform's own words but never a URL (query strings may
hold tokens), an Authorization header or a token: they are stored in the database and shown.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from app.adapters.config import AdapterConfig
from app.core.clock import Clock
from app.core.logsetup import REDACTED, redact
from app.core.ports import (
    AccountRef,
    AuthError,
    NetworkUnavailableError,
    PermanentError,
    PublishError,
    RateLimitedError,
    RateLimitInfo,
    TransientError,
)
from app.platforms.names import Platform

log = logging.getLogger(__name__)

#: error code on a TransientError when the request may have been carried out (publish sent,
#: answer lost): the engine must reconcile (find_existing) before sending it again.
OUTCOME_UNKNOWN = "outcome_unknown"
MALFORMED = "malformed_response"
MAX_MESSAGE = 1000

RateLimitCallback = Callable[[AccountRef, RateLimitInfo], None]
#: reads a network's rate-limit headers: (headers, scope, now) -> what they say, or None
RateLimitReader = Callable[[Mapping[str, str], str, datetime], "RateLimitInfo | None"]
# (response, parsed body or None, rate limit, now) -> the exception to raise
Classifier = Callable[[httpx.Response, Any, "RateLimitInfo | None", datetime], PublishError]


def make_client(config: AdapterConfig) -> httpx.Client:
    """The one way adapters get a client: timeouts everywhere, TLS verification on."""
    return httpx.Client(
        timeout=httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.write_timeout,
            pool=config.pool_timeout,
        ),
        verify=True,
        follow_redirects=False,
        headers={"User-Agent": config.user_agent},
    )


# ---------------------------------------------------------------- messages


def clean_message(text: object, limit: int = MAX_MESSAGE) -> str:
    """A platform's text made safe to store and show: one line, bounded, secrets masked.

    Masking is per word (a token we hold, a Fernet or JWT blob), so the platform's own
    sentence survives ("Error validating access token: The session...")."""
    words = str(text).split()
    s = " ".join(REDACTED if len(w) >= 8 and redact(w) != w else w for w in words)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def body_snippet(resp: httpx.Response) -> str:
    """Something readable from a non-JSON error body (an HTML error page's title...)."""
    try:
        text = resp.content[:4096].decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 — a streaming response that cannot be read: nothing to show
        return ""
    m = _TITLE.search(text)
    if m:
        text = m.group(1)
    elif "<" in text and ">" in text:
        text = _TAGS.sub(" ", text)
    return clean_message(text, 200)


def parse_json(resp: httpx.Response) -> Any:
    """The JSON body, or None when there is none or it cannot be parsed."""
    if not resp.content:
        return None
    try:
        return json.loads(resp.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int:
    """A count from a platform body: numbers and numeric strings; anything else is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return 0
    return 0


def as_str(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


# ---------------------------------------------------------------- rate limits


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


def _epoch(value: int | None) -> datetime | None:
    if value is None or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    raw = headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return now + timedelta(seconds=int(raw))
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def x_rate_limit(headers: Mapping[str, str], scope: str) -> RateLimitInfo | None:
    """X: the endpoint's 15-minute window, or the 24-hour user/app cap when that one is spent."""
    windows: list[RateLimitInfo] = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        limit = _int_header(headers, f"{prefix}-limit")
        remaining = _int_header(headers, f"{prefix}-remaining")
        reset = _epoch(_int_header(headers, f"{prefix}-reset"))
        if limit is None and remaining is None and reset is None:
            continue
        windows.append(RateLimitInfo(limit, remaining, reset, scope))
    if not windows:
        return None
    spent = [w for w in windows if w.remaining is not None and w.remaining <= 0]
    if spent:
        far = datetime.max.replace(tzinfo=UTC)
        return max(spent, key=lambda w: w.reset_at or far)
    return windows[0]


def _usage_pct(value: Any) -> int | None:
    d = as_dict(value)
    numbers = [as_int(d.get(k)) for k in ("call_count", "total_cputime", "total_time") if k in d]
    return max(numbers) if numbers else None


def graph_rate_limit(headers: Mapping[str, str], scope: str, now: datetime) -> RateLimitInfo | None:
    """Meta: X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage are percentages used.

    Expressed as limit=100, remaining=100-used; the business-use-case header may say when
    access comes back (estimated_time_to_regain_access, minutes)."""
    worst: int | None = None
    regain: datetime | None = None
    for name in ("x-app-usage", "x-page-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if raw:
            try:
                pct = _usage_pct(json.loads(raw))
            except ValueError:
                pct = None
            if pct is not None:
                worst = pct if worst is None else max(worst, pct)
    raw = headers.get("x-business-use-case-usage")
    if raw:
        try:
            buc = json.loads(raw)
        except ValueError:
            buc = None
        for entries in as_dict(buc).values():
            for entry in as_list(entries):
                pct = _usage_pct(entry)
                if pct is not None:
                    worst = pct if worst is None else max(worst, pct)
                minutes = as_int(as_dict(entry).get("estimated_time_to_regain_access"))
                if minutes > 0:
                    when = now + timedelta(minutes=minutes)
                    regain = when if regain is None else max(regain, when)
    if worst is None and regain is None:
        return None
    remaining = None if worst is None else max(0, 100 - worst)
    return RateLimitInfo(100 if worst is not None else None, remaining, regain, scope)


def read_rate_limit(
    read: RateLimitReader | None, headers: Mapping[str, str], scope: str, now: datetime
) -> RateLimitInfo | None:
    """What a network's rate-limit headers say, through its adapter's reader (None: the
    network sends none, as LinkedIn)."""
    if read is None:
        return None
    try:
        return read(headers, scope, now)
    except Exception:  # a header we cannot read must never fail a publish
        log.debug("unreadable rate-limit headers", exc_info=True)
    return None


# ---------------------------------------------------------------- generic classification


def by_status(
    platform: Platform,
    status: int,
    message: str,
    *,
    code: str | None = None,
    rate_limit: RateLimitInfo | None = None,
    reset_at: datetime | None = None,
) -> PublishError:
    """The class an HTTP status implies when the body says nothing more specific."""
    if status == 429:
        return RateLimitedError(
            message,
            reset_at=reset_at or (rate_limit.reset_at if rate_limit else None),
            rate_limit=rate_limit,
            code=code or "rate_limited",
            status=status,
        )
    if status == 401:
        return AuthError(message, code=code or "unauthorized", status=status)
    if status in (408, 425) or status >= 500:
        return TransientError(
            message,
            code=code or (OUTCOME_UNKNOWN if status == 504 else "server_error"),
            status=status,
        )
    return PermanentError(message, code=code or f"http_{status}", status=status)


def fallback_message(platform: Platform, resp: httpx.Response) -> str:
    snippet = body_snippet(resp)
    base = f"{platform.label} answered HTTP {resp.status_code}"
    return f"{base}: {snippet}" if snippet else base


@dataclass(frozen=True)
class Reply:
    response: httpx.Response
    rate_limit: RateLimitInfo | None
    platform: Platform

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    def json(self, *, outcome_unknown: bool = False) -> Any:
        """The body as JSON; a body Herald cannot read is a TransientError (the platform may
        have been mid-failure). After a publish it also means the outcome is unknown."""
        body = parse_json(self.response)
        if body is None:
            raise TransientError(
                f"{self.platform.label} sent a response Herald could not read "
                f"(HTTP {self.status}, {len(self.response.content)} bytes)",
                code=OUTCOME_UNKNOWN if outcome_unknown else MALFORMED,
                status=self.status,
            )
        return body

    def json_dict(self, *, outcome_unknown: bool = False) -> dict[str, Any]:
        body = self.json(outcome_unknown=outcome_unknown)
        if not isinstance(body, dict):
            raise TransientError(
                f"{self.platform.label} sent an unexpected response (HTTP {self.status})",
                code=OUTCOME_UNKNOWN if outcome_unknown else MALFORMED,
                status=self.status,
            )
        return body


class Http:
    """One adapter's door to the network: sends, maps failures, reports rate limits."""

    def __init__(
        self,
        platform: Platform,
        config: AdapterConfig,
        clock: Clock,
        classify: Classifier,
        client: httpx.Client | None = None,
        on_rate_limit: RateLimitCallback | None = None,
        *,
        read_limits: RateLimitReader | None = None,
    ) -> None:
        self.platform = platform
        self.read_limits = read_limits
        self.config = config
        self.clock = clock
        self.classify = classify
        self.owns_client = client is None
        self.client = client if client is not None else make_client(config)
        self.on_rate_limit = on_rate_limit

    def close(self) -> None:
        if self.owns_client:
            self.client.close()

    def report_rate_limit(self, account: AccountRef, info: RateLimitInfo) -> None:
        """Hand a budget reading to the engine's callback, if any."""
        if self.on_rate_limit is None:
            return
        try:
            self.on_rate_limit(account, info)
        except Exception:  # the budget tracker must not break a publish
            log.exception("on_rate_limit callback failed")

    def request(
        self,
        method: str,
        url: str,
        *,
        account: AccountRef | None = None,
        scope: str = "read",
        unsafe: bool = False,
        **kwargs: Any,
    ) -> Reply:
        """Send one request. `unsafe` marks a request that creates something (a publish):
        when its answer is lost the error says the outcome is unknown."""
        label = self.platform.label
        try:
            resp = self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError) as exc:
            raise NetworkUnavailableError(
                f"Cannot reach {label} ({type(exc).__name__}); check the network connection",
                code="network_unavailable",
            ) from None
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"{label} did not answer in time ({type(exc).__name__})",
                code=OUTCOME_UNKNOWN if unsafe else "timeout",
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise PermanentError(
                f"Herald's {label} address is not valid ({type(exc).__name__}); check the settings",
                code="bad_config",
            ) from None
        except httpx.HTTPError as exc:  # reset, protocol error, decoding error...
            raise TransientError(
                f"The connection to {label} failed ({type(exc).__name__})",
                code=OUTCOME_UNKNOWN if unsafe else "connection_error",
            ) from None
        now = self.clock.now()
        rate_limit = read_rate_limit(self.read_limits, resp.headers, scope, now)
        if rate_limit is not None and account is not None:
            self.report_rate_limit(account, rate_limit)
        if 200 <= resp.status_code < 300:
            return Reply(resp, rate_limit, self.platform)
        body = parse_json(resp)
        try:
            error = self.classify(resp, body, rate_limit, now)
        except Exception:  # a classifier bug must not crash the worker
            log.exception("classifying a %s error failed", label)
            error = by_status(
                self.platform, resp.status_code, fallback_message(self.platform, resp)
            )
        if unsafe and isinstance(error, TransientError) and error.code != OUTCOME_UNKNOWN:
            # 5xx after a publish: most likely nothing was made, but only the platform knows.
            error.code = OUTCOME_UNKNOWN
        log.info("%s %s answered %s: %s", label, method, resp.status_code, error.message)
        raise error
