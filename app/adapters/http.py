"""Shared HTTP plumbing: one client factory, defensive JSON, rate-limit headers, error mapping.

Everything that leaves this module as an exception is one of the engine's classes
(app.core.ports). Messages carry the platform's own words but never a URL (query strings may
hold tokens), an Authorization header or a token: they are stored in the database and shown.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.ratelimit_headers import (
    RateLimitReader,
    graph_rate_limit,
    read_rate_limit,
    retry_after,
    x_rate_limit,
)
from app.adapters.values import as_dict, as_int, as_list, as_str
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

__all__ = [
    "RateLimitReader",
    "as_dict",
    "as_int",
    "as_list",
    "as_str",
    "graph_rate_limit",
    "read_rate_limit",
    "retry_after",
    "x_rate_limit",
]

#: error code on a TransientError when the request may have been carried out (publish sent,
#: answer lost): the engine must reconcile (find_existing) before sending it again.
OUTCOME_UNKNOWN = "outcome_unknown"
MALFORMED = "malformed_response"
MAX_MESSAGE = 1000

RateLimitCallback = Callable[[AccountRef, RateLimitInfo], None]
# (response, parsed body or None, rate limit, now) -> the exception to raise
Classifier = Callable[[httpx.Response, Any, "RateLimitInfo | None", datetime], PublishError]


@functools.cache
def _verified_tls() -> ssl.SSLContext:
    """httpx's own `verify=True` context (certifi's CA bundle or SSL_CERT_FILE/SSL_CERT_DIR,
    certificates and host names checked), made once per process and shared by every client:
    loading the bundle cost some 20 ms of CPU per client, seven clients in every worker's
    start-up. An SSLContext may be shared between clients and threads."""
    return httpx.create_ssl_context(verify=True)


def make_client(config: AdapterConfig) -> httpx.Client:
    """The one way adapters get a client: timeouts everywhere, TLS verification on."""
    return httpx.Client(
        timeout=httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.write_timeout,
            pool=config.pool_timeout,
        ),
        verify=_verified_tls(),
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
