"""Shared pieces of the loopback tests against app.emulator (real OAuth flow, real sockets)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.adapters.config import AdapterConfig
from app.adapters.http import OUTCOME_UNKNOWN
from app.adapters.oauth import connect, loopback_browser
from app.core.ports import (
    AccountRef,
    AppCredentials,
    AuthError,
    MediaItem,
    PermanentError,
    PublishError,
    RateLimitedError,
    TransientError,
)
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform
from app.platforms.threads.adapter import ThreadsAdapter
from app.platforms.twitter.adapter import TwitterAdapter

EMU_NAME = {
    Platform.TWITTER: "twitter",
    Platform.INSTAGRAM: "instagram",
    Platform.LINKEDIN: "linkedin",
    Platform.FACEBOOK: "facebook",
    Platform.THREADS: "threads",
}
ADAPTERS = {
    Platform.TWITTER: TwitterAdapter,
    Platform.INSTAGRAM: InstagramAdapter,
    Platform.LINKEDIN: LinkedInAdapter,
    Platform.FACEBOOK: FacebookAdapter,
    Platform.THREADS: ThreadsAdapter,
}
APP = AppCredentials("herald-test-client", "herald-test-secret")

# (endpoint, kind, fault params, expected class, expected code or None)
PUBLISH_FAULTS = [
    ("publish", "500", {}, TransientError, None),
    ("publish", "502", {}, TransientError, None),
    ("publish", "503", {}, TransientError, None),
    ("publish", "timeout", {"delay": 1.0}, TransientError, OUTCOME_UNKNOWN),
    ("publish", "429", {"reset_in": 120}, RateLimitedError, None),
    ("publish", "malformed", {}, TransientError, OUTCOME_UNKNOWN),
    ("publish", "truncated", {}, TransientError, OUTCOME_UNKNOWN),
    ("publish", "invalid_token", {}, AuthError, None),
    ("publish", "revoked_refresh", {}, AuthError, None),
    ("publish", "duplicate", {}, PermanentError, None),
    ("publish", "lost", {}, TransientError, OUTCOME_UNKNOWN),
]
READ_FAULTS = [
    ("metrics", "503", {}, TransientError, None),
    ("metrics", "429", {}, RateLimitedError, None),
    ("metrics", "malformed", {}, TransientError, None),
    ("metrics", "invalid_token", {}, AuthError, None),
    ("lookup", "500", {}, TransientError, None),
    ("lookup", "truncated", {}, TransientError, None),
]
TOKEN_FAULTS = [
    ("token", "503", {}, TransientError, None),
    ("token", "revoked_refresh", {}, AuthError, None),
]


def fault_id(case: tuple) -> str:
    return f"{case[0]}-{case[1]}"


def emulator_config(srv, **overrides) -> AdapterConfig:
    # Short read timeout so "timeout" faults (delay 1 s) are seen quickly.
    return AdapterConfig.for_emulator(srv.base_url, **{"read_timeout": 0.5, **overrides})


def connect_account(
    platform: Platform, config: AdapterConfig, clock, index: int = 0, **options: Any
) -> AccountRef:
    accounts = connect(
        platform,
        APP,
        config,
        open_browser=loopback_browser,
        port=0,
        timeout=10,
        clock=clock,
        **options,
    )
    a = accounts[index]
    return AccountRef(platform, a.external_id, a.handle, a.credentials, APP, a.settings)


@dataclass
class CountingClient:
    """An httpx client that counts requests per (method, path suffix)."""

    calls: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            timeout=httpx.Timeout(5.0, read=0.5),
            event_hooks={"request": [self._count]},
        )

    def _count(self, request: httpx.Request) -> None:
        self.calls[(request.method, request.url.path)] += 1

    def close(self) -> None:
        self.client.close()


def expect_fault(call, expected: type[PublishError], code: str | None) -> PublishError:
    with pytest.raises(PublishError) as info:
        call()
    exc = info.value
    assert type(exc) is expected, (type(exc).__name__, exc.message, exc.code)
    assert exc.message
    if code is not None:
        assert exc.code == code, (exc.code, exc.message)
    if expected is RateLimitedError:
        assert isinstance(exc, RateLimitedError) and exc.reset_at is not None
    return exc


def check_injected_fault(
    adapter, account: AccountRef, emu, clock, case: tuple, media: Sequence[MediaItem] = ()
) -> None:
    """One fault on `case`'s endpoint makes the adapter call that reaches it raise as expected.

    A post is made first so that metrics have something to read."""
    endpoint, kind, params, expected, code = case
    existing = adapter.publish(account, "already there", list(media), "k0").external_id
    emu.add_fault(EMU_NAME[account.platform], endpoint, kind, count=1, **params)
    calls = {
        "publish": lambda: adapter.publish(account, "faulty", list(media), "k1"),
        "metrics": lambda: adapter.fetch_metrics(account, [existing]),
        "lookup": lambda: adapter.find_existing(account, "k", "x", clock.now()),
    }
    expect_fault(calls[endpoint], expected, code)


def check_token_fault(adapter, account: AccountRef, emu, case: tuple) -> None:
    endpoint, kind, params, expected, code = case
    emu.add_fault(EMU_NAME[account.platform], endpoint, kind, count=1, **params)
    expect_fault(lambda: adapter.refresh(account), expected, code)


def check_revoked_tokens_refused(adapter, account: AccountRef, emu) -> None:
    emu.revoke_tokens(EMU_NAME[account.platform])
    with pytest.raises(AuthError):
        adapter.publish(account, "x", [], "k")
    with pytest.raises(AuthError):
        adapter.refresh(account)


def check_lost_publish_is_found(
    adapter, account: AccountRef, emu, clock, text: str, media: Sequence[MediaItem] = ()
) -> None:
    """The post whose answer was lost is the one find_existing finds."""
    emu.add_fault(EMU_NAME[account.platform], "publish", "lost", count=1)
    since = clock.now()
    expect_fault(
        lambda: adapter.publish(account, text, list(media), "k-lost"),
        TransientError,
        OUTCOME_UNKNOWN,
    )
    found = adapter.find_existing(account, "k-lost", text, since)
    assert found is not None and found in {p["external_id"] for p in emu.published()}


def check_lookup_past_first_page(
    adapter, account: AccountRef, clock, posts: int, media: Sequence[MediaItem] = ()
) -> None:
    """find_existing pages back through `posts` posts to the first one (posts > one page)."""
    since = clock.now()
    first = adapter.publish(account, "post number 0", list(media), "k0").external_id
    for i in range(1, posts):
        clock.advance(timedelta(seconds=5))
        adapter.publish(account, f"post number {i}", list(media), f"k{i}")
    assert adapter.find_existing(account, "k0", "post number 0", since) == first
    assert adapter.find_existing(account, "k-none", "never posted", since) is None
