"""The accounts of a workspace, for the composer, the calendar and the attention banner."""

from __future__ import annotations

from typing import Any


def list_accounts(services: Any, workspace_id: int) -> list[Any]:
    """Every account of the workspace, through the handed-in account service."""
    return list(services.accounts.list(workspace_id))
