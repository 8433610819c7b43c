"""What the UI and the commands share: one database, one clock, one vault, one event hub,
one adapter source, and the services built on them. app/bootstrap.py builds it.

Services are created on first use, so a command that needs only the database does not pay
for the rest (the vault pulls in keyring and cryptography; the adapters httpx).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import EventHub
from app.core.workspaces import WorkspaceService

if TYPE_CHECKING:
    from app.core.accounts import AccountService
    from app.core.approvals import ApprovalService
    from app.core.besttime import BestTimes
    from app.core.chains import ChainService
    from app.core.connecting import ConnectService, SignInKit
    from app.core.engine import AdapterSource, EngineSettings, PublishingEngine
    from app.core.engine.maintenance import MaintenanceContext
    from app.core.history import HistoryService
    from app.core.notifications import NotificationService
    from app.core.posts import PostService
    from app.core.queues import QueueService
    from app.core.vault import Vault


@dataclass
class AppContext:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    demo: bool = False
    emulator_url: str | None = None
    events: EventHub = field(default_factory=EventHub)
    # Asks the person for the vault passphrase when there is no OS keychain; the argument
    # says whether the passphrase is being created (True) or entered (False).
    passphrase_prompt: Callable[[bool], str | None] | None = None
    #: the database's clock (leases, due times); None: the engine's default for the database
    db_clock: Clock | None = None
    #: builds the engine's AdapterSource on first use; app.bootstrap chooses where it sends
    #: requests (core never imports the adapters)
    adapter_source: Callable[[AppContext], AdapterSource] | None = None
    #: run by close(), after the database is released (the demo's emulator stops)
    on_close: list[Callable[[], Any]] = field(default_factory=list)
    # The adapters' sign-in (browser, loopback listener, token exchange) for connecting
    # accounts; None: the default one, found by name when first needed (app/core imports no
    # adapter).
    sign_in_kit: SignInKit | None = None

    @cached_property
    def workspaces(self) -> WorkspaceService:
        return WorkspaceService(self.db, self.clock)

    @cached_property
    def vault(self) -> Vault:
        from app.core.vault import Vault

        return Vault(self.db, passphrase=self._ask_passphrase)

    @cached_property
    def accounts(self) -> AccountService:
        from app.core.accounts import AccountService

        return AccountService(self.db, self.vault, self.clock)

    @cached_property
    def posts(self) -> PostService:
        from app.core.posts import PostService

        return PostService(self.db, self.clock, self.events)

    @cached_property
    def chains(self) -> ChainService:
        from app.core.chains import ChainService

        return ChainService(self.db, self.clock)

    @cached_property
    def adapters(self) -> AdapterSource:
        if self.adapter_source is None:
            raise RuntimeError("this context has no adapters: build it with app.bootstrap")
        return self.adapter_source(self)

    def publishing_engine(self, settings: EngineSettings | None = None) -> PublishingEngine:
        """A publishing engine on this context's database, clocks, adapters and events."""
        from app.core.engine import PublishingEngine

        return PublishingEngine(
            self.db, self.clock, self.adapters, self.events, self.accounts, settings, self.db_clock
        )

    def maintenance_context(self) -> MaintenanceContext:
        """What the daily maintenance and the analytics collector run on."""
        from app.core.engine.maintenance import MaintenanceContext

        return MaintenanceContext(self.db, self.clock, self.accounts, self.adapters, self.events)

    @cached_property
    def approvals(self) -> ApprovalService:
        from app.core.approvals import ApprovalService

        return ApprovalService(self.db, self.clock, self.events)

    @cached_property
    def history(self) -> HistoryService:  # issue 23: a post's history panel
        from app.core.history import HistoryService

        return HistoryService(self.db)

    @cached_property
    def notifications(self) -> NotificationService:  # issue 23: the tray's notifications
        from app.core.notifications import FileMarks, NotificationService
        from app.core.paths import data_dir

        marks = FileMarks(data_dir() / "notification-marks.json")  # a private folder
        return NotificationService(self.db, marks, local_failures_announced=True)

    @cached_property
    def queues(self) -> QueueService:
        from app.core.queues import QueueService

        return QueueService(self.db, self.clock, self.events, self.posts)

    @cached_property
    def best_times(self) -> BestTimes:
        from app.core.besttime import BestTimes

        return BestTimes(self.db, self.clock)

    @cached_property
    def connecting(self) -> ConnectService:
        from app.core.connecting import ConnectService

        return ConnectService(
            self.accounts,
            self.clock,
            self.sign_in_kit,
            emulator_url=self.emulator_url if self.demo else None,
        )

    def _ask_passphrase(self, creating: bool) -> str | None:
        return self.passphrase_prompt(creating) if self.passphrase_prompt else None

    def close_adapters(self) -> None:
        """Close the adapters' connections, if any were made (they reopen when next used)."""
        close = getattr(self.__dict__.get("adapters"), "close", None)
        if callable(close):
            close()

    def close(self) -> None:
        """Close the adapters' connections, release the database, then run `on_close`."""
        self.close_adapters()
        self.db.dispose()
        for step in self.on_close:
            step()
