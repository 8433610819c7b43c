"""OAuth 1.0a request signing (HMAC-SHA1) through authlib, as an httpx auth.

authlib's own httpx integration drops non-form bodies (it signs and then sends an empty
body for JSON and multipart requests), so we use its core `ClientAuth` to compute the
Authorization header and leave the body as it is. Per RFC 5849 §3.4.1.3 only form-encoded
bodies take part in the signature; JSON and multipart bodies do not.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx
from authlib.oauth1 import ClientAuth

FORM = "application/x-www-form-urlencoded"


class Signer(ClientAuth):
    """authlib's ClientAuth with a fixed nonce/timestamp (for test vectors) and the choice to
    omit oauth_version (RFC 5849 §1.2's examples have none)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        token: str | None = None,
        token_secret: str | None = None,
        *,
        redirect_uri: str | None = None,
        verifier: str | None = None,
        realm: str | None = None,
        nonce: str | None = None,
        timestamp: str | None = None,
        include_version: bool = True,
    ) -> None:
        super().__init__(
            client_id,
            client_secret=client_secret,
            token=token,
            token_secret=token_secret,
            redirect_uri=redirect_uri,
            verifier=verifier,
            realm=realm,
        )
        self._nonce = nonce
        self._timestamp = timestamp
        self._include_version = include_version

    def get_oauth_params(self, nonce: str, timestamp: str) -> list[tuple[str, str]]:
        params = super().get_oauth_params(self._nonce or nonce, self._timestamp or timestamp)
        if not self._include_version:
            params = [(k, v) for k, v in params if k != "oauth_version"]
        return params

    def authorization(
        self, method: str, url: str, content_type: str = "", body: bytes = b""
    ) -> str:
        """The Authorization header value for this request."""
        headers = {"Content-Type": content_type} if content_type else {}
        signed_body: bytes | str = b""
        if FORM in content_type and body:
            signed_body = body.decode("utf-8")
        _, signed_headers, _ = self.sign(method, url, headers, signed_body)
        return str(signed_headers["Authorization"])


class OAuth1(httpx.Auth):
    """httpx auth that adds an OAuth 1.0a Authorization header and keeps the body intact."""

    requires_request_body = True

    def __init__(self, client_id: str, client_secret: str, token: str, token_secret: str) -> None:
        self._signer = Signer(client_id, client_secret, token, token_secret)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        content_type = request.headers.get("Content-Type", "")
        request.headers["Authorization"] = self._signer.authorization(
            request.method, str(request.url), content_type, request.content
        )
        yield request
