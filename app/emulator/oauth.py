"""OAuth pieces shared by the four platforms: authorize, codes, PKCE, tokens, revocation.

The authorize endpoints approve at once (no page to click) and answer 302 to the loopback
`redirect_uri` with `code` and `state`. Only loopback redirect URIs are accepted
(http://127.0.0.1, http://[::1] or http://localhost, any port, any path, RFC 8252 §7.3);
anything else gets a plain 400 page and no redirect, as a real server does for an
unregistered URI. Authorization codes live 10 minutes (configurable) and are single-use.
PKCE (S256 or plain) is checked whenever a `code_challenge` was sent, and required by X.

Every token is an opaque random string (secrets.token_urlsafe) with a readable prefix:
``emu-x-at-`` / ``emu-x-rt-`` (X access / refresh), ``emu-ig-at-``, ``emu-li-at-`` /
``emu-li-rt-``, ``emu-fb-ut-`` (Facebook user) and ``emu-fb-pt-`` (Facebook page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.emulator.state import AuthCode, Token, User
from app.emulator.wire import Request, Response, add_query, redirect, text_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

SHORT = {
    "twitter": "x",
    "instagram": "ig",
    "linkedin": "li",
    "facebook": "fb",
    "bluesky": "bsky",
    "mastodon": "md",
    "threads": "th",
}
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def is_loopback_redirect(uri: str | None) -> bool:
    if not uri:
        return False
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "").lower() in LOOPBACK_HOSTS


def pkce_matches(challenge: str, method: str | None, verifier: str | None) -> bool:
    if not verifier or not 43 <= len(verifier) <= 128:
        return False
    if (method or "plain").upper() == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, challenge)


def basic_credentials(req: Request) -> tuple[str | None, str | None]:
    auth = req.header("Authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip()).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id or None, secret or None


def authorize(
    emu: Emulator, platform: str, req: Request, *, require_pkce: bool = False
) -> Response:
    q = req.query
    redirect_uri = q.get("redirect_uri")
    if not is_loopback_redirect(redirect_uri):
        return text_response(
            400,
            "Invalid redirect_uri: the emulator accepts only loopback redirects "
            "(http://127.0.0.1, http://[::1] or http://localhost, any port).",
        )
    assert redirect_uri is not None
    if not q.get("client_id"):
        return text_response(400, "Missing client_id.")
    state = q.get("state")

    def fail(error: str, description: str) -> Response:
        params = {"error": error, "error_description": description}
        if state is not None:
            params["state"] = state
        return redirect(add_query(redirect_uri, params))

    if q.get("response_type", "code") != "code":
        return fail("unsupported_response_type", "response_type must be code")
    challenge = q.get("code_challenge")
    method = q.get("code_challenge_method") or ("plain" if challenge else None)
    if require_pkce and not challenge:
        return fail("invalid_request", "code_challenge is required")
    if challenge and method not in ("S256", "plain"):
        return fail("invalid_request", "code_challenge_method must be S256 or plain")
    user = emu.resolve_user(platform, q.get("login_hint"))
    code = AuthCode(
        value=f"emu-{SHORT[platform]}-code-{secrets.token_urlsafe(24)}",
        platform=platform,
        client_id=q["client_id"],
        redirect_uri=redirect_uri,
        user_id=user.id,
        scope=q.get("scope", ""),
        challenge=challenge,
        method=method,
        expires_at=emu.now_ts() + emu.config.auth_code_ttl_s,
    )
    emu.state.codes[code.value] = code
    params = {"code": code.value}
    if state is not None:
        params["state"] = state
    return redirect(add_query(redirect_uri, params))


def redeem_code(
    emu: Emulator,
    platform: str,
    *,
    code: str | None,
    client_id: str | None,
    redirect_uri: str | None,
    verifier: str | None,
) -> AuthCode | str:
    """The code's record, now spent; or a description of why it is refused."""
    record = emu.state.codes.get(code or "")
    if record is None or record.platform != platform:
        return "authorization code is invalid"
    if record.used:
        return "authorization code was already used"
    if emu.now_ts() >= record.expires_at:
        return "authorization code has expired"
    if client_id and client_id != record.client_id:
        return "client_id does not match the authorization code"
    if redirect_uri is not None and redirect_uri != record.redirect_uri:
        return "redirect_uri does not match the authorization request"
    if record.challenge and not pkce_matches(record.challenge, record.method, verifier):
        return "code_verifier does not match the code_challenge"
    record.used = True
    return record


def issue(
    emu: Emulator,
    platform: str,
    kind: str,
    user: User | str,
    client_id: str,
    lifetime_s: float | None,
    *,
    tag: str,
    scope: str = "",
    long_lived: bool = False,
    page_id: str | None = None,
) -> Token:
    now = emu.now_ts()
    token = Token(
        value=f"emu-{SHORT[platform]}-{tag}-{secrets.token_urlsafe(32)}",
        kind=kind,
        platform=platform,
        user_id=user.id if isinstance(user, User) else user,
        client_id=client_id,
        issued_at=now,
        expires_at=None if lifetime_s is None else now + lifetime_s,
        scope=scope,
        long_lived=long_lived,
        page_id=page_id,
    )
    return emu.state.add_token(token)


def token_problem(emu: Emulator, platform: str, value: str | None, kinds: tuple[str, ...]) -> str:
    """Why `value` cannot be used ("" when it can): missing, invalid, revoked, expired, used."""
    if not value:
        return "missing"
    token = emu.state.tokens.get(value)
    if token is None or token.platform != platform or token.kind not in kinds:
        return "invalid"
    if token.revoked:
        return "revoked"
    if token.used:
        return "used"
    if token.expires_at is not None and emu.now_ts() >= token.expires_at:
        return "expired"
    return ""


def valid_token(
    emu: Emulator, platform: str, value: str | None, kinds: tuple[str, ...] = ("access",)
) -> Token | None:
    if token_problem(emu, platform, value, kinds):
        return None
    return emu.state.tokens[value or ""]


def revoke(emu: Emulator, platform: str, user_id: str | None = None) -> int:
    """Revoke every token (access, refresh, page) of a platform, or of one user there."""
    count = 0
    for token in emu.state.tokens.values():
        mine = token.platform == platform and (user_id is None or token.user_id == user_id)
        if mine and not token.revoked:
            token.revoked = True
            count += 1
    return count


def presented_token(req: Request) -> str | None:
    """The token a request carries: bearer, access_token, refresh_token or fb_exchange_token."""
    return (
        req.bearer()
        or req.param("access_token")
        or req.param("refresh_token")
        or req.param("fb_exchange_token")
    )
