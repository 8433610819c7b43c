"""Mastodon's app registration and OAuth under /mastodon, and who a token belongs to.

    POST /api/v1/apps                           client_name, redirect_uris, scopes, website
    GET  /.well-known/oauth-authorization-server   4.3+ metadata (404 when mastodon_pkce=0)
    GET  /oauth/authorize                       302 with code and state to a registered URI
    POST /oauth/token                           authorization_code (client id + secret, PKCE
                                                verifier when a challenge was sent) or
                                                client_credentials; tokens never expire
    GET  /api/v1/accounts/verify_credentials    the token's account
    GET  /api/v2/instance                       the instance and its limits

Bodies follow the responses Mastodon.py's test suite recorded against a real 4.6 server
(tests/contract/recorded/mastodon/). Registered apps live in memory (not the state file).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.emulator import oauth
from app.emulator.routes import RouteTable
from app.emulator.state import Token, User
from app.emulator.wire import Request, Response, json_response, text_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "mastodon"
OOB = "urn:ietf:wg:oauth:2.0:oob"
KNOWN_SCOPES = re.compile(r"(read|write|follow|push|profile|admin:\w+)(:\w+)?")
VAPID = "BAhxXyHfAoMqrZECjRI56F5QrE4ynVlkZFMdKSpTIsWRNoWUVgut-Bnz2xsMSwiN4AF0b4I7ixF24OwiicOJivw="
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
table = RouteTable()


@dataclass
class App:
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uris: list[str]
    client_id: str
    client_secret: str
    tokens: list[str] = field(default_factory=list)


#: the emulator's fixed app (app.adapters.source.EMULATOR_APP), registered from the start
#: with every loopback redirect, as every emulated network accepts it
DEMO_APP = ("herald-demo", "demo-secret")
ANY_LOOPBACK = "*loopback*"


def apps(emu: Emulator) -> dict[str, App]:
    """The registered apps (by client_id), kept beside the state (a reset forgets them)."""
    found: dict[str, App] | None = getattr(emu.state, "mastodon_apps", None)
    if found is None:
        client_id, secret = DEMO_APP
        demo = App("1", "Herald", None, ["read", "write"], [ANY_LOOPBACK], client_id, secret)
        found = {client_id: demo}
        emu.state.mastodon_apps = found  # type: ignore[attr-defined]
    return found


def redirect_allowed(app: App, uri: str | None) -> bool:
    if ANY_LOOPBACK in app.redirect_uris:
        return oauth.is_loopback_redirect(uri)
    return uri in app.redirect_uris


def error(status: int, message: str, description: str | None = None) -> Response:
    body = {"error": message}
    if description:
        body["error_description"] = description
    return json_response(status, body)


def base(req: Request) -> str:
    return f"http://{req.header('Host') or '127.0.0.1'}/{P}"


def _list_param(req: Request, name: str) -> list[str]:
    body = req.json()
    value: Any = body.get(name) if isinstance(body, dict) else req.param(name)
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value or "").split()


# ---------------------------------------------------------------------- apps
@table.add("POST", "/api/v1/apps", "account")
def register(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    name = (req.param("client_name") or "").strip()
    uris = _list_param(req, "redirect_uris")
    scopes = _list_param(req, "scopes") or ["read"]
    if not name:
        return error(422, "Validation failed: Application name can't be blank")
    if not uris or any(u != OOB and not oauth.is_loopback_redirect(u) for u in uris):
        return error(422, "Validation failed: Redirect URI must be an absolute URI.")
    if any(not KNOWN_SCOPES.fullmatch(s) for s in scopes):
        return error(422, "Validation failed: Scopes are invalid")
    app = App(
        id=emu.state.new_id("md_app"),
        name=name,
        website=req.param("website") or None,
        scopes=scopes,
        redirect_uris=uris,
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
    )
    apps(emu)[app.client_id] = app
    return json_response(200, app_body(app, with_secret=True))


def app_body(app: App, *, with_secret: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": app.id,
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes,
        "redirect_uris": app.redirect_uris,
        "vapid_key": VAPID,
        "redirect_uri": "\n".join(app.redirect_uris),
    }
    if with_secret:
        out.update(client_id=app.client_id, client_secret=app.client_secret)
        out["client_secret_expires_at"] = 0
    return out


@table.add("GET", r"/\.well-known/oauth-authorization-server", "authorize")
def discovery(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    if not emu.config.mastodon_pkce:
        return error(404, "Record not found")
    b = base(req)
    return json_response(
        200,
        {
            "issuer": f"{b}/",
            "authorization_endpoint": f"{b}/oauth/authorize",
            "token_endpoint": f"{b}/oauth/token",
            "revocation_endpoint": f"{b}/oauth/revoke",
            "userinfo_endpoint": f"{b}/oauth/userinfo",
            "scopes_supported": ["read", "write", "read:statuses", "write:statuses", "write:media"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "service_documentation": "https://docs.joinmastodon.org/",
            "app_registration_endpoint": f"{b}/api/v1/apps",
        },
    )


# ---------------------------------------------------------------------- oauth
def _covered(wanted: str, granted: list[str]) -> bool:
    """Whether a requested scope is within the app's (`write` covers `write:statuses`)."""
    return wanted in granted or wanted.split(":")[0] in granted


