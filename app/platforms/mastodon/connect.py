"""Connecting a Mastodon account on any instance, with no developer app to create.

1. Register Herald on the instance: `POST /api/v1/apps` {client_name: Herald, redirect_uris:
   the loopback URI on the exact port Herald listens on, scopes}. An app registered before
   (a reconnect) is checked first with a client_credentials token and registered anew when
   the instance answers `invalid_client` (servers before 4.3 deleted unused apps).
2. `GET /.well-known/oauth-authorization-server` says whether PKCE (S256) is supported (4.3+);
   the flow always sends it and always keeps the client secret, which older servers need.
3. The browser sign-in (app.adapters.oauth.connect), then `POST /oauth/token` with the code,
   the verifier and the client's id and secret; `GET /api/v1/accounts/verify_credentials`
   for who connected and `GET /api/v2/instance` for the instance's limits.

Or a token the user made in Preferences → Development (`connect_with_token`). The token and
the client secret go to the vault (Credentials), never to the account's settings.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.http import Http, as_str
from app.adapters.oauth import Flow, OAuthError, SignIn, browser_flow, required
from app.core.clock import Clock, SystemClock
from app.core.logsetup import register_secret
from app.core.ports import (
    AppCredentials,
    AuthError,
    ConnectedAccount,
    Credentials,
    PublishError,
)
from app.platforms.mastodon import INSTANCE, NAME, wire
from app.platforms.names import Platform

CLIENT_NAME = "Herald"
WEBSITE = "https://github.com/herald-scheduler/herald"


def _config_for(config: AdapterConfig, instance: str) -> tuple[AdapterConfig, str]:
    """The config whose MASTODON endpoint is this instance (the emulator's when set)."""
    base = config.endpoints.get(NAME) or wire.instance_url(instance)
    return replace(config, endpoints={**config.endpoints, NAME: base}), base.rstrip("/")


def register_app(
    http: Http, base: str, redirect_uri: str, scopes: tuple[str, ...]
) -> AppCredentials:
    body = http.request(
        "POST",
        f"{base}/api/v1/apps",
        json={
            "client_name": CLIENT_NAME,
            "redirect_uris": redirect_uri,
            "scopes": " ".join(scopes),
            "website": WEBSITE,
        },
    ).json_dict()
    secret = as_str(body.get("client_secret"))
    register_secret(secret)  # masked in any log line from now on
    return AppCredentials(required(body, "client_id"), secret)


def app_still_known(http: Http, base: str, app: AppCredentials, scopes: tuple[str, ...]) -> bool:
    """Whether the instance still knows a registration (False on invalid_client)."""
    try:
        http.request(
            "POST",
            f"{base}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app.client_id,
                "client_secret": app.client_secret or "",
                "scope": " ".join(scopes),
            },
        )
    except AuthError:
        return False
    return True


def supports_pkce(http: Http, base: str) -> bool:
    """4.3+ lists S256 in its authorization-server metadata; older servers answer 404."""
    try:
        body = http.request("GET", f"{base}/.well-known/oauth-authorization-server").json_dict()
    except PublishError:
        return False
    methods = body.get("code_challenge_methods_supported")
    return isinstance(methods, list) and "S256" in methods


def account_from_token(
    http: Http, base: str, token: str, clock: Clock, extra: dict[str, Any] | None = None
) -> ConnectedAccount:
    """Who the token belongs to and the instance's limits, as a connected account."""
    auth = {"Authorization": f"Bearer {token}"}
    me = http.request("GET", f"{base}/api/v1/accounts/verify_credentials", headers=auth)
    user = me.json_dict()
    instance = http.request("GET", f"{base}/api/v2/instance", headers=auth).json_dict()
    domain = as_str(instance.get("domain")) or urlsplit(base).netloc
    username = required(user, "username")
    settings = {
        INSTANCE: base,
        wire.LIMITS: wire.limits_of(instance),
        wire.LIMITS_CHECKED: clock.now().isoformat(),
        "name": as_str(user.get("display_name")) or username,
    }
    return ConnectedAccount(
        platform=Platform(NAME),
        external_id=required(user, "id"),
        handle=f"@{username}@{domain}",
        credentials=Credentials(token, None, None, dict(extra or {})),
        settings=settings,
    )


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    base = flow.config.endpoint(NAME, "")
    body = flow.http.request(
        "POST",
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "code_verifier": verifier,
        },
    ).json_dict()
    token = required(body, "access_token")
    extra = {"client_id": app.client_id, "client_secret": app.client_secret or ""}
    extra["redirect_uri"] = redirect_uri  # what the registration allows, for a reconnect
    extra["scope"] = as_str(body.get("scope")) or ""
    return [account_from_token(flow.http, base, token, flow.clock, extra)]


