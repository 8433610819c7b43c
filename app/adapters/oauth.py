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

from app.adapters.config import AdapterConfig
from app.adapters.http import Http, as_dict, as_int, as_list, as_str
from app.core import platform_access as access
from app.core.clock import Clock, SystemClock
from app.core.logsetup import register_secret
from app.core.ports import (
    AppCredentials,
    ConnectedAccount,
    Credentials,
    PermanentError,
    PublishError,
)
from app.platforms.facebook.adapter import classify_facebook, list_pages
from app.platforms.instagram.adapter import LONG_LIVED, classify_instagram
from app.platforms.linkedin import LINKEDIN_VERSION
from app.platforms.linkedin.adapter import VERSION_INACTIVE, classify_linkedin, linkedin_credentials
from app.platforms.names import Platform
from app.platforms.twitter.adapter import classify_x

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
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
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
) -> list[ConnectedAccount]:
    """Run the browser sign-in for one platform; returns the accounts it grants (Facebook:
    one per Page, the caller lets the user pick). Raises OAuthError with a readable message.

    `linkedin_pages`: also ask for the company-page permissions and return the pages the
    member administers (LinkedIn's Community Management API product)."""
    platform = Platform(platform)
    clock = clock or SystemClock()
    state = generate_token(32)
    verifier = generate_token(64)  # 43..128 chars of the unreserved set (RFC 7636 §4.1)
    challenge = create_s256_code_challenge(verifier)
    listen_port = config.redirect_port(platform) if port is None else port
    listener = LoopbackListener(listen_port, config.redirect_path, config.redirect_host)
    http = _Flow(platform, config, clock, client)
    http.linkedin_pages = linkedin_pages and platform == Platform.LINKEDIN
    extra_scopes = config.linkedin_page_scopes if http.linkedin_pages else ()
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
        except Exception as exc:
            raise OAuthError(f"Herald could not open the browser ({type(exc).__name__}).") from None
        result = listener.wait(timeout, cancel)
    finally:
        listener.close()
    try:
        if result.error:
            if http.linkedin_pages and _names_page_scope(result):
                raise OAuthError(access.LINKEDIN_PAGES_NOT_GRANTED)
            raise OAuthError(
                f"{platform.label} did not grant access: {result.error_description or result.error}"
            )
        if not result.state or not hmac.compare_digest(result.state, state):
            raise OAuthError(
                "The sign-in answer did not match this request (state); nothing was connected."
            )
        if not result.code:
            raise OAuthError(f"{platform.label} sent no authorization code.")
        exchange = _EXCHANGES[platform]
        try:
            accounts = exchange(http, app, result.code, redirect_uri, verifier)
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
    endpoints = {
        Platform.TWITTER: (f"{config.x_web_base}/i/oauth2/authorize", config.x_scopes, " "),
        Platform.INSTAGRAM: (
            f"{config.instagram_web_base}/oauth/authorize",
            config.instagram_scopes,
            ",",
        ),
        Platform.LINKEDIN: (
            f"{config.linkedin_web_base}/oauth/v2/authorization",
            config.linkedin_scopes,
            " ",
        ),
        Platform.FACEBOOK: (
            f"{config.facebook_web_base}/{config.graph_version}/dialog/oauth",
            config.facebook_scopes,
            ",",
        ),
    }
    base, scopes, sep = endpoints[platform]
    scopes = tuple(dict.fromkeys((*scopes, *extra_scopes)))
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": sep.join(scopes),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{base}?{urlencode(params)}"


class _Flow:
    """The HTTP side of one connect: a client and the platform's error classification."""

    def __init__(
        self, platform: Platform, config: AdapterConfig, clock: Clock, client: httpx.Client | None
    ) -> None:
        classify = {
            Platform.TWITTER: classify_x,
            Platform.INSTAGRAM: classify_instagram,
            Platform.LINKEDIN: classify_linkedin,
            Platform.FACEBOOK: classify_facebook,
        }[platform]
        self.config = config
        self.clock = clock
        self.http = Http(platform, config, clock, classify, client)
        #: LinkedIn: the user asked to post as a company page too
        self.linkedin_pages = False

    def close(self) -> None:
        self.http.close()

    def now(self) -> datetime:
        return self.clock.now()


