"""What every adapter shares: construction, closing, validation, a few small helpers."""

from __future__ import annotations

import html
import importlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, ClassVar, Literal

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.http import Classifier, Http, RateLimitCallback, RateLimitReader
from app.adapters.media_server import MediaHost
from app.core.clock import Clock
from app.core.container_ports import ContainerStore, MemoryContainers
from app.core.logsetup import register_secret
from app.core.ports import (
    AccountRef,
    AuthError,
    LookupUnavailableError,
    MediaItem,
    PermanentError,
    PublishResult,
)
from app.platforms.names import Platform

IDEMPOTENCY_HEADER = "Idempotency-Key"
# How far back find_existing pages through a platform's timeline before giving up.
MAX_LOOKUP_PAGES = 5


#: when `build_adapters` hands an adapter the media host (a public URL for a local file):
#: "always" (the network fetches media by URL), "emulator" (only the emulator fetches by URL;
#: the real network takes files), "never" (uploads files)
MediaByUrl = Literal["always", "emulator", "never"]


class BaseAdapter:
    """Every adapter is built the same way (app.adapters.registry.build_adapters); what
    differs per network is class data (`platform`, `media_by_url`) and the hooks below."""

    platform: Platform
    metrics_batch_size: int = 1
    media_by_url: ClassVar[MediaByUrl] = "never"

    def __init__(
        self,
        config: AdapterConfig,
        clock: Clock,
        client: httpx.Client | None = None,
        on_rate_limit: RateLimitCallback | None = None,
        *,
        media_host: MediaHost | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.clock = clock
        self.media_host = media_host
        # Waiting on the network (media processing, container polls) goes through here:
        # injectable so tests and the demo never block.
        self.sleep = sleep
        #: media containers made but not yet published, by idempotency key (Threads,
        #: Instagram); the engine's store is durable (app.core.containers)
        self.containers: ContainerStore = MemoryContainers()
        self.http = Http(
            self.platform,
            config,
            clock,
            self._classifier(),
            client,
            on_rate_limit,
            read_limits=self._rate_limit_reader(),
        )

    def _classifier(self) -> Classifier:  # pragma: no cover - every adapter overrides
        raise NotImplementedError

    def _rate_limit_reader(self) -> RateLimitReader | None:
        """How to read this network's rate-limit headers; None: it sends none."""
        return None

    def close(self) -> None:
        """Close the HTTP client if this adapter made it (an injected one is the caller's)."""
        self.http.close()

    def __enter__(self) -> BaseAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def validate(self, text: str, media: Sequence[MediaItem]) -> list:
        """The shared content rules for this platform (app.core.constraints)."""
        # Imported late: the rules engine is a separate module that may load heavy data.
        constraints = importlib.import_module("app.core.constraints")
        validate: Callable[..., Any] = constraints.validate
        return list(validate(self.platform, text, media))

    # ------------------------------------------------------------ chains, first comments
    # The two optional hooks of issue 19 (app/core/chain_ports.py). A network whose
    # descriptor's `formats` says chain / first_comment overrides them.

    def publish_reply(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        raise PermanentError(
            f"{self.platform.label} cannot publish a chain of posts.", code="no_chains"
        )

    def publish_comment(
        self, account: AccountRef, text: str, parent_id: str, idempotency_key: str
    ) -> PublishResult:
        raise PermanentError(
            f"{self.platform.label} cannot publish a first comment.", code="no_comments"
        )

    def find_reply(
        self,
        account: AccountRef,
        kind: str,
        parent_id: str,
        text: str,
        since: datetime,
        until: datetime,
    ) -> str | None:
        raise LookupUnavailableError(f"{self.platform.label} cannot list replies or comments.")

    # ------------------------------------------------------------ helpers

    def _bearer(self, account: AccountRef) -> dict[str, str]:
        token = account.credentials.access_token
        if not token:
            raise AuthError(f"No {self.platform.label} access token stored; reconnect the account.")
        register_secret(token)  # masked in any log line, even one an error body echoes
        return {"Authorization": f"Bearer {token}"}

    def _upload_timeout(self) -> httpx.Timeout:
        c = self.config
        return httpx.Timeout(
            connect=c.connect_timeout,
            read=c.upload_read_timeout,
            write=c.upload_read_timeout,
            pool=c.pool_timeout,
        )


def open_media(item: MediaItem) -> IO[bytes]:
    """Open a media file for upload; a missing file is the user's to fix, not a retry."""
    try:
        return Path(item.path).open("rb")
    except OSError:
        raise PermanentError(
            f"The media file {Path(item.path).name!r} is missing or unreadable.",
            code="media_missing",
        ) from None


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


_URL = re.compile(r"https?://\S+")


def same_text(a: str | None, b: str | None) -> bool:
    """Whether a platform's copy of a post is the text we sent.

    Platforms rewrite links (t.co), escape HTML entities and trim whitespace, so links are
    ignored and whitespace collapsed. A media-only post (no text) matches another one made
    in the same window: the window is a lease, minutes long."""

    def norm(s: str | None) -> str:
        s = html.unescape(s or "")
        s = _URL.sub(" ", s)
        return " ".join(s.split()).casefold()

    return norm(a) == norm(b)


def parse_time(value: object) -> datetime | None:
    """A platform timestamp (ISO 8601 with Z or +0000, or Unix seconds/milliseconds)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