@table.add("GET", "/oauth/authorize", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    app = apps(emu).get(req.query.get("client_id", ""))
    if app is None:
        return text_response(401, "Client authentication failed due to unknown client.")
    if not redirect_allowed(app, req.query.get("redirect_uri")):
        return text_response(400, "The redirect uri included is not valid.")
    scopes = (req.query.get("scope") or "read").split()
    if not all(_covered(s, app.scopes) for s in scopes):
        from app.emulator.wire import add_query, redirect

        params = {"error": "invalid_scope", "error_description": "The requested scope is invalid."}
        if "state" in req.query:
            params["state"] = req.query["state"]
        return redirect(add_query(req.query["redirect_uri"], params))
    return oauth.authorize(emu, P, req)


def _client(emu: Emulator, req: Request) -> App | None:
    client_id, secret = oauth.basic_credentials(req)
    client_id = client_id or req.param("client_id")
    secret = secret or req.param("client_secret")
    app = apps(emu).get(client_id or "")
    if app is None or not secret or not secrets.compare_digest(secret, app.client_secret):
        return None
    return app


@table.add("POST", "/oauth/token", "token")
def token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    app = _client(emu, req)
    if app is None:
        return error(401, "invalid_client", INVALID_CLIENT)
    grant = req.param("grant_type")
    if grant == "client_credentials":
        tok = oauth.issue(emu, P, "app", "", app.client_id, None, tag="app", scope="read")
        return _token_body(emu, tok)
    if grant != "authorization_code":
        return error(
            400, "unsupported_grant_type", "The authorization grant type is not supported."
        )
    record = oauth.redeem_code(
        emu,
        P,
        code=req.param("code"),
        client_id=app.client_id,
        redirect_uri=req.param("redirect_uri"),
        verifier=req.param("code_verifier"),
    )
    if isinstance(record, str):
        return error(400, "invalid_grant", INVALID_GRANT)
    tok = oauth.issue(
        emu, P, "access", record.user_id, app.client_id, None, tag="at", scope=record.scope
    )
    app.tokens.append(tok.value)
    return _token_body(emu, tok)


def _token_body(emu: Emulator, tok: Token) -> Response:
    return json_response(
        200,
        {
            "access_token": tok.value,
            "token_type": "Bearer",
            "scope": tok.scope,
            "created_at": int(tok.issued_at),
        },
    )


# ---------------------------------------------------------------------- who
def user_token(emu: Emulator, req: Request, scope: str | None = None) -> Token | Response:
    """The request's user token, or Mastodon's 401/403 answer."""
    value = req.bearer()
    if not value:
        return error(401, "The access token is invalid")
    tok = oauth.valid_token(emu, P, value)
    if tok is None:
        return error(401, "The access token is invalid")
    if scope is not None and not _covered(scope, tok.scope.split() or ["read"]):
        return error(403, "This action is outside the authorized scopes")
    return tok


def account_body(user: User, req: Request, statuses: int = 0) -> dict[str, Any]:
    b = base(req)
    return {
        "id": user.id,
        "username": user.handle,
        "acct": user.handle,
        "display_name": user.name,
        "locked": False,
        "bot": False,
        "discoverable": None,
        "indexable": False,
        "group": False,
        "created_at": "2026-01-01T00:00:00.000Z",
        "note": "",
        "url": f"{b}/@{user.handle}",
        "uri": f"{b}/users/{user.handle}",
        "avatar": f"{b}/avatars/original/missing.png",
        "avatar_static": f"{b}/avatars/original/missing.png",
        "header": f"{b}/headers/original/missing.png",
        "header_static": f"{b}/headers/original/missing.png",
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": statuses,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }


@table.add("GET", "/api/v1/accounts/verify_credentials", "account")
def verify_credentials(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    user = emu.state.find_user(P, user_id=tok.user_id)
    if user is None:
        return error(401, "The access token is invalid")
    count = sum(1 for p in emu.state.posts if p.platform == P and p.account == user.id)
    body = account_body(user, req, count)
    body["source"] = {"privacy": "public", "sensitive": False, "language": "", "note": ""}
    return json_response(200, body)


@table.add("GET", "/api/v2/instance", "account")
def instance(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    host = req.header("Host") or "127.0.0.1"
    return json_response(
        200,
        {
            "domain": host,
            "title": "Herald emulator",
            "version": "4.6.4" if emu.config.mastodon_pkce else "4.2.10",
            "source_url": "https://github.com/mastodon/mastodon",
            "description": "An emulated Mastodon instance for Herald's tests and demo.",
            "languages": ["en"],
            "configuration": {
                "statuses": {
                    "max_characters": emu.config.mastodon_max_characters,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "description_limit": 1500,
                    "image_matrix_limit": 33177600,
                    "image_size_limit": 16777216,
                    "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "video/mp4"],
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8294400,
                    "video_size_limit": 103809024,
                },
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "api_versions": {"mastodon": 11},
            "contact": {"email": "", "account": None},
            "rules": [],
        },
    )
