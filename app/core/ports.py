"""The interface the publishing engine calls, implemented per platform in app/adapters.

Adapters are stateless: everything about the account comes in an `AccountRef` on each call.
They classify every failure into one of the `PublishError` subclasses below; the engine's
retry policy is driven only by the class, never by parsing messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from app.platforms.names import Platform

# ---------------------------------------------------------------- errors


class PublishError(Exception):
    """Base of every adapter failure. `message` is the platform's own words where it gave any.

    Never put a token, secret or Authorization header into the message.
    """

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class TransientError(PublishError):
    """5xx, timeout, connection reset, malformed body: worth retrying later (1, 5, 15 min)."""


class NetworkUnavailableError(PublishError):
    """No connectivity at all (connection refused, DNS failure): pause, burn no attempt."""


class RateLimitedError(PublishError):
    """429 or the platform's throttling codes; wait until `reset_at` without burning an attempt."""

    def __init__(
        self,
        message: str,
        *,
        reset_at: datetime | None = None,
        rate_limit: RateLimitInfo | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.reset_at = reset_at
        self.rate_limit = rate_limit


class AuthError(PublishError):
    """Access token expired/revoked, or refresh token refused: refresh once, then reauth."""


class PermanentError(PublishError):
    """Content rejected, media invalid, duplicate content...: FAILED at once with the message."""


class DuplicatePostError(PermanentError):
    """The platform refused the post as a duplicate and named the post it already has.

    After an attempt whose answer was lost, that post is our own: the engine records the
    target PUBLISHED with `existing_id` instead of failing it."""

    def __init__(
        self,
        message: str,
        existing_id: str,
        *,
        url: str | None = None,
        code: str | None = "duplicate",
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.existing_id = existing_id
        self.url = url


class LookupUnavailableError(PublishError):
    """The account may not list its own posts (the platform did not grant the read scope), so
    find_existing can never know; asking again will not help.

    `resend_reveals_duplicate`: the platform refuses a second identical post and names the
    first (DuplicatePostError), so sending again is itself the look-up."""

    def __init__(
        self,
        message: str,
        *,
        resend_reveals_duplicate: bool = False,
        code: str | None = "lookup_unavailable",
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.resend_reveals_duplicate = resend_reveals_duplicate


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Credentials:
    """Secrets for one account. Stored only encrypted (app.core.vault); repr hides the values."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    # Platform-specific extras: OAuth 1.0a token secret, page token, refresh-token expiry...
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Credentials(expires_at={self.expires_at!r}, extra_keys={sorted(self.extra)!r})"


@dataclass(frozen=True)
class AppCredentials:
    """The user's own developer app for a platform (client id/secret), plus endpoint config."""

    client_id: str
    client_secret: str | None = None

    def __repr__(self) -> str:
        return f"AppCredentials(client_id={self.client_id!r})"


@dataclass(frozen=True)
class AccountRef:
    """What an adapter needs to act for one connected account."""

    platform: Platform
    external_id: str  # the platform's id: X user id, IG user id, LinkedIn author URN, FB page id
    handle: str
    credentials: Credentials
    app: AppCredentials | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MediaItem:
    path: str
    mime: str
    bytes: int
    sha256: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    # Where a platform that fetches media itself (Instagram, FB photos) can get it.
    public_url: str | None = None
    #: the image's description for people who cannot see it (sent where the network takes it)
    alt_text: str | None = None


@dataclass(frozen=True)
class RateLimitInfo:
    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    scope: str = "publish"  # which budget the headers describe: "publish" or "read"


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str | None = None
    rate_limit: RateLimitInfo | None = None


@dataclass(frozen=True)
class Metrics:
    likes: int = 0
    shares: int = 0
    comments: int = 0
    # None: the platform did not report it (e.g. Facebook refused the metric): "not reported",
    # never a 0 that reads as "nobody saw it".
    impressions: int | None = 0
    # The platform's own metric names it refused as invalid on this fetch; the collector
    # remembers them on the account so the next fetch does not ask again.
    refused_metrics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConnectedAccount:
    """What the OAuth flow yields: one or more accounts (Meta may list several pages)."""

    platform: Platform
    external_id: str
    handle: str
    credentials: Credentials
    settings: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- the interface


@runtime_checkable
class PlatformAdapter(Protocol):
    platform: Platform
    #: how many external ids one fetch_metrics call may send to the platform
    metrics_batch_size: int

    def publish(
        self,
        account: AccountRef,
        text: str,
        media: Sequence[MediaItem],
        idempotency_key: str,
    ) -> PublishResult: ...

    def fetch_metrics(self, account: AccountRef, external_ids: Sequence[str]) -> dict[str, Metrics]:
        """Metrics per external id; ids the platform no longer knows are left out."""
        ...

    def refresh(self, account: AccountRef) -> Credentials:
        """New credentials. The caller must persist them at once (X refresh tokens are single-use)."""
        ...

    def find_existing(
        self,
        account: AccountRef,
        idempotency_key: str,
        text: str,
        since: datetime,
        until: datetime | None = None,
    ) -> str | None:
        """External id of a post already made for this key/text between `since` and `until`
        (None: up to now), or None when the platform says there is none. The engine passes
        both ends of the doubtful attempts' window (with a margin), so an adapter lists only
        that window instead of paging back from the newest post. Raises
        TransientError/NetworkUnavailableError when it cannot be known now,
        LookupUnavailableError when it never can for this account."""
        ...

    def validate(self, text: str, media: Sequence[MediaItem]) -> list[Any]:
        """Content-rule warnings (app.core.constraints) plus anything platform-specific."""
        ...
