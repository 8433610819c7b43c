"""Signing in with a password made for Herald (Bluesky's app passwords): no developer app, no
browser. The network's descriptor names an object with `connect(config, service, handle,
password, clock=...)` (app/platforms/bluesky/connect.py); this is the kit's adapter to it."""

from __future__ import annotations

from typing import Any

from app import platforms
from app.adapters.registry import load_object
from app.core.clock import Clock
from app.core.ports import AppCredentials, ConnectedAccount


def connect_with_password(
    platform: str,
    app: AppCredentials | None,
    config: Any,
    *,
    handle: str,
    password: str,
    service: str | None = None,
    clock: Clock | None = None,
) -> list[ConnectedAccount]:
    """The account `handle` signs in as; the network's own error as a readable exception."""
    sign_in = load_object(platforms.get(platform).connect)
    connect = getattr(sign_in, "connect", None)
    if not callable(connect):
        raise TypeError(f"{platforms.get(platform).connect} cannot sign in with a password")
    account: ConnectedAccount = connect(config, service, handle, password, clock=clock)
    return [account]
