"""Graph batch requests, for the emulated Graph networks (Facebook, Instagram, Threads).

developers.facebook.com/docs/graph-api/batch-requests: a POST to the Graph root with
`batch`, a JSON array of up to 50 requests (`method`, `relative_url`), is answered with an
array, in the requests' order, of `{"code", "headers", "body"}` (`body`: the JSON text), or
`null` for a request that got no answer. "Each call within the batch is counted separately
for the purposes of calculating API call limits": each request here is dispatched exactly
as if it had been sent alone (its own authentication, rate-limit counting, faults).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from app.emulator.graph import graph_error
from app.emulator.routes import GRAPH_VERSION, RouteTable
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

BATCH_LIMIT = 50
_VERSION = re.compile(r"^/v\d+\.\d+")


def register(table: RouteTable) -> None:
    """Serve batch requests at the network's Graph root (with or without a version)."""
    table.add("POST", GRAPH_VERSION, "metrics_batch", locked=False)(batch)


def _bad(message: str) -> Response:
    return graph_error(400, message, 100, type_="GraphBatchException")


def batch(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    raw = req.param("batch")
    try:
        items: Any = json.loads(raw) if raw else None
    except ValueError:
        return _bad("The parameter batch must be a JSON array")
    if not isinstance(items, list) or not items:
        return _bad("The parameter batch is required")
    if len(items) > BATCH_LIMIT:
        return _bad(f"Too many requests in batch message. Maximum batch size is {BATCH_LIMIT}")
    prefix = (req.raw_path or "/").lstrip("/").partition("/")[0]
    version = _VERSION.match(req.path)
    root = f"/{prefix}{version.group(0) if version else ''}"
    token = req.param("access_token")
    answers: list[dict[str, Any] | None] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("relative_url"), str):
            return _bad("Each request in batch needs a relative_url")
        method = str(item.get("method") or "GET").upper()
        target = f"{root}/{item['relative_url'].lstrip('/')}"
        if token and "access_token=" not in target and req.bearer() is None:
            target += ("&" if "?" in target else "?") + f"access_token={token}"
        resp = emu.handle(method, target, req.headers, b"")
        if resp.drop or resp.truncate:
            answers.append(None)
            continue
        answers.append(
            {
                "code": resp.status,
                "headers": [{"name": k, "value": v} for k, v in resp.headers],
                "body": resp.body.decode("utf-8", "replace"),
            }
        )
    return json_response(200, answers)