def _authorize_page(config: AdapterConfig) -> str:
    return f"{config.endpoint(NAME, '')}/oauth/authorize"


def _run(instance: str, config: AdapterConfig, **options: Any) -> list[ConnectedAccount]:
    """`app.adapters.oauth.connect` for Mastodon: register on the instance, then sign in."""
    try:
        return [connect_mastodon(instance, config, **options)]
    except ValueError as exc:  # not an instance address
        raise OAuthError(str(exc)) from None


SIGN_IN = SignIn(
    authorize_endpoint=_authorize_page,
    scope_separator=" ",
    classify=wire.classify,
    exchange=exchange,
    read_limits=wire.rate_limit,
    run=_run,
)


def connect_mastodon(
    instance: str,
    config: AdapterConfig,
    *,
    known_app: AppCredentials | None = None,
    known_redirect: str | None = None,
    open_browser: Callable[[str], Any] = webbrowser.open,
    port: int | None = None,
    timeout: float = 300,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
    cancel: threading.Event | None = None,
) -> ConnectedAccount:
    """Register Herald on `instance` (or reuse `known_app`, registered for `known_redirect`),
    then the browser sign-in. Raises OAuthError (a message for a person) or ValueError for
    a bad address."""
    platform = Platform(NAME)
    clock = clock or SystemClock()
    cfg, base = _config_for(config, instance)
    listen_port = cfg.redirect_port(platform) if port is None else port
    known_port = urlsplit(known_redirect).port if known_redirect else None
    if listen_port == 0 and known_app is not None and known_port:
        listen_port = known_port  # any port will do: the one the registration names
    elif known_port != listen_port:
        known_app = None  # registered for another port: register again
    if listen_port == 0:  # any free port, but known now: the registration names it exactly
        listen_port = _free_port(cfg.redirect_host)
    redirect_uri = cfg.redirect_uri(platform, listen_port)
    scopes = cfg.scopes(platform)
    http = Http(platform, cfg, clock, wire.classify, client, read_limits=wire.rate_limit)
    try:
        app = known_app
        if app is None or not app_still_known(http, base, app, scopes):
            app = register_app(http, base, redirect_uri, scopes)
        pkce = supports_pkce(http, base)
    except PublishError as exc:
        raise OAuthError(f"Mastodon at {base}: {exc.message}") from None
    finally:
        http.close()
    accounts = browser_flow(
        platform,
        app,
        cfg,
        open_browser=open_browser,
        port=listen_port,
        timeout=timeout,
        client=client,
        clock=clock,
        cancel=cancel,
    )
    account = accounts[0]
    return replace(account, settings={**account.settings, "pkce": pkce})


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def connect_with_token(
    instance: str,
    token: str,
    config: AdapterConfig,
    *,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
) -> ConnectedAccount:
    """An account from a token made in the instance's Preferences → Development."""
    if not token.strip():
        raise OAuthError("The access token is empty.")
    clock = clock or SystemClock()
    cfg, base = _config_for(config, instance)
    http = Http(Platform(NAME), cfg, clock, wire.classify, client, read_limits=wire.rate_limit)
    register_secret(token.strip())
    try:
        return account_from_token(http, base, token.strip(), clock)
    except PublishError as exc:
        raise OAuthError(f"Mastodon at {base}: {exc.message}") from None
    finally:
        http.close()
