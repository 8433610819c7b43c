"""Connecting a Bluesky account: a handle and an app password (no developer app, no
browser). Signs in at the service the person names (default https://bsky.social), follows
the DID document to the account's own PDS, and returns the account with its session; the
caller stores the session in the vault (AccountService.save_connected) and never the password.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.http import Http
from app.core.clock import Clock, SystemClock
from app.core.ports import ConnectedAccount, PermanentError, PublishError
from app.platforms.bluesky import DEFAULT_SERVICE, NAME, session, xrpc
from app.platforms.bluesky.adapter import PDS_SETTING
from app.platforms.names import Platform

#: the account the emulator signs in by default (any app password but "wrong-password")
EMULATOR_HANDLE = "herald-demo.bsky.social"


class ConnectError(PermanentError):
    """One readable sentence for the person connecting."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="sign_in_refused")


def normalise_service(service: str | None) -> str:
    text = (service or "").strip().rstrip("/") or DEFAULT_SERVICE
    if "://" not in text:
        text = f"https://{text}"
    if not text.startswith(("https://", "http://")):
        raise ConnectError(f"{service!r} is not a web address (like {DEFAULT_SERVICE}).")
    return text


@dataclass(frozen=True)
class AppPasswordSignIn:
    """Bluesky's sign-in: `connect(config, service, handle, app_password)`."""

    default_service: str = DEFAULT_SERVICE
    #: the account the emulator signs in (add-emulator, the demo, the testers' plugin)
    emulator_handle: str = EMULATOR_HANDLE

    def connect(
        self,
        config: AdapterConfig,
        service: str | None,
        handle: str,
        app_password: str,
        *,
        clock: Clock | None = None,
        client: httpx.Client | None = None,
    ) -> ConnectedAccount:
        handle = (handle or "").strip().lstrip("@")
        if not handle or not app_password:
            raise ConnectError("Enter your Bluesky handle and an app password.")
        if config.emulator:
            base = config.endpoint(NAME, DEFAULT_SERVICE)
        else:
            base = normalise_service(service)
        http = Http(Platform(NAME), config, clock or SystemClock(), xrpc.classify, client)
        try:
            found = session.create_session(http, base, handle, app_password)
        except PublishError as exc:
            raise ConnectError(_explain(exc)) from None
        finally:
            http.close()
        return ConnectedAccount(
            platform=Platform(NAME),
            external_id=found.did,
            handle=found.handle,
            credentials=found.credentials(),
            settings={PDS_SETTING: found.pds},
        )


def _explain(exc: PublishError) -> str:
    code = exc.code or ""
    if code == "AuthenticationRequired" or exc.status == 401:
        return "Bluesky did not accept that handle and app password; check both and try again."
    if code == "AuthFactorTokenRequired":
        return "This account asks for an e-mail code: use an app password instead."
    if code == "AccountTakedown":
        return "Bluesky has taken this account down."
    if code == "RateLimitExceeded":
        return "Bluesky refuses more sign-ins for now; try again in a few minutes."
    return f"Could not sign in to Bluesky: {exc.message}"


SIGN_IN = AppPasswordSignIn()
