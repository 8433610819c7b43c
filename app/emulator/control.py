"""The emulator's own control API under /_emulator (never subject to faults).

GET    /_emulator/published       every post actually created (same as srv.published())
GET    /_emulator/tokens          every access/refresh/page token string ever issued
GET    /_emulator/users           every emulated user; ?default=1 -> one per platform
GET    /_emulator/model           audience zone + 168 hour-of-week weights + top 3
GET    /_emulator/clock           {"now": ISO8601}
POST   /_emulator/clock           {"now": ISO8601} or {"advance_seconds": N}
GET    /_emulator/faults          the active rules
POST   /_emulator/faults          {"spec": "..."} | a rule object | a list of rule objects;
                                  a rule is {"platform", "endpoint", "kind",
                                  "probability"?, "count"?, ...params}
DELETE /_emulator/faults          clear all rules
POST   /_emulator/reset           forget posts, tokens, faults... (clock and config stay)
POST   /_emulator/revoke          {"platform", "user_id"?}: revoke that account's tokens
GET    /_emulator/config          the limits in force
POST   /_emulator/config          {"x_posts_limit": 5, ...}: change some of them
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from app.emulator.state import iso_z, parse_iso, utc
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator


def _error(status: int, message: str) -> Response:
    return json_response(status, {"error": message})


def _body(req: Request) -> dict[str, Any] | list[Any] | None:
    if not req.body:
        return {}
    try:
        return json.loads(req.body)
    except ValueError:
        return None


def _clock(emu: Emulator) -> Response:
    return json_response(200, {"now": iso_z(emu.now_ts())})


def handle(emu: Emulator, req: Request) -> Response:
    path = req.path.rstrip("/") or "/"
    method = req.method
    try:
        if method == "GET":
            return _get(emu, req, path)
        if method == "POST":
            body = _body(req)
            if body is None:
                return _error(400, "body must be JSON")
            return _post(emu, path, body)
        if method == "DELETE" and path == "/faults":
            with emu.lock:
                emu.faults.clear()
            return json_response(200, {"rules": []})
    except (ValueError, TypeError) as exc:
        return _error(400, str(exc))
    return _error(404, f"no control endpoint {method} /_emulator{path}")


def _get(emu: Emulator, req: Request, path: str) -> Response:
    if path == "/":
        return json_response(200, {"emulator": "herald", "now": iso_z(emu.now_ts())})
    if path == "/published":
        return json_response(200, emu.published())
    if path == "/tokens":
        return json_response(200, emu.issued_tokens())
    if path == "/users":
        if req.query.get("default"):
            return json_response(200, emu.default_users())
        return json_response(200, emu.all_users())
    if path == "/model":
        return json_response(200, emu.model.describe())
    if path == "/clock":
        return _clock(emu)
    if path == "/faults":
        with emu.lock:
            return json_response(200, {"rules": [r.as_dict() for r in emu.faults.rules]})
    if path == "/config":
        return json_response(200, emu.config.as_dict())
    return _error(404, f"no control endpoint GET /_emulator{path}")


def _post(emu: Emulator, path: str, body: dict[str, Any] | list[Any]) -> Response:
    if path == "/reset":
        emu.reset()
        return json_response(200, {"reset": True})
    if path == "/faults":
        if isinstance(body, dict) and "spec" in body:
            rules = emu.add_faults(str(body["spec"]))
        else:
            rules = emu.add_faults(body if isinstance(body, list) else [body])
        return json_response(200, {"added": [r.as_dict() for r in rules]})
    if not isinstance(body, dict):
        return _error(400, "body must be a JSON object")
    if path == "/clock":
        if "now" in body:
            ts = parse_iso(str(body["now"]))
            if ts is None or "T" not in str(body["now"]):
                return _error(400, "now must be an ISO 8601 date-time")
            emu.set_clock(utc(ts))
        elif "advance_seconds" in body:
            emu.advance(float(body["advance_seconds"]))
        else:
            return _error(400, "give now or advance_seconds")
        return _clock(emu)
    if path == "/revoke":
        count = emu.revoke_tokens(str(body.get("platform", "")), body.get("user_id"))
        return json_response(200, {"revoked": count})
    if path == "/config":
        with emu.lock:
            emu.config.update(**body)
        return json_response(200, emu.config.as_dict())
    return _error(404, f"no control endpoint POST /_emulator{path}")
