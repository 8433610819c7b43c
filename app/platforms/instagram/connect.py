"""Connecting an Instagram professional account (Instagram Login): the code for a short-lived
token, that for a long-lived one (60 days), then /me for who connected."""

from __future__ import annotations

from app.adapters.config import AdapterConfig
from app.adapters.graph_sign_in import graph_sign_in, long_lived_token, who_connected
from app.adapters.http import as_dict, as_list, as_str
from app.adapters.oauth import Flow, required
from app.core.ports import AppCredentials, ConnectedAccount, Credentials
from app.platforms.instagram.adapter import LONG_LIVED, classify_instagram
from app.platforms.names import Platform
from app.platforms.scopes import SCOPES_KEY, parse_scopes, scopes_setting


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    body = flow.http.request(
        "POST",
        f"{cfg.instagram_api_base}/oauth/access_token",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
            "code_verifier": verifier,
        },
    ).json_dict()
    # Newer API versions wrap the answer in data[]; older ones answer flat.
    first = as_dict((as_list(body.get("data")) or [body])[0])
    short = required(first, "access_token")
    token, expires = long_lived_token(
        flow,
        f"{cfg.instagram_graph_base}/access_token",
        "ig_exchange_token",
        app,
        short,
        LONG_LIVED,
    )
    me = who_connected(flow, cfg.ig_graph("/me"), "user_id,username", token)
    user_id = as_str(me.get("user_id")) or as_str(first.get("user_id")) or required(me, "id")
    username = as_str(me.get("username")) or user_id
    creds = Credentials(token, None, expires, {"token_issued_at": flow.now().isoformat()})
    # "a list of permissions the app user granted your app" (Business Login for Instagram):
    # kept, so a first comment without instagram_business_manage_comments is refused early
    granted = parse_scopes(first.get("permissions"))
    settings = {SCOPES_KEY: scopes_setting(granted)} if granted else {}
    return [ConnectedAccount(Platform.INSTAGRAM, user_id, f"@{username}", creds, settings)]


def _authorize_page(config: AdapterConfig) -> str:
    return f"{config.instagram_web_base}/oauth/authorize"


SIGN_IN = graph_sign_in(_authorize_page, classify_instagram, exchange)
