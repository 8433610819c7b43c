"""What Meta's sign-ins share (Facebook Login, Instagram Login, Threads): Graph's error
classification and rate-limit headers, scopes joined with ",", and for Instagram and Threads
the short-lived token's exchange for a long-lived one and the `/me` of who connected.

Each network's connect.py keeps its own hosts, grant types and fields.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.adapters.config import AdapterConfig
from app.adapters.http import Classifier, graph_rate_limit
from app.adapters.oauth import Exchange, Flow, SignIn, expiry, required
from app.core.ports import AppCredentials


def graph_sign_in(
    authorize_endpoint: Callable[[AdapterConfig], str], classify: Classifier, exchange: Exchange
) -> SignIn:
    """A Meta network's SignIn (scopes joined with ",", Graph's rate-limit headers)."""
    return SignIn(
        authorize_endpoint=authorize_endpoint,
        scope_separator=",",
        classify=classify,
        exchange=exchange,
        read_limits=graph_rate_limit,
    )


def long_lived_token(
    flow: Flow,
    url: str,
    grant_type: str,
    app: AppCredentials,
    short: str,
    lifetime: timedelta,
) -> tuple[str, datetime]:
    """The long-lived token for the short-lived `short` (GET `url` with `grant_type`) and when
    it runs out (the answer's `expires_in`, else `lifetime` from now)."""
    long = flow.http.request(
        "GET",
        url,
        params={
            "grant_type": grant_type,
            "client_secret": app.client_secret or "",
            "access_token": short,
        },
    ).json_dict()
    token = required(long, "access_token")
    return token, expiry(flow, long) or flow.now() + lifetime


def who_connected(flow: Flow, url: str, fields: str, token: str) -> dict[str, Any]:
    """The `/me` answer (with `fields`) for the new token."""
    return flow.http.request(
        "GET", url, params={"fields": fields}, headers={"Authorization": f"Bearer {token}"}
    ).json_dict()
