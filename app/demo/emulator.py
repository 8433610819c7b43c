"""Talking to the emulator for the demo and the testers' kit: check its URL, move its clock,
connect its accounts through the real OAuth flow.

Only loopback emulators are accepted: demo data must never reach a real platform.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock
from app.platforms.names import Platform

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PING_TIMEOUT_S = 5.0


class DemoError(RuntimeError):
    """The demo cannot be seeded; the message is one line meant for a person."""


def loopback_url(url: str) -> str:
    """The emulator's base URL without a trailing slash; DemoError unless it is http on a
    loopback host with a port."""
    text = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise DemoError(f"{url!r} is not a valid URL") from None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or port is None:
        raise DemoError(
            "the emulator must run on this computer: give its loopback URL, "
            "e.g. http://127.0.0.1:8700 (demo data never goes to a real platform)"
        )
    if parts.path or parts.query:
        raise DemoError("give the emulator's base URL only, e.g. http://127.0.0.1:8700")
    return text


def _control(url: str, method: str, path: str, body: dict | None = None) -> dict:
    import httpx

    try:
        response = httpx.request(
            method, f"{url}/_emulator{path}", json=body, timeout=PING_TIMEOUT_S, trust_env=False
        )
        data = response.json()
    except httpx.HTTPError as exc:
        raise DemoError(f"cannot reach the emulator at {url} ({type(exc).__name__})") from None
    except json.JSONDecodeError:
        raise DemoError(f"{url} does not answer like Herald's emulator") from None
    if response.status_code != 200 or not isinstance(data, dict) or "now" not in data:
        raise DemoError(f"{url} does not answer like Herald's emulator")
    return data


def check_emulator(url: str) -> str:
    """The checked base URL of a running emulator; DemoError naming what is wrong."""
    url = loopback_url(url)
    _control(url, "GET", "/clock")
    return url


class RemoteClock:
    """Moves a running emulator's clock over its control API (POST /_emulator/clock).
    Call it with an aware datetime; `close()` when done."""

    def __init__(self, url: str) -> None:
        import httpx

        self.url = url
        self._client = httpx.Client(
            base_url=f"{url}/_emulator", timeout=PING_TIMEOUT_S, trust_env=False
        )

    def __call__(self, instant: datetime) -> None:
        import httpx

        iso = instant.astimezone(UTC).isoformat().replace("+00:00", "Z")
        try:
            response = self._client.post("/clock", json={"now": iso})
        except httpx.HTTPError as exc:
            raise DemoError(f"lost the emulator at {self.url} ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise DemoError(f"the emulator at {self.url} refused to move its clock")

    def close(self) -> None:
        self._client.close()


def connect_emulator_accounts(
    accounts: AccountService, workspace_id: int, url: str, *, clock: Clock
) -> list[AccountInfo]:
    """One account per platform on the emulator, through the real OAuth flow (PKCE, state,
    loopback redirect, no browser), stored with the emulator's URL so the engine sends their
    posts there and nowhere else.

    What `accounts add-emulator` does, with the caller's vault and clock: token expiry times
    must be counted on the clock the emulator shares, or 60-day tokens issued at the start
    of a 90-day history would look valid long after the emulator expired them."""
    import httpx

    from app.adapters.config import AdapterConfig
    from app.adapters.oauth import OAuthError, connect, loopback_browser
    from app.adapters.source import API_BASE, EMULATOR_APP
    from app.core.ports import PublishError

    url = loopback_url(url)
    config = AdapterConfig.for_emulator(url)
    connected = []
    for platform in Platform:
        try:
            found = connect(
                platform,
                EMULATOR_APP,
                config,
                open_browser=loopback_browser,
                port=0,
                timeout=30,
                clock=clock,
            )
        except (OAuthError, PublishError) as exc:
            raise DemoError(f"{platform.label}: {exc}") from None
        except (OSError, httpx.HTTPError) as exc:
            raise DemoError(f"cannot reach the emulator at {url} ({type(exc).__name__})") from None
        if not found:
            raise DemoError(f"{platform.label}: the emulator granted no account")
        account = replace(found[0], settings={**dict(found[0].settings), API_BASE: url})
        connected.append(accounts.get(accounts.save_connected(workspace_id, account)))
    return connected


def repoint_accounts(accounts: AccountService, workspace_id: int, url: str) -> int:
    """Send a workspace's emulator accounts to `url` (the emulator's port changes per run)."""
    from app.adapters.source import API_BASE

    changed = 0
    for info in accounts.list(workspace_id):
        if info.settings.get(API_BASE) and info.settings.get(API_BASE) != url:
            accounts.update_settings(info.id, {API_BASE: url})
            changed += 1
    return changed
