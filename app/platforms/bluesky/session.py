"""Sessions and identity: createSession / refreshSession (an app password's session) and
handle → DID → DID document → PDS host (default https://bsky.social).

Sources: lexicons com/atproto/server/createSession.json, refreshSession.json,
com/atproto/identity/resolveHandle.json; atproto specs "DID" (did:plc documents from the
PLC directory, did:web from /.well-known/did.json) and "Identity" (the #atproto_pds service).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.adapters.http import Http, as_dict, as_list, as_str
from app.core.logsetup import register_secret
from app.core.ports import AuthError, Credentials, PermanentError

XRPC = "/xrpc/"
DEFAULT_PLC = "https://plc.directory"


@dataclass(frozen=True)
class Session:
    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    pds: str

    def credentials(self) -> Credentials:
        return Credentials(self.access_jwt, self.refresh_jwt, jwt_expiry(self.access_jwt), extra={})


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` of a JWT (read, not verified: only the PDS can verify it), or None."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(data["exp"]), UTC)
    except (IndexError, ValueError, KeyError, TypeError, OverflowError):
        return None


def pds_of(did_doc: Any) -> str | None:
    """The #atproto_pds service endpoint of a DID document."""
    for service in as_list(as_dict(did_doc).get("service")):
        entry = as_dict(service)
        if str(entry.get("id", "")).endswith("#atproto_pds"):
            endpoint = as_str(entry.get("serviceEndpoint"))
            if endpoint:
                return endpoint.rstrip("/")
    return None


def xrpc(base: str, method: str) -> str:
    return f"{base.rstrip('/')}{XRPC}{method}"


def create_session(http: Http, service: str, identifier: str, password: str) -> Session:
    """Sign in with a handle (or e-mail) and an app password at `service`; the session's
    PDS is the one the DID document names (the service itself when it names none)."""
    if not identifier.strip() or not password:
        raise PermanentError("Enter the Bluesky handle and an app password.", code="missing")
    register_secret(password)
    body = http.request(
        "POST",
        xrpc(service, "com.atproto.server.createSession"),
        json={"identifier": identifier.strip().lstrip("@"), "password": password},
    ).json_dict()
    return _session(body, service)


def refresh_session(http: Http, pds: str, refresh_jwt: str | None) -> Session:
    """A new session from the refresh token (the PDS rotates it)."""
    if not refresh_jwt:
        raise AuthError("No Bluesky session to refresh; reconnect the account.", code="no_refresh")
    register_secret(refresh_jwt)
    body = http.request(
        "POST",
        xrpc(pds, "com.atproto.server.refreshSession"),
        headers={"Authorization": f"Bearer {refresh_jwt}"},
    ).json_dict()
    return _session(body, pds)


def _session(body: dict[str, Any], service: str) -> Session:
    did, handle = as_str(body.get("did")), as_str(body.get("handle"))
    access, refresh = as_str(body.get("accessJwt")), as_str(body.get("refreshJwt"))
    if not (did and handle and access and refresh):
        raise PermanentError("Bluesky's sign-in answer was incomplete.", code="malformed_response")
    register_secret(access)
    register_secret(refresh)
    pds = pds_of(body.get("didDoc")) or service.rstrip("/")
    return Session(did, handle, access, refresh, pds)


def resolve_handle(http: Http, service: str, handle: str) -> str | None:
    """The DID of `handle` (com.atproto.identity.resolveHandle), None when it has none."""
    try:
        body = http.request(
            "GET",
            xrpc(service, "com.atproto.identity.resolveHandle"),
            params={"handle": handle.lstrip("@")},
        ).json_dict()
    except PermanentError:
        return None
    did = as_str(body.get("did"))
    return did if did and did.startswith("did:") else None


def did_document(http: Http, did: str, plc: str = DEFAULT_PLC) -> dict[str, Any]:
    """A DID document: did:plc from the PLC directory, did:web from the host's well-known."""
    if did.startswith("did:plc:"):
        url = f"{plc.rstrip('/')}/{did}"
    elif did.startswith("did:web:"):
        url = f"https://{did.removeprefix('did:web:')}/.well-known/did.json"
    else:
        raise PermanentError(f"Herald cannot resolve {did!r}.", code="unsupported_did")
    return http.request("GET", url).json_dict()


def resolve_pds(http: Http, service: str, handle: str, plc: str = DEFAULT_PLC) -> str:
    """handle → DID → DID document → PDS host; `service` answers the first step."""
    did = resolve_handle(http, service, handle)
    if did is None:
        raise PermanentError(f"No Bluesky account has the handle {handle!r}.", code="no_handle")
    pds = pds_of(did_document(http, did, plc))
    if pds is None:
        raise PermanentError(f"{handle}'s DID document names no PDS.", code="no_pds")
    return pds
