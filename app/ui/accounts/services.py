"""What the Accounts area is handed: `AccountsServices` (the composition root's AppContext is
one). The view builds no service of its own.

`vault_of` gives the vault a passphrase dialog, parented on the active window, when whoever
built the services set no prompt (the GUI launcher sets one; tests often do not).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QApplication

from app.core.accounts import AccountService
from app.core.clock import Clock
from app.core.connecting import ConnectService
from app.core.events import EventHub
from app.core.vault import Vault
from app.ui.passphrase import passphrase_callback


class AccountsServices(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def events(self) -> EventHub: ...
    @property
    def accounts(self) -> AccountService: ...
    @property
    def vault(self) -> Vault: ...
    @property
    def connecting(self) -> ConnectService: ...


def vault_of(services: Any) -> Vault:
    if getattr(services, "passphrase_prompt", "absent") is None:
        services.passphrase_prompt = passphrase_callback(
            QApplication.activeWindow, lambda: services.vault
        )
    return services.vault


def accounts_of(services: Any) -> AccountService:
    """The account service of `services` (its vault asks for a passphrase with a dialog)."""
    vault_of(services)
    return services.accounts
