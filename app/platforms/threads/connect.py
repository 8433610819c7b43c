"""Connecting a Threads profile: threads.com/oauth/authorize, the code for a short-lived token
(POST graph.threads.net/oauth/access_token), that for a 60-day one (th_exchange_token), then
/me for who connected."""

from __future__ import annotations

from app.adapters.graph_sign_in import graph_sign_in, long_lived_token, who_connected
from app.adapters.http import as_str
from app.adapters.oauth import Flow, required
from app.core.ports import AppCredentials, ConnectedAccount, Credentials
from app.platforms.names import Platform
from app.platforms.threads.wire import (
    LONG_LIVED,
    authorize_page,
    classify_threads,
    graph_base,
    graph_url,
)


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    base = graph_base(flow.config)
    first = flow.http.request(
        "POST",
        f"{base}/oauth/access_token",
        data={
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        },
    ).json_dict()
    short = required(first, "access_token")
    token, expires = long_lived_token(
        flow, f"{base}/access_token", "th_exchange_token", app, short, LONG_LIVED
    )
    me = who_connected(flow, graph_url(flow.config, "/me"), "id,username", token)
    user_id = as_str(me.get("id")) or required(first, "user_id")
    username = as_str(me.get("username")) or user_id
    creds = Credentials(token, None, expires, {"token_issued_at": flow.now().isoformat()})
    return [ConnectedAccount(Platform.THREADS, user_id, f"@{username}", creds, {})]


SIGN_IN = graph_sign_in(authorize_page, classify_threads, exchange)
