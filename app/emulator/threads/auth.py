"""Threads OAuth under /threads: authorize, code exchange, long-lived tokens, refresh, /me.

    GET  /oauth/authorize            302 with code, state (Threads documents no PKCE: a
                                     code_challenge is ignored)
    POST /oauth/access_token         form -> {"access_token", "user_id"}: short-lived, 1 h
    GET  /access_token?grant_type=th_exchange_token&client_secret&access_token -> 60 days
    GET  /refresh_access_token?grant_type=th_refresh_token&access_token  (>= 24 h old)
    GET  /v1.0/me?fields=id,username

Errors use Graph's envelope (code 190 for a bad token, 100 for a bad parameter).
Answers follow tests/contract/recorded/threads/ (pyfacebook's recorded token bodies).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.emulator import graph, oauth
from app.emulator.graph import bad_param
from app.emulator.graph_tokens import add_long_lived_routes
from app.emulator.routes import RouteTable
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "threads"
V = r"(?:/v1\.0)?"
SHORT_TTL = 3600
table = RouteTable()


def user_token(emu: Emulator, req: Request, user_id: str | None = None) -> Token | Response:
    result = graph.authenticate(emu, P, req)
    if isinstance(result, Token) and user_id not in (None, "me", result.user_id):
        return graph.no_object(user_id or "")
    return result


@table.add("GET", "/oauth/authorize", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    req.query.pop("code_challenge", None)
    req.query.pop("code_challenge_method", None)
    return oauth.authorize(emu, P, req)


@table.add("POST", V + "/oauth/access_token", "token")
def access_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    for name in ("client_id", "client_secret", "grant_type", "redirect_uri", "code"):
        if not req.param(name):
            return bad_param(f"(#100) Missing required parameter {name}")
    if req.param("grant_type") != "authorization_code":
        return bad_param("(#100) Invalid grant_type")
    record = oauth.redeem_code(
        emu,
        P,
        code=req.param("code"),
        client_id=req.param("client_id"),
        redirect_uri=req.param("redirect_uri"),
        verifier=None,
    )
    if isinstance(record, str):
        return graph.graph_error(400, f"Error validating verification code: {record}", 100)
    tok = oauth.issue(emu, P, "access", record.user_id, record.client_id, SHORT_TTL, tag="at")
    tok.scope = record.scope
    return json_response(200, {"access_token": tok.value, "user_id": int(record.user_id)})


add_long_lived_routes(
    table, P, V, user_token, exchange_grant="th_exchange_token", refresh_grant="th_refresh_token"
)


@table.add("GET", V + "/me", "account")
def me(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = user_token(emu, req)
    if isinstance(tok, Response):
        return tok
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    return json_response(200, {"id": user.id, "username": user.handle})
