"""The daily token job refreshed every X account on every run (X access tokens last 2 h, so
they always "expire within 30 days"). X refresh tokens are single-use: a refresh whose answer
is lost (a timeout after the platform rotated the token) or a worker killed before storing the
new one leaves only a used refresh token, and the account needs reconnecting.

Seen in the 10,000-post PostgreSQL chaos run: 31 of 67 X accounts REQUIRES_REAUTH ("Value
passed for the token was invalid."), 1,137 targets stuck behind them. Each of ~550 restarted
workers that lived 2 minutes ran the job. Here: the job runs while the emulator drops the
answer to the first token request after carrying it out; the account must stay connected.
"""

from __future__ import annotations

import sys

from app.commands.worker import PlatformAdapters
from app.core import events as ev
from app.core.accounts import AccountService
from app.core.clock import SystemClock
from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens
from app.core.vault import Vault
from app.platforms.names import Platform
from tests.soak.repro._world import world


def main() -> int:
    with world({Platform.TWITTER: 1}, timeout_delay_s=0.2) as w:
        clock = SystemClock()
        account_id = w.accounts[Platform.TWITTER][0]
        w.emulator.add_fault("twitter", "token", "timeout", count=1, process=1, delay=0.2)
        adapters = PlatformAdapters(clock)
        ctx = MaintenanceContext(
            w.db, clock, AccountService(w.db, Vault(w.db), clock), adapters, ev.EventHub()
        )
        try:
            for _ in range(3):  # three workers' daily runs
                print("daily job:", refresh_expiring_tokens(ctx))
            status = ctx.accounts.get(account_id).status
        finally:
            adapters.close()
        print("account status afterwards:", status)
        ok = str(status) == "ACTIVE"
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
