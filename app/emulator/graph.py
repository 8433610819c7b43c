"""Meta Graph conventions shared by Facebook, Instagram and Threads: error envelope, tokens,
times, an account's own posts listing, insights answers, the API's fault and not-found answers.

Error envelope: ``{"error": {"message", "type", "code", "error_subcode", "is_transient",
"error_user_title", "error_user_msg", "fbtrace_id"}}``. HTTP status: 400 for client errors
(190 invalid token included, with a ``WWW-Authenticate: OAuth "Facebook Platform"`` header),
403 for permission errors (10, 200), 400 for throttling codes (4, 17, 32, 613, 9 — Graph does
not use 429), 500/502/503 for the transient codes 1 and 2.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.emulator import paging
from app.emulator.oauth import token_problem
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import Post, Token
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator


def graph_error(
    status: int,
    message: str,
    code: int,
    *,
    subcode: int | None = None,
    type_: str = "OAuthException",
    transient: bool = False,
    user_title: str | None = None,
    user_msg: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    error: dict[str, Any] = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["is_transient"] = transient
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return json_response(status, {"error": error}, headers)


def bad_param(message: str, subcode: int | None = None) -> Response:
    return graph_error(400, message, 100, subcode=subcode)


def no_object(object_id: str) -> Response:
    return graph_error(
        400,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        100,
        subcode=33,
        type_="GraphMethodException",
    )


def token_error(problem: str) -> Response:
    if problem == "missing":
        return graph_error(400, "An access token is required to request this resource.", 104)
    messages = {
        "expired": ("Error validating access token: Session has expired.", 463),
        "revoked": (
            "Error validating access token: The session has been invalidated because the user "
            "changed their password or Facebook has changed the session for security reasons.",
            460,
        ),
        "used": ("Error validating access token: Session has expired.", 463),
    }
    message, subcode = messages.get(
        problem, ("Invalid OAuth access token - Cannot parse access token", None)
    )
    auth = f'OAuth "Facebook Platform" "invalid_token" "{message}"'
    return graph_error(400, message, 190, subcode=subcode, headers={"WWW-Authenticate": auth})


def authenticate(
    emu: Emulator, platform: str, req: Request, kinds: tuple[str, ...] = ("access",)
) -> Token | Response:
    value = req.bearer() or req.param("access_token")
    problem = token_problem(emu, platform, value, kinds)
    if problem:
        return token_error(problem)
    return emu.state.tokens[value or ""]


def graph_time(ts: float) -> str:
    """2026-01-05T14:00:00+0000, Graph's timestamp format."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def usage_header(used: int, limit: int) -> str:
    pct = min(100, round(100 * used / limit)) if limit else 100
    return json.dumps({"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2})


def throttled(code: int, reset_in: float, object_id: str = "") -> Response:
    messages = {
        4: "(#4) Application request limit reached",
        17: "(#17) User request limit reached",
        32: "(#32) Page request limit reached",
        613: "(#613) Calls to this api have exceeded the rate limit.",
    }
    minutes = max(1, int((reset_in + 59) // 60))
    buc = {
        object_id or "0": [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 100,
                "total_time": 100,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    }
    headers = {
        "X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 100, "total_time": 100}),
        "X-Business-Use-Case-Usage": json.dumps(buc),
    }
    message = messages.get(code, f"({code}) Request limit reached")
    return graph_error(400, message, code, transient=True, headers=headers)


def fault(platform: str, kind: str, params: dict[str, Any], object_id: str = "") -> Response:
    if kind in ("500", "502", "503"):
        if kind == "500":
            return graph_error(500, "An unknown error has occurred.", 1, transient=True)
        return graph_error(
            int(kind),
            "An unexpected error has occurred. Please retry your request later.",
            2,
            transient=True,
        )
    if kind == "429":
        default = 32 if platform == "facebook" else 4
        return throttled(
            int(params.get("code", default)), float(params.get("reset_in", 60)), object_id
        )
    if kind == "invalid_token":
        return token_error("expired")
    if kind == "duplicate":
        if platform == "facebook":
            return duplicate_post()
        return graph_error(
            400,
            "(#506) Duplicate content: this media was already published.",
            506,
            subcode=2207051,
            user_title="Duplicate post",
            user_msg="This content was already published.",
        )
    return graph_error(500, "An unknown error has occurred.", 1, transient=True)


def duplicate_post() -> Response:
    return graph_error(
        400,
        "Duplicate status message",
        506,
        subcode=1455006,
        user_title="Duplicate Status Update",
        user_msg="This status update is identical to the last one you posted. Try posting "
        "something different, or delete your previous update.",
    )


def split_fields(spec: str | None) -> list[str]:
    """Split a Graph `fields` list at top-level commas: a,b.summary(true),c{d,e} -> 3 names."""
    out, depth, cur = [], 0, ""
    for ch in spec or "":
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


# ---------------------------------------------------------------------- a Graph API's parts
def platform_api(key: str, prefix: str, table: RouteTable) -> PlatformAPI:
    """A Graph network's API: its route table, Graph's fault answers and Graph's answer to an
    unknown path."""

    def fault_response(
        emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
    ) -> Response:
        return fault(key, kind, params)

    return PlatformAPI(
        key=key, prefix=prefix, table=table, fault_response=fault_response, not_found=not_found
    )


def not_found(req: Request) -> Response:
    return graph_error(400, "Unknown path components: " + req.path, 2500)


def own_posts(
    emu: Emulator,
    req: Request,
    platform: str,
    account: str,
    render: Callable[[Post], dict[str, Any]],
) -> Response:
    """An account's own posts, newest first, with Graph cursor paging (`limit`, `after`,
    `before`) and the listing's `since`/`until`; `render(post)`: one post's object."""
    limit = paging.graph_limit(req)
    visible = paging.graph_window(req)
    try:
        page = paging.paginate(
            paging.account_posts(emu, platform, account),
            visible,
            limit,
            **paging.graph_cursors(req),
        )
    except paging.BadCursor:
        return bad_param("(#100) Invalid pagination cursor.")
    data = [render(p) for p in page.items]
    return json_response(200, paging.graph_body(req, page, data, limit))


def metric_names(req: Request, known: tuple[str, ...]) -> list[str] | Response:
    """The `metric` names asked for, or Graph's refusal naming the first unknown one."""
    names = [n.strip() for n in (req.param("metric") or "").split(",") if n.strip()]
    if not names:
        return bad_param("(#100) The parameter metric is required.")
    for name in names:
        if name not in known:
            return bad_param(
                f"(#100) metric[{names.index(name)}] must be one of the following values: "
                + ", ".join(known)
            )
    return names


def insight_entries(
    object_id: str,
    names: list[str],
    values: dict[str, Any],
    title: Callable[[str], str],
    description: Callable[[str], str],
) -> list[dict[str, Any]]:
    """An insights answer's `data`: one lifetime value a metric asked for."""
    return [
        {
            "name": name,
            "period": "lifetime",
            "values": [{"value": values[name]}],
            "title": title(name),
            "description": description(name),
            "id": f"{object_id}/insights/{name}/lifetime",
        }
        for name in names
    ]
