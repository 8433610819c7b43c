"""Connecting an X account: OAuth 2.0 with PKCE ("Native App"; a secret makes it confidential),
then GET /2/users/me for who connected."""

from __future__ import annotations

from typing import Any

import httpx

from app.adapters.config import AdapterConfig
from app.adapters.http import as_dict, as_str, x_rate_limit
from app.adapters.oauth import Flow, SignIn, expiry, required
from app.core.ports import AppCredentials, ConnectedAccount, Credentials
from app.platforms.names import Platform
from app.platforms.twitter.adapter import classify_x


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
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
    token = required(body, "access_token")
    me = flow.http.request(
        "GET", f"{cfg.x_api_base}/2/users/me", headers={"Authorization": f"Bearer {token}"}
    ).json_dict()
    user = as_dict(me.get("data"))
    user_id = required(user, "id")
    username = as_str(user.get("username")) or user_id
    extra = {"scope": body["scope"]} if isinstance(body.get("scope"), str) else {}
    creds = Credentials(token, as_str(body.get("refresh_token")), expiry(flow, body), extra)
    return [
        ConnectedAccount(
            Platform.TWITTER, user_id, f"@{username}", creds, {"name": as_str(user.get("name"))}
        )
    ]


def _authorize_page(config: AdapterConfig) -> str:
    return f"{config.x_web_base}/i/oauth2/authorize"


SIGN_IN = SignIn(
    authorize_endpoint=_authorize_page,
    scope_separator=" ",
    classify=classify_x,
    exchange=exchange,
    read_limits=lambda headers, scope, now: x_rate_limit(headers, scope),
)
