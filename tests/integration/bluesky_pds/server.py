"""Start and stop the real Bluesky PDS (+ PLC) of tools/bluesky_pds for a test module.

Skips with the reason when the install is missing locally; fails when `CI` is set (CI runs
tools/bluesky_pds/install.sh before the tests)."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
TOOLS = ROOT / "tools" / "bluesky_pds"
HOME = Path(os.environ.get("HERALD_BLUESKY_PDS_HOME", Path.home() / ".cache/herald-bluesky-pds"))
START_TIMEOUT_S = 90


@dataclass(frozen=True)
class RealPds:
    url: str
    plc: str

    def create_account(self, handle: str, password: str) -> dict:
        """A new account on the PDS (createAccount registers a real did:plc)."""
        resp = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.test", "password": password},
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    def xrpc_get(self, method: str, token: str | None = None, **params: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.url}/xrpc/{method}", params=params, headers=headers, timeout=30)


def installed() -> str | None:
    """None when the PDS install is usable, else why not."""
    if not (HOME / "node" / "bin" / "node").exists():
        return f"Node 22 is not installed in {HOME} (run tools/bluesky_pds/install.sh)"
    if not (HOME / "app" / "node_modules" / "@atproto" / "pds").exists():
        return f"@atproto/pds is not installed in {HOME} (run tools/bluesky_pds/install.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_pds() -> Iterator[RealPds]:
    missing = installed()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the real Bluesky PDS is required in CI: {missing}")
        pytest.skip(missing)
    pds_port, plc_port = _free_port(), _free_port()
    proc = subprocess.Popen(
        [str(TOOLS / "start.sh"), str(pds_port), str(plc_port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT_S)
            except queue.Empty:
                pytest.fail(f"the PDS did not start: {''.join(seen)[-2000:]}")
            seen.append(line)
            if line.startswith("READY "):
                break
            if proc.poll() is not None:
                pytest.fail(f"the PDS exited: {''.join(seen)[-2000:]}")
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        yield RealPds(fields["pds"], fields["plc"])
    finally:
        if proc.stdin:
            proc.stdin.close()  # server.mjs stops when its stdin closes
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
