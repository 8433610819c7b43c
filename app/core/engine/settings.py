"""What a host gives the engine: its adapters (`AdapterSource`) and its tuning
(`EngineSettings`)."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from app.core.accounts import AccountInfo
from app.core.dbclock import CLOCK_TOLERANCE
from app.core.ports import AppCredentials, PlatformAdapter


class AdapterSource(Protocol):
    """What the composition root (app/bootstrap.py) gives the engine: core never imports
    app.adapters."""

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        """The adapter for this account's network (real or emulator hosts: chosen once, when
        Herald was composed, not per account)."""
        ...

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        """The developer app to refresh with; None reads the user's app from the vault."""
        ...


@dataclass(frozen=True)
class EngineSettings:
    lease: timedelta = timedelta(seconds=60)
    #: targets claimed per cycle and held at once by this engine
    batch_limit: int = 32
    #: concurrent publishes per platform (the seed's "worker pool per platform")
    per_platform: int = 8
    max_sleep: timedelta = timedelta(seconds=60)
    #: while offline, how often one target probes the network
    network_retry: timedelta = timedelta(seconds=15)
    #: refresh a token before publishing when it expires within this
    refresh_margin: timedelta = timedelta(minutes=5)
    #: None: the "engine.grace_minutes" setting (default 15 min)
    grace: timedelta | None = None
    owner: str | None = None
    #: seconds an account's decrypted credentials are reused before being read again
    account_cache_s: float = 30.0
    #: claim nothing while this machine's clock differs from the database's by more
    clock_tolerance: timedelta = CLOCK_TOLERANCE


def default_owner() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
