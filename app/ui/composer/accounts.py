"""The accounts of a workspace, for the composer and the attention banner.

Uses the AppContext's AccountService when it has one; listing needs no vault, so a service
without one is built otherwise (credential methods are never called from here).
"""

from __future__ import annotations

from typing import Any


def list_accounts(context: Any, workspace_id: int) -> list[Any]:
    service = getattr(context, "accounts", None)
    if service is None:
        from app.core.accounts import AccountService

        service = AccountService(context.db, None, context.clock)  # type: ignore[arg-type]
    return list(service.list(workspace_id))
