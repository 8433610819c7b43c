"""What the Facebook and Instagram contract tests share: the recorded files, the shape
comparison that holds the emulator to them, and an emulator with connected accounts.

A response's shape is its field names, nesting and JSON types (values aside). The emulator's
answer to the same request must have the recorded shape; a difference is listed by path
(`$.data[].paging.next`) so it is plain which side to change (the emulator, by design).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.adapters.config import AdapterConfig
from app.core.ports import AccountRef
from app.platforms.names import Platform
from tests.adapters.emu_support import connect_account, emulator_config
from tests.contract.shapes import json_type

RECORDED = Path(__file__).parent / "recorded"


def recorded(platform: str, name: str) -> Any:
    """A recorded real response body (tests/contract/recorded/<platform>/<name>)."""
    return json.loads((RECORDED / platform / name).read_text(encoding="utf-8"))


def shape_differences(
    real: Any, emulated: Any, *, skip: frozenset[str] = frozenset(), path: str = "$"
) -> list[str]:
    """Where `emulated` differs in shape from `real`: missing or extra fields, other types.
    Array items are compared with the recorded array's first item. `skip` holds paths not
    compared, each for a reason the caller states."""
    if path in skip:
        return []
    real_type, emu_type = json_type(real), json_type(emulated)
    if real_type != emu_type and {real_type, emu_type} != {"integer", "number"}:
        return [f"{path}: recorded {real_type}, emulator {emu_type}"]
    out: list[str] = []
    if isinstance(real, dict):
        for key in sorted(set(real) | set(emulated)):
            sub = f"{path}.{key}"
            if sub in skip:
                continue
            if key not in emulated:
                out.append(f"{sub}: missing in the emulator's answer")
            elif key not in real:
                out.append(f"{sub}: not in the recorded answer")
            else:
                out += shape_differences(real[key], emulated[key], skip=skip, path=sub)
    elif isinstance(real, list) and real and emulated:
        for item in emulated:
            out += shape_differences(real[0], item, skip=skip, path=f"{path}[]")
    return out


def assert_same_shape(
    real: Any,
    emulated: Any,
    *,
    real_status: int = 200,
    emulated_status: int = 200,
    skip: frozenset[str] = frozenset(),
) -> None:
    problems = shape_differences(real, emulated, skip=skip)
    if real_status != emulated_status:
        problems.insert(0, f"status: recorded {real_status}, emulator {emulated_status}")
    assert not problems, "emulator differs from the recording:\n" + "\n".join(problems)


@dataclass
class GraphEmulator:
    """The emulator on loopback with a connected Facebook Page and Instagram account."""

    server: Any
    config: AdapterConfig
    facebook: AccountRef
    instagram: AccountRef
    client: httpx.Client

    def get(self, account: AccountRef, path: str, **params: Any) -> httpx.Response:
        return self.client.get(self._url(account, path), params=params, headers=_auth(account))

    def post(self, account: AccountRef, path: str, **data: Any) -> httpx.Response:
        return self.client.post(self._url(account, path), data=data, headers=_auth(account))

    def _url(self, account: AccountRef, path: str) -> str:
        if account.platform == Platform.INSTAGRAM:
            return self.config.ig_graph(path)
        return self.config.graph(path)


def _auth(account: AccountRef) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.credentials.access_token}"}


@contextmanager
def graph_emulator(clock) -> Iterator[GraphEmulator]:
    """The emulator with both accounts connected through the real OAuth flows (a test
    module's fixture wraps it: this folder has no conftest of its own)."""
    from app.emulator import EmulatorServer

    with (
        EmulatorServer(port=0, seed=0, now=clock.now, container_polls=0) as srv,
        httpx.Client(timeout=5.0) as client,
    ):
        cfg = emulator_config(srv)
        yield GraphEmulator(
            srv,
            cfg,
            connect_account(Platform.FACEBOOK, cfg, clock),
            connect_account(Platform.INSTAGRAM, cfg, clock),
            client,
        )
