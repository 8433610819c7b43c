"""The core services the Accounts area uses, taken from the AppContext.

When the context does not provide a vault / account service yet, one is built here (and
kept on the context, so every view shares one vault and asks for a passphrase only once).
The vault built here asks for its passphrase with a dialog parented on the active window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from app.core.accounts import AccountService
from app.core.vault import Vault
from app.ui.passphrase import passphrase_callback


def vault_of(context: Any) -> Vault:
    if getattr(context, "passphrase_prompt", "absent") is None:
        # An AppContext whose launcher set no prompt: ask with a dialog on the active window.
        context.passphrase_prompt = passphrase_callback(
            QApplication.activeWindow, lambda: getattr(context, "vault", None)
        )
    vault = getattr(context, "vault", None)
    if vault is None:
        holder: dict[str, Vault] = {}
        vault = Vault(
            context.db,
            passphrase=passphrase_callback(QApplication.activeWindow, lambda: holder.get("v")),
        )
        holder["v"] = vault
        context.vault = vault
    return vault


def accounts_of(context: Any) -> AccountService:
    service = getattr(context, "accounts", None)
    if service is None:
        service = AccountService(context.db, vault_of(context), context.clock)
        context.accounts = service
    return service
