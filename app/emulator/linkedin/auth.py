"""LinkedIn OAuth 2.0 under /linkedin: authorization, accessToken, OpenID userinfo.

    GET  /oauth/v2/authorization     302 with code, state (PKCE checked when a challenge is sent)
    POST /oauth/v2/accessToken       form; authorization_code (client_secret, or code_verifier
                                     for PKCE) or refresh_token grant
    GET  /v2/userinfo                {"sub", "name", "given_name", "family_name", ...}

Access tokens live 60 days (expires_in 5184000); refresh tokens 365 days. A refresh returns
a new access token and the same refresh token with its remaining lifetime (not extended).
API errors: ``{"message", "status", "serviceErrorCode"}`` with 65600 invalid, 65601 revoked,
65602 expired.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.emulator import oauth
from app.emulator.routes import RouteTable
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
ACCESS_TTL = 5184000
REFRESH_TTL = 31536000
table = RouteTable()


def li_error(status: int, message: str, **extra: Any) -> Response:
    return json_response(status, {"message": message, "status": status, **extra})


def token_error(problem: str) -> Response:
    if problem == "expired":
        return li_error(401, "The token used in the request has expired", serviceErrorCode=65602)
    if problem == "revoked":
        return li_error(
            401,
            "The token used in the request has been revoked by the user",
            serviceErrorCode=65601,
        )
    return li_error(401, "Invalid access token", serviceErrorCode=65600)


def auth(emu: Emulator, req: Request) -> Token | Response:
    value = req.bearer()
    problem = oauth.token_problem(emu, P, value, ("access",))
    return token_error(problem) if problem else emu.state.tokens[value or ""]


def oauth_error(description: str, error: str = "invalid_request") -> Response:
    return json_response(400, {"error": error, "error_description": description})


@table.add("GET", "/oauth/v2/authorization", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req)


@table.add("POST", "/oauth/v2/accessToken", "token")
def access_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    basic_id, basic_secret = oauth.basic_credentials(req)
    client_id = req.form.get("client_id") or basic_id
    secret = req.form.get("client_secret") or basic_secret
    if not client_id:
        return oauth_error('A required parameter "client_id" is missing')
    grant = req.form.get("grant_type")
    now = emu.now_ts()
    if grant == "authorization_code":
        if not secret and not req.form.get("code_verifier"):
            return oauth_error('A required parameter "client_secret" is missing')
        record = oauth.redeem_code(
            emu,
            P,
            code=req.form.get("code"),
            client_id=client_id,
            redirect_uri=req.form.get("redirect_uri") or "",
            verifier=req.form.get("code_verifier"),
        )
        if isinstance(record, str):
            return oauth_error(
                "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                "match authorization code. Or authorization code expired. Or external member "
                "binding exists",
                "invalid_grant" if "expired" in record else "invalid_request",
            )
        access = oauth.issue(emu, P, "access", record.user_id, client_id, ACCESS_TTL, tag="at")
        refresh = oauth.issue(emu, P, "refresh", record.user_id, client_id, REFRESH_TTL, tag="rt")
        access.scope = refresh.scope = record.scope
        body = {
            "access_token": access.value,
            "expires_in": ACCESS_TTL,
            "refresh_token": refresh.value,
            "refresh_token_expires_in": REFRESH_TTL,
            "scope": ",".join(s for s in re.split(r"[\s,]+", record.scope) if s),
        }
        return json_response(200, body)
    if grant == "refresh_token":
        value = req.form.get("refresh_token")
        if not secret:
            return oauth_error('A required parameter "client_secret" is missing')
        problem = oauth.token_problem(emu, P, value, ("refresh",))
        if problem or emu.state.tokens[value or ""].client_id != client_id:
            return oauth_error(
                "The provided authorization grant or refresh token is invalid, expired or revoked",
                "invalid_grant",
            )
        old = emu.state.tokens[value or ""]
        access = oauth.issue(emu, P, "access", old.user_id, client_id, ACCESS_TTL, tag="at")
        access.scope = old.scope
        remaining = int((old.expires_at or now) - now)
        body = {
            "access_token": access.value,
            "expires_in": ACCESS_TTL,
            "refresh_token": old.value,
            "refresh_token_expires_in": remaining,
            "scope": ",".join(s for s in re.split(r"[\s,]+", old.scope) if s),
        }
        return json_response(200, body)
    return oauth_error("Unsupported grant_type", "unsupported_grant_type")


@table.add("GET", "/v2/userinfo", "account")
def userinfo(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = auth(emu, req)
    if isinstance(tok, Response):
        return tok
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    given, _, family = user.name.partition(" ")
    # The documented sample (sign-in-with-linkedin-v2): locale is a string like "en-US".
    body: dict[str, Any] = {
        "sub": user.id,
        "name": user.name,
        "given_name": given,
        "family_name": family,
        "picture": f"https://media.licdn.com/dms/image/emulator/{user.id}/profile-displayphoto-shrink_100_100/0/",
        "locale": "en-US",
    }
    if "email" in granted(tok):
        body["email"] = f"{user.id}@example.com"
        body["email_verified"] = True
    return json_response(200, body)


def version_inactive(version: str) -> Response:
    """LinkedIn's answer to a sunset (or not yet released) version, as recorded in n8n-io/n8n
    issue 14737."""
    return json_response(
        426,
        {
            "status": 426,
            "code": "NONEXISTENT_VERSION",
            "message": f"Requested version {version} is not active",
        },
    )


def version_problem(emu: Emulator, req: Request) -> Response | None:
    version = req.header("LinkedIn-Version")
    if not version:
        return json_response(
            400,
            {
                "status": 400,
                "code": "VERSION_MISSING",
                "message": "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
            },
        )
    m = re.fullmatch(r"(\d{4})(\d{2})(?:\.\d{2})?", version.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        return version_inactive(version)
    month = int(m[1] + m[2])
    newest = emu.config.linkedin_newest_version
    if month < emu.config.linkedin_oldest_version or (newest and month > newest):
        return version_inactive(version)
    return None


def rest_auth(emu: Emulator, req: Request) -> Token | Response:
    """The gate of every /rest call: a valid LinkedIn-Version header, then the bearer token."""
    return version_problem(emu, req) or auth(emu, req)


def granted(tok: Token) -> set[str]:
    return {s for s in re.split(r"[\s,]+", tok.scope or "") if s}


def scope_refused(tok: Token, needed: tuple[str, ...], resource: str) -> Response | None:
    """403 unless the token holds one of `needed` (as LinkedIn answers a missing permission)."""
    if granted(tok) & set(needed):
        return None
    return li_error(
        403,
        f"Not enough permissions to access: {resource}",
        serviceErrorCode=100,
        code="ACCESS_DENIED",
    )
