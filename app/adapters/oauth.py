"""Connecting accounts: the RFC 8252 desktop flow.

Open the system browser at the platform's authorize page; receive the redirect on a
loopback listener bound to 127.0.0.1 (a fixed port per platform by default, because the
platforms match registered redirect URIs exactly); PKCE S256 and `state` always; the
listener serves one callback and closes, or gives up after a timeout. Then exchange the
code, make tokens long-lived where the platform allows (Meta), and look up who connected.
"""

from __future__ import annotations

import hmac
import html
import logging
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from app import platforms
from app.adapters.config import AdapterConfig
from app.adapters.http import Classifier, Http, RateLimitReader, as_int, as_str
from app.adapters.registry import load_object
from app.core.clock import Clock, SystemClock
from app.core.logsetup import register_secret
from app.core.ports import (
    AppCredentials,
    ConnectedAccount,
    PermanentError,
    PublishError,
)
from app.platforms.names import Platform

log = logging.getLogger(__name__)

DONE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Herald</title></head>
<body style="font-family:sans-serif;margin:3em"><h2>{title}</h2><p>{text}</p></body></html>"""


class OAuthError(RuntimeError):
    """The sign-in did not complete; the message is meant for a person."""


class OAuthTimeout(OAuthError):
    pass


@dataclass(frozen=True)
class CallbackResult:
    code: str | None
    state: str | None
    error: str | None = None
    error_description: str | None = None


class LoopbackListener:
    """Receives one OAuth redirect on http://127.0.0.1:{port}{path}, then closes.

    Requests to other paths (a browser's /favicon.ico) get a 404 and do not count.
    """

    def __init__(self, port: int = 0, path: str = "/callback", host: str = "127.0.0.1") -> None:
        self.path = path
        self._result: CallbackResult | None = None
        self._done = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != listener.path or listener._done.is_set():
                    self.send_error(404)
                    return
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                result = CallbackResult(
                    code=q.get("code"),
                    state=q.get("state"),
                    error=q.get("error"),
                    error_description=q.get("error_description") or q.get("error_message"),
                )
                if result.error:
                    title = "Sign-in was not completed"
                    text = html.escape(result.error_description or result.error)
                else:
                    title = "Herald is connected"
                    text = "You can close this tab and return to Herald."
                page = DONE_PAGE.format(title=title, text=text).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(page)
                listener._result = result
                listener._done.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query string holds the authorization code

        try:
            self._server = HTTPServer((host, port), Handler)
        except OSError as exc:
            raise OAuthError(
                f"Herald cannot listen on {host}:{port} for the sign-in ({exc.strerror}); close "
                "the program using that port or change the redirect port in the settings."
            ) from None
        self._server.timeout = 0.1
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> LoopbackListener:
        self._thread = threading.Thread(target=self._serve, name="herald-oauth-listener")
        self._thread.start()
        return self

    def _serve(self) -> None:
        while not self._done.is_set() and not self._stop.is_set():
            self._server.handle_request()  # returns after `timeout` when idle

    def wait(self, timeout: float, cancel: threading.Event | None = None) -> CallbackResult:
        """Block until the redirect arrives; OAuthTimeout after `timeout` seconds."""
        step = 0.1
        waited = 0.0
        while not self._done.wait(step):
            waited += step
            if cancel is not None and cancel.is_set():
                raise OAuthError("Sign-in cancelled.")
            if waited >= timeout:
                raise OAuthTimeout("The sign-in took too long; nothing was connected. Try again.")
        assert self._result is not None
        return self._result

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._server.server_close()

    def __enter__(self) -> LoopbackListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def loopback_browser(url: str) -> bool:
    """An `open_browser` for the emulator and tests: follow the authorize redirect to the
    loopback listener with plain HTTP, as a browser would, without a browser."""
    with httpx.Client(timeout=10.0, follow_redirects=False) as client:
        resp = client.get(url)
        location = resp.headers.get("location")
        if resp.status_code not in (301, 302, 303, 307, 308) or not location:
            raise OAuthError(
                f"The authorize page answered HTTP {resp.status_code} without a redirect."
            )
        client.get(location)
    return True


# ---------------------------------------------------------------- the flow


def sign_in_for(platform: Platform) -> SignIn:
    """A network's side of the flow: the object its descriptor's `connect` names."""
    descriptor = platforms.get(platform)
    if not descriptor.connect:
        raise OAuthError(f"Herald cannot connect {descriptor.display_name} accounts yet.")
    sign_in = load_object(descriptor.connect)
    if not isinstance(sign_in, SignIn):
        raise TypeError(f"{descriptor.connect} is not an app.adapters.oauth.SignIn")
    return sign_in


def connect(
    platform: Platform,
    app: AppCredentials,
    config: AdapterConfig,
    *,
    open_browser: Callable[[str], Any] = webbrowser.open,
    port: int | None = None,
    timeout: float = 300,
    login_hint: str | None = None,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
    cancel: threading.Event | None = None,
    linkedin_pages: bool = False,
    instance: str | None = None,
) -> list[ConnectedAccount]:
    """Run the browser sign-in for one platform; returns the accounts it grants (Facebook:
    one per Page, the caller lets the user pick). Raises OAuthError with a readable message.

    `linkedin_pages`: also ask for the network's optional scopes (its descriptor's
    `auth.extra_scopes`; LinkedIn: the company-page permissions, so the pages the member
    administers are returned too). Ignored for a network that has none.

    `instance`: the server of a network whose sign-in is its own flow (`SignIn.run`: Mastodon
    registers Herald on the instance first); `app` is then not used. A network that signs in
    with an app password (Bluesky) connects the emulator's account here, never a browser."""
    if platforms.get(Platform(platform)).auth.kind == "app-password":
        from app.adapters.password_sign_in import sign_in_without_browser

        return sign_in_without_browser(Platform(platform), config, clock)
    sign_in = sign_in_for(Platform(platform))
    if sign_in.run is not None:
        return sign_in.run(
            instance or "",
            config,
            open_browser=open_browser,
            port=port,
            timeout=timeout,
            client=client,
            clock=clock,
            cancel=cancel,
        )
    return browser_flow(
        platform,
        app,
        config,
        open_browser=open_browser,
        port=port,
        timeout=timeout,
        login_hint=login_hint,
        client=client,
        clock=clock,
        cancel=cancel,
        linkedin_pages=linkedin_pages,
    )


