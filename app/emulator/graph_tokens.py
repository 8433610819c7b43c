"""The long-lived tokens of Instagram Login and Threads: a short-lived token exchanged for a
60-day one, and a long-lived token at least a day old refreshed for a new 60-day one.

    GET  {V}/access_token?grant_type=<exchange grant>&client_secret&access_token -> 60 days
    GET  {V}/refresh_access_token?grant_type=<refresh grant>&access_token  (>= 24 h old)

Each network names its own grant types (ig_exchange_token / ig_refresh_token,
th_exchange_token / th_refresh_token) and version segment. A refresh issues a new token
string; the old one stays valid until it expires.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.emulator import oauth
from app.emulator.graph import bad_param
from app.emulator.routes import RouteTable
from app.emulator.state import Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

LONG_TTL = 5184000  # 60 days
DAY = 86400

UserToken = Callable[["Emulator", Request], "Token | Response"]


def add_long_lived_routes(
    table: RouteTable,
    platform: str,
    version: str,
    user_token: UserToken,
    *,
    exchange_grant: str,
    refresh_grant: str,
) -> None:
    """Add the exchange and refresh endpoints (under the `version` pattern) to `table`."""

    def long_lived(emu: Emulator, old: Token) -> Response:
        tok = oauth.issue(
            emu, platform, "access", old.user_id, old.client_id, LONG_TTL, tag="at", long_lived=True
        )
        tok.scope = old.scope
        body = {"access_token": tok.value, "token_type": "bearer", "expires_in": LONG_TTL}
        return json_response(200, body)

    @table.add("GET", version + "/access_token", "token")
    def exchange(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
        if req.param("grant_type") != exchange_grant:
            return bad_param(f"(#100) grant_type must be {exchange_grant}")
        if not req.param("client_secret"):
            return bad_param("(#100) Missing client_secret parameter.")
        old = user_token(emu, req)
        if isinstance(old, Response):
            return old
        return long_lived(emu, old)

    @table.add("GET", version + "/refresh_access_token", "token")
    def refresh(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
        if req.param("grant_type") != refresh_grant:
            return bad_param(f"(#100) grant_type must be {refresh_grant}")
        old = user_token(emu, req)
        if isinstance(old, Response):
            return old
        if not old.long_lived:
            return bad_param("(#100) Only long-lived access tokens can be refreshed.")
        if emu.now_ts() - old.issued_at < DAY:
            return bad_param(
                "(#100) The access token must be at least 24 hours old to be refreshed."
            )
        return long_lived(emu, old)
