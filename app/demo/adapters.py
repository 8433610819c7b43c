"""The demo's AdapterSource: in demo mode every account is served by the demo's emulator.

The demo database only ever holds emulator accounts, but demo mode must not reach a real
platform whatever happens to that database: this source sends every account to the
emulator, with the emulator's app credentials, regardless of the account's own settings.
app/bootstrap.py composes the demo with it (an emulator URL given at composition).
"""

from __future__ import annotations

from app.adapters.source import EmulatorAdapters
from app.core.clock import Clock
from app.demo.emulator import loopback_url


class DemoAdapters(EmulatorAdapters):
    def __init__(self, clock: Clock, emulator_url: str) -> None:
        # DemoError (one line for a person) unless the emulator runs on this computer.
        super().__init__(clock, loopback_url(emulator_url))