def browser_flow(
    platform: Platform,
    app: AppCredentials,
    config: AdapterConfig,
    *,
    open_browser: Callable[[str], Any] = webbrowser.open,
    port: int | None = None,
    timeout: float = 300,
    login_hint: str | None = None,
    client: httpx.Client | None = None,
    clock: Clock | None = None,
    cancel: threading.Event | None = None,
    linkedin_pages: bool = False,
) -> list[ConnectedAccount]:
    """The browser sign-in itself (see `connect`), with the developer app `app`."""
    platform = Platform(platform)
    sign_in = sign_in_for(platform)
    clock = clock or SystemClock()
    state = generate_token(32)
    verifier = generate_token(64)  # 43..128 chars of the unreserved set (RFC 7636 §4.1)
    challenge = create_s256_code_challenge(verifier)
    listen_port = config.redirect_port(platform) if port is None else port
    listener = LoopbackListener(listen_port, config.redirect_path, config.redirect_host)
    http = Flow(platform, config, clock, client)
    extra_scopes = platforms.get(platform).auth.extra_scopes if linkedin_pages else ()
    http.extra = bool(extra_scopes)
    try:
        listener.start()
        redirect_uri = config.redirect_uri(platform, listener.port)
        url = authorize_url(
            platform, app, config, redirect_uri, state, challenge, login_hint, extra_scopes
        )
        log.info("opening the browser to connect %s", platform.label)
        try:
            open_browser(url)
        except OAuthError:
            raise
        except Exception as exc:  # noqa: BLE001 a boundary: reported, never raised further
            raise OAuthError(f"Herald could not open the browser ({type(exc).__name__}).") from None
        result = listener.wait(timeout, cancel)
    finally:
        listener.close()
    try:
        if result.error:
            refused = (
                sign_in.extra_refused(result) if http.extra and sign_in.extra_refused else None
            )
            if refused:
                raise OAuthError(refused)
            raise OAuthError(
                f"{platform.label} did not grant access: {result.error_description or result.error}"
            )
        if not result.state or not hmac.compare_digest(result.state, state):
            raise OAuthError(
                "The sign-in answer did not match this request (state); nothing was connected."
            )
        if not result.code:
            raise OAuthError(f"{platform.label} sent no authorization code.")
        try:
            accounts = sign_in.exchange(http, app, result.code, redirect_uri, verifier)
        except PublishError as exc:
            raise OAuthError(f"{platform.label}: {exc.message}") from None
        for account in accounts:
            register_secret(account.credentials.access_token)
            register_secret(account.credentials.refresh_token)
        return accounts
    finally:
        http.close()


