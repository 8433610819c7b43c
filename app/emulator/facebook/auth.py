"""Facebook Login under /facebook, page tokens, and the hourly call budget every call pays.

    GET  /v25.0/dialog/oauth                302 with code, state
    GET  /v25.0/oauth/access_token?client_id&redirect_uri&client_secret&code   short-lived 1 h
    GET  /v25.0/oauth/access_token?grant_type=fb_exchange_token&...           ~60 days
    GET  /v25.0/me, /v25.0/me/accounts      page tokens: no expiry from a long-lived user
                                            token, 1 h from a short-lived one

`graph_api` authenticates a Graph call and counts it against `facebook_calls_per_hour`
(a moving hour) per page token (then code 32) or per user token (then code 4), reporting the
usage in X-Page-Usage / X-App-Usage.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.emulator import graph, oauth
from app.emulator.graph import bad_param, graph_error
from app.emulator.routes import GRAPH_VERSION as V
from app.emulator.routes import Handler, RouteTable
from app.emulator.state import Token, User
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "facebook"
SHORT_TTL = 3600
LONG_TTL = 5183944
HOUR = 3600
table = RouteTable()


def _throttle_key(tok: Token) -> tuple[str, int]:
    return (f"fb:page:{tok.page_id}", 32) if tok.kind == "page" else (f"fb:user:{tok.user_id}", 4)


FBHandler = Callable[["Emulator", Request, "re.Match[str]", Token], Response]


def graph_api(kinds: tuple[str, ...] = ("access", "page")) -> Callable[[FBHandler], Handler]:
    """Authenticate, count the call against the hourly budget, report usage headers."""

    def wrap(fn: FBHandler) -> Handler:
        def handler(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
            with emu.lock:
                tok = graph.authenticate(emu, P, req, kinds)
                if isinstance(tok, Response):
                    return tok
                key, code = _throttle_key(tok)
                limit = emu.config.facebook_calls_per_hour
                q = emu.state.limits.moving(key, limit, HOUR, emu.now_ts())
                if not q.allowed:
                    return graph.throttled(code, q.reset - emu.now_ts(), tok.page_id or "")
            resp = fn(emu, req, m, tok)
            header = "X-Page-Usage" if tok.kind == "page" else "X-App-Usage"
            return resp.with_header(header, graph.usage_header(q.used, q.limit))

        return handler

    return wrap


@table.add("GET", V + "/dialog/oauth", "authorize")
def dialog(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req)


@table.add("GET", V + "/oauth/access_token", "token")
def access_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    client_id = req.param("client_id")
    if not client_id:
        return bad_param("Missing client_id parameter.")
    if not req.param("client_secret"):
        return bad_param("Missing client_secret parameter.")
    if req.param("grant_type") == "fb_exchange_token":
        value = req.param("fb_exchange_token")
        problem = oauth.token_problem(emu, P, value, ("access",))
        if problem:
            return graph.token_error(problem)
        old = emu.state.tokens[value or ""]
        tok = oauth.issue(
            emu, P, "access", old.user_id, client_id, LONG_TTL, tag="ut", long_lived=True
        )
        tok.scope = old.scope
        return json_response(
            200, {"access_token": tok.value, "token_type": "bearer", "expires_in": LONG_TTL}
        )
    if not req.param("code"):
        return bad_param("Missing code parameter.")
    record = oauth.redeem_code(
        emu,
        P,
        code=req.param("code"),
        client_id=client_id,
        redirect_uri=req.param("redirect_uri") or "",
        verifier=req.param("code_verifier"),
    )
    if isinstance(record, str):
        if "redirect_uri" in record:
            return bad_param(
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                36008,
            )
        if "already used" in record:
            return bad_param("This authorization code has been used.", 36009)
        return bad_param(f"Invalid verification code format. ({record})", 36007)
    tok = oauth.issue(emu, P, "access", record.user_id, client_id, SHORT_TTL, tag="ut")
    tok.scope = record.scope
    body = {"access_token": tok.value, "token_type": "bearer", "expires_in": SHORT_TTL}
    return json_response(200, body)


def page_owner(emu: Emulator, tok: Token) -> User:
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    return user


@table.add("GET", V + "/me", "account", locked=False)
@graph_api()
def me(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    with emu.lock:
        user = page_owner(emu, tok)
    if tok.kind == "page":
        return json_response(200, {"id": user.page_id, "name": user.page_name})
    return json_response(200, {"id": user.id, "name": user.name})


@table.add("GET", V + "/me/accounts", "account", locked=False)
@graph_api(("access",))
def accounts(emu: Emulator, req: Request, m: re.Match[str], tok: Token) -> Response:
    with emu.lock:
        user = page_owner(emu, tok)
        page_token = emu.state.tokens.get(tok.page_token or "")
        if page_token is None:
            lifetime = None if tok.long_lived else (tok.expires_at or 0) - emu.now_ts()
            page_token = oauth.issue(
                emu, P, "page", user, tok.client_id, lifetime, tag="pt", page_id=user.page_id
            )
            page_token.scope = tok.scope  # a page token carries what the person granted
            tok.page_token = page_token.value
        item = {
            "access_token": page_token.value,
            "category": "Software",
            "category_list": [{"id": "2211", "name": "Software"}],
            "name": user.page_name,
            "id": user.page_id,
            "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"],
        }
    return json_response(200, {"data": [item], "paging": {"cursors": {"before": "", "after": ""}}})


def page_problem(emu: Emulator, tok: Token, page_id: str) -> Response | None:
    """Why `tok` may not publish on `page_id` (None when it may): page tokens only."""
    if tok.kind != "page":
        return graph_error(
            403,
            "(#200) If posting to a page, requires both pages_read_engagement and "
            "pages_manage_posts as an admin with sufficient administrative permission",
            200,
        )
    if tok.page_id != page_id:
        return graph.no_object(page_id)
    return None
