"""Two processes on one database (two workers, or a worker and the desktop app) both run the
daily token job (app/core/engine/maintenance.py refresh_expiring_tokens, 2 minutes after
start). X refresh tokens are single-use: the first refresh rotates it, the second process still
holds the old one, X answers invalid_grant, and the job marks the account REQUIRES_REAUTH
although valid credentials were stored a moment before. Every X account of the fleet then
stops publishing until someone reconnects it. (The publishing path, runner._refresh, re-reads
the stored credentials after a refused refresh; the maintenance job does not.)

Seen in the chaos soak: 8 PostgreSQL workers, every X account REQUIRES_REAUTH with "Value
passed for the token was invalid." two minutes in. Here: process B read the credentials
before process A stored its rotation.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import timedelta

from app.commands.worker import PlatformAdapters
from app.core import events as ev
from app.core.accounts import AccountService
from app.core.clock import SystemClock
from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens
from app.core.vault import Vault
from app.platforms.names import Platform
from tests.soak.repro._world import world


def main() -> int:
    with world({Platform.TWITTER: 1}) as w:
        clock = SystemClock()
        account_id = w.accounts[Platform.TWITTER][0]
        contexts = []
        for _ in range(2):  # two processes: their own services, the same database
            service = AccountService(w.db, Vault(w.db), clock)
            contexts.append(
                MaintenanceContext(w.db, clock, service, PlatformAdapters(clock), ev.EventHub())
            )
        a, b = contexts
        # An X account idle for a month: the only kind the daily job still refreshes.
        creds = a.accounts.credentials(account_id)
        idle = replace(creds, expires_at=clock.now() - timedelta(days=31))
        a.accounts.save_credentials(account_id, idle)
        seen_by_b = b.accounts.account_ref(account_id, b.adapters.app_credentials(
            b.accounts.get(account_id)))  # fmt: skip
        b.accounts.account_ref = lambda *_args, **_kw: seen_by_b  # B read before A stored
        print("process A:", refresh_expiring_tokens(a))
        print("process B:", refresh_expiring_tokens(b))
        status = a.accounts.get(account_id).status
        print("account status afterwards:", status)
        for ctx in contexts:
            ctx.adapters.close()
        return 1 if str(status) != "ACTIVE" else 0


if __name__ == "__main__":
    sys.exit(main())
