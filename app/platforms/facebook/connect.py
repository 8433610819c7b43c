"""Connecting Facebook Pages: Facebook Login's code for a user token, made long-lived, then
the Pages the user manages (one account each; a page token from a long-lived user token does
not expire)."""

from __future__ import annotations

from typing import Any

from app.adapters.config import AdapterConfig
from app.adapters.graph_sign_in import graph_sign_in
from app.adapters.http import as_str
from app.adapters.oauth import Flow, OAuthError, expiry, required
from app.core.logsetup import register_secret
from app.core.ports import AppCredentials, ConnectedAccount, Credentials
from app.platforms.facebook.adapter import classify_facebook, list_pages
from app.platforms.names import Platform


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    short = flow.http.request(
        "GET",
        cfg.graph("/oauth/access_token"),
        params={
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "redirect_uri": redirect_uri,
            "code": code,
            "code_verifier": verifier,
        },
    ).json_dict()
    long = flow.http.request(
        "GET",
        cfg.graph("/oauth/access_token"),
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "fb_exchange_token": required(short, "access_token"),
        },
    ).json_dict()
    user_token = required(long, "access_token")
    register_secret(user_token)
    user_expiry = expiry(flow, long)
    accounts = []
    for page in list_pages(flow.http, cfg, user_token):
        page_id, page_token = as_str(page.get("id")), as_str(page.get("access_token"))
        if not page_id or not page_token:
            continue
        extra: dict[str, Any] = {"user_token": user_token}
        if user_expiry:
            extra["user_token_expires_at"] = user_expiry.isoformat()
        # A page token from a long-lived user token does not expire.
        creds = Credentials(page_token, None, None, extra)
        settings = {"category": as_str(page.get("category"))} if page.get("category") else {}
        accounts.append(
            ConnectedAccount(
                Platform.FACEBOOK, page_id, as_str(page.get("name")) or page_id, creds, settings
            )
        )
    if not accounts:
        raise OAuthError("This Facebook account manages no Page that Herald may post to.")
    return accounts


def _authorize_page(config: AdapterConfig) -> str:
    return f"{config.facebook_web_base}/{config.graph_version}/dialog/oauth"


SIGN_IN = graph_sign_in(_authorize_page, classify_facebook, exchange)
