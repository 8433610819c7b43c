"""The success write-back measured alone (issue 24): statements and CPU per target of
`store.mark_published_many`, on SQLite and (with HERALD_TEST_PG_URL) PostgreSQL.

    python -m tests.bench.scale.writeback [--targets 400] [--batch 1]

Posts with one target each (like bench-scale's burst) on X, LinkedIn and Facebook accounts are
claimed, then written back as successes `--batch` at a time, each carrying X-style rate-limit
headers. Prints, per database: statements per write-back, and the process's CPU per target.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.core.accounts import AccountService
from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.engine import claim, ratelimits, store
from app.core.ports import RateLimitInfo
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect
from tests.integration.helpers import VAULT_KEY

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BUDGETS = {
    Platform.TWITTER: ratelimits.BudgetDefault(1_000_000, 900),
    Platform.LINKEDIN: ratelimits.BudgetDefault(1_000_000, 24 * 3600, utc_day=True),
}
PLATFORMS = (Platform.TWITTER, Platform.LINKEDIN, Platform.FACEBOOK)


def _databases(tmp: Path) -> Iterator[tuple[str, Database]]:
    db = open_database(f"sqlite:///{tmp / 'wb.db'}")
    try:
        yield "sqlite", db
    finally:
        db.dispose()
    if os.environ.get("HERALD_TEST_PG_URL"):
        from tests.integration.pg import pg_schema_url

        for url in pg_schema_url():
            pg = open_database(url)
            try:
                yield "postgresql", pg
            finally:
                pg.dispose()


def _prepare(db: Database, n: int) -> list[int]:
    clock = FakeClock(NOW)
    ws = WorkspaceService(db, clock).create("Bench", "UTC").id
    service = AccountService(db, Vault(db, environ={"HERALD_VAULT_KEY": VAULT_KEY}), clock)
    accounts = [connect(service, ws, p, clock, external_id=f"{p}-wb") for p in PLATFORMS]
    for i in range(n):
        add_post(db, ws, [accounts[i % len(accounts)]], NOW - timedelta(seconds=1), f"wb {i}")
    taken: list[int] = []
    while len(taken) < n:
        got = claim.claim_due(db, "wb", NOW, 200, timedelta(minutes=5), BUDGETS)
        if not got:
            break
        taken.extend(got)
    return taken


def measure(db: Database, n: int, batch: int) -> dict[str, Any]:
    ids = _prepare(db, n)
    counted: list[int] = []

    def seen(*_a: Any) -> None:
        counted.append(1)

    info = RateLimitInfo(limit=300, remaining=250, reset_at=NOW + timedelta(minutes=15))
    batches = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    event.listen(db.engine, "before_cursor_execute", seen)
    cpu = time.process_time()
    wall = time.perf_counter()
    try:
        for chunk in batches:
            successes = [
                store.Success(t, f"ext-{t}", None, NOW + timedelta(seconds=5), info) for t in chunk
            ]
            assert all(store.mark_published_many(db, successes, BUDGETS))
    finally:
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        event.remove(db.engine, "before_cursor_execute", seen)
    return {
        "targets": len(ids),
        "statements_per_writeback": len(counted) / len(batches),
        "cpu_ms_per_target": 1000 * cpu / len(ids),
        "wall_ms_per_target": 1000 * wall / len(ids),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=400)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, db in _databases(Path(tmp)):
            figures = measure(db, args.targets, args.batch)
            print(
                f"{name:10s} batch {args.batch}: "
                f"{figures['statements_per_writeback']:.1f} statements per write-back, "
                f"CPU {figures['cpu_ms_per_target']:.2f} ms/target, "
                f"wall {figures['wall_ms_per_target']:.2f} ms/target"
            )


if __name__ == "__main__":
    main()
