"""Signing in with a password made for Herald (Bluesky's app passwords): no developer app, no
browser. The network's descriptor names an object with `connect(config, service, handle,
password, clock=...)` (app/platforms/bluesky/connect.py); this is the kit's adapter to it."""

from __future__ import annotations

from typing import Any

from app import platforms
from app.adapters.registry import load_object
from app.core.clock import Clock
from app.core.ports import AppCredentials, ConnectedAccount
from app.platforms.names import Platform


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
    account: ConnectedAccount = _sign_in(platform).connect(
        config, service, handle, password, clock=clock
    )
    return [account]


def connect_on_emulator(
    platform: str, config: Any, clock: Clock | None = None
) -> list[ConnectedAccount]:
    """The emulator's default account of an app-password network (any password but
    "wrong-password" signs it in there)."""
    sign_in = _sign_in(platform)
    return connect_with_password(
        platform, None, config, handle=sign_in.emulator_handle, password="emulator", clock=clock
    )


def _sign_in(platform: str) -> Any:
    reference = platforms.get(platform).connect
    sign_in = load_object(reference)
    if not callable(getattr(sign_in, "connect", None)):
        raise TypeError(f"{reference} cannot sign in with a password")
    return sign_in


def sign_in_without_browser(
    platform: Platform, config: Any, clock: Clock | None
) -> list[ConnectedAccount]:
    """`oauth.connect` for a network without a browser sign-in (Bluesky: an app password). On
    the emulator its default account signs in (what add-emulator, the demo and the fixtures
    want); a real one needs the handle and app password (the dialog, `accounts add-bluesky`)."""
    from app.adapters.oauth import OAuthError
    from app.core.ports import PublishError

    if not config.emulator:
        raise OAuthError(
            f"{platform.label} connects with your handle and an app password, not in a browser."
        )
    try:
        return connect_on_emulator(platform, config, clock)
    except PublishError as exc:
        raise OAuthError(f"{platform.label}: {exc.message}") from None
