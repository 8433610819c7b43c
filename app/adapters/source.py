"""The engine's AdapterSource: where the adapters send their requests, chosen once when Herald
is put together (app/bootstrap.py), never per account.

- `RealAdapters`: the real platforms, with the user's own developer apps (from the vault).
- `EmulatorAdapters`: one emulator on this computer, with the emulator's fixed app; every
  account goes there, whatever its settings say (demo data never reaches a real platform).

An account connected on the emulator keeps the emulator's base URL in its settings under
`API_BASE` (data written by `accounts add-emulator`, the demo and the testers' plugin); only
app/bootstrap.py reads it, to choose the destination of a run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.adapters.config import AdapterConfig
from app.adapters.media_server import HostingRouter, LoopbackMediaHost, MediaHost, MediaServer
from app.adapters.registry import build_adapters, close_adapters
from app.core.accounts import AccountInfo
from app.core.clock import Clock
from app.core.container_ports import ContainerStore
from app.core.ports import AccountRef, AppCredentials, PermanentError, PlatformAdapter
from app.platforms.names import Platform

if TYPE_CHECKING:
    from app.core.accounts import AccountService

#: The emulator accepts any client; demos and tests use this fixed, non-secret pair.
EMULATOR_APP = AppCredentials(client_id="herald-demo", client_secret="demo-secret")
#: the key of an account's settings that holds the emulator it was connected on
API_BASE = "api_base"

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def stored_emulator_url(settings: Mapping[str, object] | None) -> str | None:
    """The emulator an account was connected on (from its settings), or None."""
    value = (settings or {}).get(API_BASE)
    return str(value).rstrip("/") if value else None


class RealAdapters:
    """The real platforms: one adapter per network, built on first use, closed by `close()`.

    `accounts` lets a network offer media hosting to the others (an unpublished photo on a
    connected Page gives Instagram its public URL) and supplies the configured API versions."""

    def __init__(
        self,
        clock: Clock,
        accounts: AccountService | None = None,
        *,
        containers: ContainerStore | None = None,
    ) -> None:
        self.clock = clock
        self.accounts = accounts
        self.containers = containers
        self._lock = threading.Lock()
        self._adapters: dict[Platform, PlatformAdapter] | None = None

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        with self._lock:
            if self._adapters is None:
                self._adapters = self._build()
            return self._adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return None  # the user's own developer app, read from the vault

    def _build(self) -> dict[Platform, PlatformAdapter]:
        # Instagram on the real platform needs a public media hosting chosen per account;
        # the networks that can host media for others fill the router once they exist.
        router = HostingRouter({})
        adapters = build_adapters(
            self._config(), self.clock, media_host=router, containers=self.containers
        )
        if self.accounts is not None:
            for platform, adapter in adapters.items():
                offer = getattr(adapter, "media_hosts", None)
                if callable(offer):
                    router.hosts.update(offer(self._connected(platform)))
        return adapters

    def _config(self) -> AdapterConfig:
        if self.accounts is None:
            return AdapterConfig.real()
        from app.core.settings import SettingsService

        # A setting, so a platform's API version can move without a new Herald.
        return AdapterConfig.real(
            linkedin_version=SettingsService(self.accounts.db).linkedin_version()
        )

    def _connected(self, platform: Platform) -> Callable[[str], AccountRef]:
        """Finds the connected account of `platform` with a given id on the platform (the
        account chosen to host another account's media)."""

        def account_of(external_id: str) -> AccountRef:
            assert self.accounts is not None
            for info in self.accounts.list():
                if info.platform == platform and info.external_id == external_id:
                    return self.accounts.account_ref(info.id)
            raise PermanentError(
                f"The {platform.label} account chosen to host these images is no longer "
                "connected; choose another media hosting in Accounts.",
                code="no_media_hosting",
            )

        return account_of

    def close(self) -> None:
        with self._lock:
            adapters, self._adapters = self._adapters, None
        if adapters is not None:
            close_adapters(adapters)


class EmulatorAdapters:
    """One emulator on this computer (`base_url`, http on a loopback host): every account
    goes there, with the emulator's app. Media are served to it from a loopback server.

    `sleep`: how the adapters wait between polls (the demo's simulated days do not wait)."""

    def __init__(
        self,
        clock: Clock,
        base_url: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        containers: ContainerStore | None = None,
    ) -> None:
        self.url = emulator_url(base_url)
        self.containers = containers
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._adapters: dict[Platform, PlatformAdapter] | None = None
        self._media: MediaServer | None = None

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        with self._lock:
            if self._adapters is None:
                # The emulator fetches Instagram/Facebook photos from this loopback server.
                self._media = MediaServer().start()
                host: MediaHost = LoopbackMediaHost(self._media)
                config = AdapterConfig.for_emulator(self.url)
                self._adapters = build_adapters(
                    config, self.clock, media_host=host, sleep=self.sleep,
                    containers=self.containers,
                )  # fmt: skip
            return self._adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        return EMULATOR_APP

    def close(self) -> None:
        with self._lock:
            adapters, self._adapters = self._adapters, None
            media, self._media = self._media, None
        if adapters is not None:
            close_adapters(adapters)
        if media is not None:
            media.stop()


def emulator_url(url: str) -> str:
    """The emulator's base URL without a trailing slash; ValueError unless it is http on a
    loopback host (nothing meant for the emulator may leave this computer)."""
    text = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ValueError(f"{url!r} is not a valid URL") from None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(
            f"the emulator must run on this computer (http://127.0.0.1:PORT), not {url!r}"
        )
    return text
