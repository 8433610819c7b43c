"""Loading LinkedIn recordings and comparing the emulator's answers with them by shape."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

RECORDED = Path(__file__).parent / "recorded" / "linkedin"


@dataclass(frozen=True)
class Recording:
    name: str
    label: str  # "recorded" (real traffic) or "documented" (LinkedIn's docs)
    method: str
    path: str
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)

    def response(self, **overrides: Any) -> httpx.Response:
        """The recorded answer, for respx."""
        body = overrides.get("body", self.body)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["json"] = body
        return httpx.Response(self.status, **kwargs)


def load(name: str) -> Recording:
    data = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    request = data["request"]
    return Recording(
        name=name,
        label=data["label"],
        method=request["method"],
        path=request["path"],
        status=data["status"],
        body=data["body"],
        headers=dict(data.get("headers") or {}),
        request_headers=dict(request.get("headers") or {}),
    )


def all_names() -> list[str]:
    return sorted(p.stem for p in RECORDED.glob("*.json"))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"  # JSON has one number type; LinkedIn counts are whole, rates not
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_differences(recorded: Any, emulated: Any, where: str = "$") -> list[str]:
    """Where the emulator's body differs from the recording in field names, nesting or types.

    Every field the recording has must be in the emulator's answer with the same kind; the
    emulator may send fields a documented sample leaves out. Arrays compare their first items.
    """
    if _kind(recorded) != _kind(emulated):
        return [f"{where}: recorded {_kind(recorded)}, emulator {_kind(emulated)}"]
    if isinstance(recorded, dict):
        problems = []
        for key, value in recorded.items():
            if key not in emulated:
                problems.append(f"{where}.{key}: missing in the emulator's answer")
            else:
                problems += shape_differences(value, emulated[key], f"{where}.{key}")
        return problems
    if isinstance(recorded, list) and recorded and emulated:
        return shape_differences(recorded[0], emulated[0], f"{where}[0]")
    if isinstance(recorded, list) and recorded and not emulated:
        return [f"{where}: recorded items, emulator none"]
    return []


def assert_same_shape(recording: Recording, resp: httpx.Response) -> None:
    assert resp.status_code == recording.status, (recording.name, resp.status_code, resp.text)
    for name in recording.headers:
        assert name in resp.headers, (recording.name, f"header {name} missing")
    if recording.body is None:
        assert not resp.content, (recording.name, resp.text)
        return
    problems = shape_differences(recording.body, resp.json())
    assert not problems, (recording.name, problems)
