"""Bluesky sessions on the emulator: createSession with a handle (or DID) and any non-empty app
password of a known account, refreshSession with single-use refresh tokens, and the XRPC
error bodies the reference PDS answers (recorded in tests/contract/recorded/bluesky/).

Access tokens live 2 hours, refresh tokens 90 days (the reference PDS's lifetimes); both are
JWT-shaped (header.payload.signature, payload with `sub` and `exp`) so a client can read the
expiry as it does from the real PDS. The signature is random: only the emulator checks them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

from app.emulator.state import Token, User
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "bluesky"
ACCESS_S = 2 * 3600
REFRESH_S = 90 * 86400
#: the password the emulator refuses (any other non-empty one signs a known account in)
WRONG_PASSWORD = "wrong-password"


def xrpc_error(status: int, name: str, message: str) -> Response:
    return json_response(status, {"error": name, "message": message})


def new_did(handle: str) -> str:
    """A did:plc-shaped identifier (24 base32 characters) for a handle."""
    digest = hashlib.sha256(handle.lower().encode()).digest()[:15]
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def _jwt(kind: str, did: str, exp: float) -> str:
    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    typ = "at+jwt" if kind == "access" else "refresh+jwt"
    payload = {"sub": did, "exp": int(exp), "jti": secrets.token_urlsafe(12)}
    return f"{part({'typ': typ, 'alg': 'HS256'})}.{part(payload)}.{secrets.token_urlsafe(32)}"


def did_doc(req: Request, user: User) -> dict[str, Any]:
    """The account's DID document; its PDS is this emulator (as the request reached it)."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": user.id,
        "alsoKnownAs": [f"at://{user.handle}"],
        "service": [
            {
                "id": "#atproto_pds",
                "type": "AtprotoPersonalDataServer",
                "serviceEndpoint": f"http://{req.header('Host') or '127.0.0.1'}/{P}",
            }
        ],
    }


def issue_session(emu: Emulator, user: User) -> dict[str, Any]:
    now = emu.now_ts()
    tokens = {}
    for kind, life in (("access", ACCESS_S), ("refresh", REFRESH_S)):
        value = _jwt(kind, user.id, now + life)
        emu.state.add_token(
            Token(value, kind, P, user.id, "app-password", now, now + life, scope="atproto")
        )
        tokens[kind] = value
    return {
        "did": user.id,
        "handle": user.handle,
        "accessJwt": tokens["access"],
        "refreshJwt": tokens["refresh"],
        "active": True,
    }


def find_account(emu: Emulator, identifier: str) -> User | None:
    ident = identifier.strip().lstrip("@").lower()
    if ident.startswith("did:"):
        return emu.state.find_user(P, user_id=ident)
    return emu.state.find_user(P, handle=ident)


def token_of(emu: Emulator, req: Request, kind: str = "access") -> Token | Response:
    """The session a request carries, or the PDS's error for it."""
    value = req.bearer()
    if not value:
        return xrpc_error(401, "AuthMissing", "Authentication Required")
    token = emu.state.tokens.get(value)
    if token is None or token.platform != P or token.revoked:
        return xrpc_error(400, "InvalidToken", "Token could not be verified")
    if token.kind != kind:
        return xrpc_error(400, "InvalidToken", "Bad token scope")
    if token.used:
        return xrpc_error(400, "ExpiredToken", "Token has been revoked")
    if token.expires_at is not None and emu.now_ts() >= token.expires_at:
        return xrpc_error(400, "ExpiredToken", "Token has expired")
    return token


def create_session(emu: Emulator, req: Request) -> Response:
    body = req.json()
    if not isinstance(body, dict) or not body.get("identifier") or not body.get("password"):
        return xrpc_error(400, "InvalidRequest", 'Input must have the property "identifier"')
    user = find_account(emu, str(body["identifier"]))
    if user is None or body["password"] == WRONG_PASSWORD:
        return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
    session = issue_session(emu, user)
    session["didDoc"] = did_doc(req, user)
    return json_response(200, session)


def refresh_session(emu: Emulator, req: Request) -> Response:
    token = token_of(emu, req, "refresh")
    if isinstance(token, Response):
        return token
    token.used = True  # single use (the real PDS allows a short grace period)
    user = emu.state.find_user(P, user_id=token.user_id)
    if user is None:
        return xrpc_error(400, "InvalidToken", "Token could not be verified")
    return json_response(200, issue_session(emu, user))
