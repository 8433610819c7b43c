"""What the UI and the commands share: one database, one clock, one vault, one event hub,
and the services built on them.

Services are created on first use, so a command that needs only the database does not pay
for the rest (the vault pulls in keyring and cryptography).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.events import EventHub
from app.core.workspaces import WorkspaceService

if TYPE_CHECKING:
    from app.core.accounts import AccountService
    from app.core.approvals import ApprovalService
    from app.core.besttime import BestTimes
    from app.core.connecting import ConnectService, SignInKit
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
    def approvals(self) -> ApprovalService:
        from app.core.approvals import ApprovalService

        return ApprovalService(self.db, self.clock, self.events)

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

    def close(self) -> None:
        self.db.dispose()
