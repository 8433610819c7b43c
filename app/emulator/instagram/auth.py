"""Instagram Login under /instagram: authorize, code exchange, long-lived tokens, refresh, /me.

    GET  /oauth/authorize           302 with code, state (PKCE checked when a challenge is sent)
    POST /oauth/access_token        form -> {"access_token", "user_id"}: short-lived, 1 h
    GET  /access_token?grant_type=ig_exchange_token&client_secret&access_token -> 60 days
    GET  /refresh_access_token?grant_type=ig_refresh_token&access_token  (>= 24 h old) -> 60 days
    GET  /v25.0/me?fields=user_id,username

The OAuth endpoint answers errors in Instagram's older envelope
``{"error_type", "code", "error_message"}``; the graph.instagram.com endpoints use Graph's.
A refresh issues a new token string; the old one stays valid until it expires.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.emulator import graph, oauth
from app.emulator.graph_tokens import add_long_lived_routes
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import RouteTable
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "instagram"
SHORT_TTL = 3600
table = RouteTable()


def _old_oauth_error(message: str) -> Response:
    return json_response(
        400, {"error_type": "OAuthException", "code": 400, "error_message": message}
    )


def user_token(emu: Emulator, req: Request, user_id: str | None = None) -> Token | Response:
    result = graph.authenticate(emu, P, req)
    if isinstance(result, Token) and user_id is not None and user_id != result.user_id:
        return graph.no_object(user_id)
    return result


@table.add("GET", "/oauth/authorize", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req)


@table.add("POST", "/oauth/access_token", "token")
def access_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    for name in ("client_id", "client_secret", "grant_type", "redirect_uri", "code"):
        if not req.param(name):
            return _old_oauth_error(f"Missing required field {name}")
    if req.param("grant_type") != "authorization_code":
        return _old_oauth_error("Invalid grant_type")
    record = oauth.redeem_code(
        emu,
        P,
        code=req.param("code"),
        client_id=req.param("client_id"),
        redirect_uri=req.param("redirect_uri"),
        verifier=req.param("code_verifier"),
    )
    if isinstance(record, str):
        return _old_oauth_error(f"Error validating verification code: {record}")
    tok = oauth.issue(emu, P, "access", record.user_id, record.client_id, SHORT_TTL, tag="at")
    tok.scope = record.scope
    # Business Login answers the permissions granted too (comma-separated)
    permissions = ",".join(record.scope.replace(",", " ").split())
    body = {"access_token": tok.value, "user_id": int(record.user_id), "permissions": permissions}
    return json_response(200, body)


add_long_lived_routes(
    table, P, V, user_token, exchange_grant="ig_exchange_token", refresh_grant="ig_refresh_token"
)


@table.add("GET", V + "/me", "account")
def me(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    return json_response(200, {"user_id": user.id, "username": user.handle, "id": user.id})
