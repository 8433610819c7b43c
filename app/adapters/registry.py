"""Build the four adapters the engine calls, keyed by platform."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.facebook import FacebookAdapter
from app.adapters.http import RateLimitCallback
from app.adapters.instagram import InstagramAdapter
from app.adapters.linkedin import LinkedInAdapter
from app.adapters.media_server import MediaHost
from app.adapters.twitter import TwitterAdapter
from app.constants import Platform
from app.core.clock import Clock
from app.core.ports import PlatformAdapter


def build_adapters(
    config: AdapterConfig,
    clock: Clock,
    *,
    client: httpx.Client | None = None,
    on_rate_limit: RateLimitCallback | None = None,
    media_host: MediaHost | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[Platform, PlatformAdapter]:
    """One adapter per platform. With `client` given they share it (and the caller closes
    it); otherwise each makes its own, closed by `close_adapters`. `media_host` gives
    Instagram (and Facebook photos, when set) a public URL for media."""
    return {
        Platform.TWITTER: TwitterAdapter(config, clock, client, on_rate_limit, sleep=sleep),
        Platform.INSTAGRAM: InstagramAdapter(
            config, clock, client, on_rate_limit, media_host=media_host, sleep=sleep
        ),
        Platform.LINKEDIN: LinkedInAdapter(config, clock, client, on_rate_limit),
        # Real Facebook takes photo files directly; only the emulator is fed by URL.
        Platform.FACEBOOK: FacebookAdapter(
            config,
            clock,
            client,
            on_rate_limit,
            media_host=media_host if config.emulator else None,
            sleep=sleep,
        ),
    }


def close_adapters(adapters: Mapping[Platform, object]) -> None:
    for adapter in adapters.values():
        close = getattr(adapter, "close", None)
        if callable(close):
            close()