def _expiry(flow: _Flow, body: dict[str, Any]) -> datetime | None:
    seconds = as_int(body.get("expires_in"))
    return flow.now() + timedelta(seconds=seconds) if seconds > 0 else None


def _x_exchange(
    flow: _Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    kwargs: dict[str, Any] = {
        "data": {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": app.client_id,
        }
    }
    if app.client_secret:  # confidential client: HTTP Basic
        kwargs["auth"] = httpx.BasicAuth(app.client_id, app.client_secret)
    body = flow.http.request("POST", f"{cfg.x_api_base}/2/oauth2/token", **kwargs).json_dict()
    token = _required(body, "access_token")
    me = flow.http.request(
        "GET", f"{cfg.x_api_base}/2/users/me", headers={"Authorization": f"Bearer {token}"}
    ).json_dict()
    user = as_dict(me.get("data"))
    user_id = _required(user, "id")
    username = as_str(user.get("username")) or user_id
    extra = {"scope": body["scope"]} if isinstance(body.get("scope"), str) else {}
    creds = Credentials(token, as_str(body.get("refresh_token")), _expiry(flow, body), extra)
    return [
        ConnectedAccount(
            Platform.TWITTER, user_id, f"@{username}", creds, {"name": as_str(user.get("name"))}
        )
    ]


def _instagram_exchange(
    flow: _Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    body = flow.http.request(
        "POST",
        f"{cfg.instagram_api_base}/oauth/access_token",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
            "code_verifier": verifier,
        },
    ).json_dict()
    # Newer API versions wrap the answer in data[]; older ones answer flat.
    first = as_dict((as_list(body.get("data")) or [body])[0])
    short = _required(first, "access_token")
    long = flow.http.request(
        "GET",
        f"{cfg.instagram_graph_base}/access_token",
        params={
            "grant_type": "ig_exchange_token",
            "client_secret": app.client_secret or "",
            "access_token": short,
        },
    ).json_dict()
    token = _required(long, "access_token")
    expires = _expiry(flow, long) or flow.now() + LONG_LIVED
    me = flow.http.request(
        "GET",
        cfg.ig_graph("/me"),
        params={"fields": "user_id,username"},
        headers={"Authorization": f"Bearer {token}"},
    ).json_dict()
    user_id = as_str(me.get("user_id")) or as_str(first.get("user_id")) or _required(me, "id")
    username = as_str(me.get("username")) or user_id
    creds = Credentials(token, None, expires, {"token_issued_at": flow.now().isoformat()})
    return [ConnectedAccount(Platform.INSTAGRAM, user_id, f"@{username}", creds, {})]


def _linkedin_exchange(
    flow: _Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    body = flow.http.request(
        "POST",
        f"{cfg.linkedin_web_base}/oauth/v2/accessToken",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "code_verifier": verifier,
        },
    ).json_dict()
    creds = linkedin_credentials(body, flow.now())
    granted = access.parse_scopes(body.get("scope"))
    settings: dict[str, Any] = {}
    if granted is not None:
        settings[access.SCOPES_KEY] = access.scopes_setting(granted)
    auth = {"Authorization": f"Bearer {creds.access_token}"}
    info = flow.http.request(
        "GET", f"{cfg.linkedin_api_base}/v2/userinfo", headers=auth
    ).json_dict()
    sub = _required(info, "sub")
    name = as_str(info.get("name")) or sub
    accounts = [
        ConnectedAccount(
            Platform.LINKEDIN, f"urn:li:person:{sub}", name, creds, {"kind": "person", **settings}
        )
    ]
    if flow.linkedin_pages:
        if granted is not None and not {access.LI_ORG_ADMIN, access.LI_ORG_WRITE} <= granted:
            raise OAuthError(access.LINKEDIN_PAGES_NOT_GRANTED)
        accounts.extend(_linkedin_organizations(flow, creds, settings, required=True))
    elif granted is None or access.LI_ORG_ADMIN in granted:
        accounts.extend(_linkedin_organizations(flow, creds, settings, required=False))
    return accounts


def _linkedin_organizations(
    flow: _Flow, creds: Credentials, settings: dict[str, Any], *, required: bool
) -> list[ConnectedAccount]:
    """Pages the member administers (GET /rest/organizationAcls?q=roleAssignee, which needs
    rw_organization_admin). `required`: the user asked for pages, so a refusal is explained."""
    cfg = flow.config
    try:
        try:
            body = _organization_acls(flow, creds, cfg.linkedin_version)
        except PermanentError as exc:
            if exc.code != VERSION_INACTIVE or cfg.linkedin_version == LINKEDIN_VERSION:
                raise
            log.warning(
                "LinkedIn refused API version %s; trying %s", cfg.linkedin_version, LINKEDIN_VERSION
            )
            body = _organization_acls(flow, creds, LINKEDIN_VERSION)
    except PublishError as exc:
        if required and exc.status == 403:
            raise OAuthError(access.LINKEDIN_PAGES_NOT_GRANTED) from None
        if required:
            raise
        return []  # not granted or not offered: the person account alone
    result = []
    for element in as_list(body.get("elements")):
        element = as_dict(element)
        urn = as_str(element.get("organization")) or as_str(element.get("organizationalTarget"))
        if urn and access.is_linkedin_page(urn):
            name = as_str(element.get("organizationName")) or urn.rsplit(":", 1)[-1]
            result.append(
                ConnectedAccount(
                    Platform.LINKEDIN, urn, name, creds, {"kind": "organization", **settings}
                )
            )
    return result


def _organization_acls(flow: _Flow, creds: Credentials, version: str) -> dict[str, Any]:
    headers = {
        "Authorization": f"Bearer {creds.access_token}",
        "LinkedIn-Version": version,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    return flow.http.request(
        "GET",
        f"{flow.config.linkedin_api_base}/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        headers=headers,
    ).json_dict()


def _names_page_scope(result: CallbackResult) -> bool:
    """LinkedIn's authorize page refuses scopes the app lacks (unauthorized_scope_error)."""
    text = f"{result.error or ''} {result.error_description or ''}"
    return "scope" in text.lower() or any(s in text for s in access.LINKEDIN_PAGE_SCOPES)


def _facebook_exchange(
    flow: _Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    short = flow.http.request(
        "GET",
        cfg.graph("/oauth/access_token"),
        params={
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "redirect_uri": redirect_uri,
            "code": code,
            "code_verifier": verifier,
        },
    ).json_dict()
    long = flow.http.request(
        "GET",
        cfg.graph("/oauth/access_token"),
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "fb_exchange_token": _required(short, "access_token"),
        },
    ).json_dict()
    user_token = _required(long, "access_token")
    register_secret(user_token)
    user_expiry = _expiry(flow, long)
    accounts = []
    for page in list_pages(flow.http, cfg, user_token):
        page_id, page_token = as_str(page.get("id")), as_str(page.get("access_token"))
        if not page_id or not page_token:
            continue
        extra: dict[str, Any] = {"user_token": user_token}
        if user_expiry:
            extra["user_token_expires_at"] = user_expiry.isoformat()
        # A page token from a long-lived user token does not expire.
        creds = Credentials(page_token, None, None, extra)
        settings = {"category": as_str(page.get("category"))} if page.get("category") else {}
        accounts.append(
            ConnectedAccount(
                Platform.FACEBOOK, page_id, as_str(page.get("name")) or page_id, creds, settings
            )
        )
    if not accounts:
        raise OAuthError("This Facebook account manages no Page that Herald may post to.")
    return accounts


def _required(body: dict[str, Any], key: str) -> str:
    value = as_str(body.get(key))
    if value is None:
        raise PermanentError(f"the answer had no {key}", code="malformed_response")
    return value


_EXCHANGES: dict[
    Platform, Callable[[_Flow, AppCredentials, str, str, str], list[ConnectedAccount]]
] = {
    Platform.TWITTER: _x_exchange,
    Platform.INSTAGRAM: _instagram_exchange,
    Platform.LINKEDIN: _linkedin_exchange,
    Platform.FACEBOOK: _facebook_exchange,
}
