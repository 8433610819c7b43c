"""The demo's AdapterSource: in demo mode every account is served by the demo's emulator.

The demo database only ever holds emulator accounts, but demo mode must not reach a real
platform whatever happens to that database: this source sends every account to the
emulator, with the emulator's app credentials, regardless of the account's own settings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.core.accounts import AccountInfo
from app.core.clock import Clock
from app.demo.emulator import loopback_url


class DemoAdapters:
    def __init__(self, clock: Clock, emulator_url: str) -> None:
        from app.commands.worker import PlatformAdapters

        self.url = loopback_url(emulator_url)
        self._inner = PlatformAdapters(clock)

    def _on_emulator(self, account: AccountInfo) -> AccountInfo:
        from app.commands.worker import API_BASE

        if account.settings.get(API_BASE) == self.url:
            return account
        return replace(account, settings={**dict(account.settings), API_BASE: self.url})

    def adapter(self, account: AccountInfo) -> Any:
        return self._inner.adapter(self._on_emulator(account))

    def app_credentials(self, account: AccountInfo) -> Any:
        from app.commands.worker import EMULATOR_APP

        return EMULATOR_APP

    def close(self) -> None:
        self._inner.close()