def authorize_url(
    platform: Platform,
    app: AppCredentials,
    config: AdapterConfig,
    redirect_uri: str,
    state: str,
    challenge: str,
    login_hint: str | None = None,
    extra_scopes: tuple[str, ...] = (),
) -> str:
    sign_in = sign_in_for(platform)
    scopes = tuple(dict.fromkeys((*config.scopes(platform), *extra_scopes)))
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": sign_in.scope_separator.join(scopes),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{sign_in.authorize_endpoint(config)}?{urlencode(params)}"


class Flow:
    """The HTTP side of one connect: a client and the platform's error classification."""

    def __init__(
        self, platform: Platform, config: AdapterConfig, clock: Clock, client: httpx.Client | None
    ) -> None:
        self.config = config
        self.clock = clock
        sign_in = sign_in_for(platform)
        self.http = Http(
            platform, config, clock, sign_in.classify, client, read_limits=sign_in.read_limits
        )
        #: the user asked for the network's optional scopes too (LinkedIn: company pages)
        self.extra = False

    def close(self) -> None:
        self.http.close()

    def now(self) -> datetime:
        return self.clock.now()


#: a network's exchange: (flow, app, code, redirect_uri, PKCE verifier) -> the accounts granted
Exchange = Callable[[Flow, AppCredentials, str, str, str], list[ConnectedAccount]]


@dataclass(frozen=True)
class SignIn:
    """One network's side of the connect flow; `app/platforms/<net>/connect.py` defines one
    and the descriptor names it (connect="app.platforms.<net>.connect:SIGN_IN")."""

    #: the authorize page, from the config (which knows the real and the emulator hosts)
    authorize_endpoint: Callable[[AdapterConfig], str]
    #: how the network joins scopes in the authorize URL (RFC 6749 says " "; Meta uses ",")
    scope_separator: str
    #: the network's error classification (its adapter's) for the token and profile calls
    classify: Classifier
    exchange: Exchange
    #: a readable refusal when the optional scopes were asked for and the authorize page
    #: refused (None: the platform's own words are shown)
    extra_refused: Callable[[CallbackResult], str | None] | None = None
    #: how to read the network's rate-limit headers (its adapter's), or None
    read_limits: RateLimitReader | None = None
    #: the whole sign-in, for a network with its own flow (instance, config, **options) ->
    #: the accounts granted; `connect` then hands over to it
    run: Callable[..., list[ConnectedAccount]] | None = None


def expiry(flow: Flow, body: dict[str, Any]) -> datetime | None:
    """When a token answer's `expires_in` (seconds) runs out, or None without one."""
    seconds = as_int(body.get("expires_in"))
    return flow.now() + timedelta(seconds=seconds) if seconds > 0 else None


def required(body: dict[str, Any], key: str) -> str:
    """A string field the answer must carry; a missing one is a malformed answer."""
    value = as_str(body.get(key))
    if value is None:
        raise PermanentError(f"the answer had no {key}", code="malformed_response")
    return value
