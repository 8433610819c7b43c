"""Issue 24: budgets reserved set-based (a constant number of statements per claim, whatever
the number of accounts) and still exact when many workers spend one budget at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from app.core.accounts import AccountService
from app.core.db import Database, open_database
from app.core.engine import claim, ratelimits
from app.core.engine.txn import write_session
from app.core.models import Account, RateLimitBudget
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect

LEASE = timedelta(seconds=60)
X_LIMIT = 37  # not a multiple of what one reservation asks for: the last one is cut short
LINKEDIN_LIMIT = 23
BUDGETS = {
    Platform.TWITTER: ratelimits.BudgetDefault(X_LIMIT, 900),
    Platform.LINKEDIN: ratelimits.BudgetDefault(LINKEDIN_LIMIT, 24 * 3600, utc_day=True),
}
THREADS = 16


def _accounts(db: Database, clock: Any, platform: Platform, n: int) -> list[int]:
    ws = WorkspaceService(db, clock).create(f"Budgets {platform}", "UTC").id
    service = AccountService(db, Vault(db, environ={}), clock)
    return [connect(service, ws, platform, clock, external_id=f"{platform}-{i}") for i in range(n)]


def _spend_at_once(url: str, clock: Any, x: int, linkedin: int) -> dict[int, int]:
    """THREADS workers, each with its own engine (like processes), reserve from the same two
    budgets until both are spent; returns the total granted per account."""
    granted = {x: 0, linkedin: 0}
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    now = clock.now()

    def worker() -> None:
        db = open_database(url, migrate=False)
        try:
            start.wait()
            while True:
                with write_session(db) as s:
                    got = ratelimits.reserve_many(
                        s,
                        {x: (Platform.TWITTER, 3), linkedin: (Platform.LINKEDIN, 2)},
                        now,
                        BUDGETS,
                    )
                with lock:
                    for account_id, (n, _reset) in got.items():
                        granted[account_id] += n
                if all(n == 0 for n, _reset in got.values()):
                    return
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, name=f"spender-{i}") for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return granted


def _check_exact(db: Database, clock: Any, url: str) -> None:
    (x,) = _accounts(db, clock, Platform.TWITTER, 1)
    (linkedin,) = _accounts(db, clock, Platform.LINKEDIN, 1)
    granted = _spend_at_once(url, clock, x, linkedin)
    assert granted == {x: X_LIMIT, linkedin: LINKEDIN_LIMIT}
    with db.session() as s:
        rows = {r.account_id: r.remaining for r in s.scalars(select(RateLimitBudget))}
    assert rows == {x: 0, linkedin: 0}


def test_many_threads_spending_one_budget_never_overspend_sqlite(db, db_url, clock):
    _check_exact(db, clock, db_url)


@pytest.mark.postgres
def test_many_threads_spending_one_budget_never_overspend_postgres(pg_url, clock):
    db = open_database(pg_url)
    try:
        _check_exact(db, clock, pg_url)
    finally:
        db.dispose()


def _statements_per_claim(db: Database, clock: Any, accounts: list[int]) -> int:
    ws_now = clock.now()
    with db.session() as s:
        ws = s.scalar(select(Account.workspace_id).where(Account.id == accounts[0]))
    assert ws is not None
    for i in range(2):
        add_post(db, ws, accounts, ws_now, f"post {i}")
    sent: list[str] = []

    def seen(*args: Any) -> None:
        sent.append(args[2])

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        got = claim.claim_due(db, "me", ws_now, 100, LEASE, BUDGETS)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(got) == 2 * len(accounts)
    return len(sent)


def test_a_claim_costs_the_same_statements_for_one_account_or_twelve(db, clock):
    """It cost four more per account (select, insert, select-for-update, update)."""
    one = _statements_per_claim(db, clock, _accounts(db, clock, Platform.TWITTER, 1))
    twelve = _statements_per_claim(db, clock, _accounts(db, clock, Platform.LINKEDIN, 12))
    assert twelve == one


def test_over_budget_targets_of_several_accounts_wait_for_their_own_reset(db, clock):
    x = _accounts(db, clock, Platform.TWITTER, 2)
    now = clock.now()
    with db.session() as s:
        ws = s.scalar(select(Account.workspace_id).where(Account.id == x[0]))
    assert ws is not None
    for i in range(X_LIMIT + 2):
        add_post(db, ws, x, now, f"post {i}")
    got = claim.claim_due(db, "me", now, 1000, LEASE, BUDGETS)
    assert len(got) == 2 * X_LIMIT
    assert claim.next_wakeup(db, now) == now + LEASE  # the in-flight ones; the rest wait
    with db.session() as s:
        rows = list(s.scalars(select(RateLimitBudget)))
    assert sorted((r.account_id, r.remaining) for r in rows) == [(x[0], 0), (x[1], 0)]
