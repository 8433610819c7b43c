"""X OAuth 2.0 (Authorization Code + PKCE) under /x: authorize, token, revoke.

Access tokens last 2 h. A refresh token is issued only with the `offline.access` scope; it
rotates and is single-use (a spent one is refused with X's own "Value passed for the token
was invalid."). Refresh tokens otherwise live 180 days. Confidential clients may send
`Authorization: Basic` (any non-empty secret); public clients send `client_id` in the form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import oauth
from app.emulator.routes import RouteTable
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "twitter"
ACCESS_TTL = 7200
REFRESH_TTL = 180 * 86400
table = RouteTable()


def oauth_error(description: str, error: str = "invalid_request") -> Response:
    return json_response(400, {"error": error, "error_description": description})


@table.add("GET", "/i/oauth2/authorize", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req, require_pkce=True)


def _issue_pair(emu: Emulator, user_id: str, client_id: str, scope: str) -> dict[str, Any]:
    access = oauth.issue(emu, P, "access", user_id, client_id, ACCESS_TTL, tag="at", scope=scope)
    body: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": ACCESS_TTL,
        "access_token": access.value,
        "scope": scope,
    }
    if "offline.access" in scope.split():
        refresh = oauth.issue(
            emu, P, "refresh", user_id, client_id, REFRESH_TTL, tag="rt", scope=scope
        )
        body["refresh_token"] = refresh.value
    return body


@table.add("POST", "/2/oauth2/token", "token")
def token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    basic_id, basic_secret = oauth.basic_credentials(req)
    if req.header("Authorization") and not (basic_id and basic_secret):
        return json_response(401, {"error": "invalid_client", "error_description": "Bad client"})
    client_id = req.form.get("client_id") or basic_id
    if not client_id:
        return oauth_error("Missing required parameter [client_id].")
    grant = req.form.get("grant_type")
    if grant == "authorization_code":
        for name in ("code", "redirect_uri", "code_verifier"):
            if not req.form.get(name):
                return oauth_error(f"Missing required parameter [{name}].")
        record = oauth.redeem_code(
            emu,
            P,
            code=req.form["code"],
            client_id=client_id,
            redirect_uri=req.form["redirect_uri"],
            verifier=req.form["code_verifier"],
        )
        if isinstance(record, str):
            return oauth_error("Value passed for the authorization code was invalid.")
        return json_response(200, _issue_pair(emu, record.user_id, client_id, record.scope))
    if grant == "refresh_token":
        value = req.form.get("refresh_token")
        if oauth.token_problem(emu, P, value, ("refresh",)):
            return oauth_error("Value passed for the token was invalid.")
        old = emu.state.tokens[value or ""]
        if old.client_id != client_id:
            return oauth_error("Value passed for the token was invalid.")
        old.used = True  # rotation: a refresh token works once
        return json_response(200, _issue_pair(emu, old.user_id, client_id, old.scope))
    return oauth_error("Unsupported grant type.", "unsupported_grant_type")


@table.add("POST", "/2/oauth2/revoke", "token")
def revoke_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    record = emu.state.tokens.get(req.form.get("token") or "")
    if record is not None and record.platform == P:
        record.revoked = True
    return json_response(200, {"revoked": True})
