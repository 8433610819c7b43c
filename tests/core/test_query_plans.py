"""Issue 24: the hot queries keep index plans as the database grows.

A representative PostgreSQL data set (100,000 posts / 400,000 targets over a year, a tenth
published with snapshots and metric tasks, a few targets due) is generated server-side; then
the real code paths run (the engine's claim and next wake-up, the analytics claim and its next
due time, the calendar's range query) while every statement they send is recorded, and each
is EXPLAINed with its own parameters. None may read targets, posts, snapshots or metric tasks
with a sequential scan: at a million posts that is seconds per call instead of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from app.core.analytics import claims as metric_claims
from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.engine import claim
from app.core.posts import PostService
from tests.bench.scale.dataset import Shape, generate
from tests.integration.pg import pg_schema_url

pytestmark = pytest.mark.postgres

BIG_TABLES = {"targets", "posts", "analytics_snapshots", "metric_tasks"}
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SHAPE = Shape(posts=100_000, due_posts=50)
FEW_ROWS = 1_000


@pytest.fixture(scope="module")
def big_db() -> Iterator[Database]:
    for url in pg_schema_url():
        db = open_database(url)
        try:
            with db.engine.begin() as conn:
                generate(conn, NOW, SHAPE)
            yield db
        finally:
            db.dispose()


class Recorder:
    """Every statement (with its parameters) the code sends while recording."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.statements: list[tuple[str, Any]] = []

    def __enter__(self) -> Recorder:
        event.listen(self.db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._seen)

    def _seen(
        self, conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
            # A batch runs one plan per parameter set: the first one stands for all.
            self.statements.append((statement, params[0] if many else params))


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def seq_scans(db: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """'table: statement' for every sequential scan of a big table in these plans."""
    found = []
    with db.engine.connect() as conn:
        for statement, params in statements:
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar()
            for node in _nodes(plan[0]["Plan"]):
                if node.get("Relation Name") in BIG_TABLES and _full_scan(node):
                    found.append(f"{node['Relation Name']}: {' '.join(statement.split())[:300]}")
    return found


def _full_scan(node: dict[str, Any]) -> bool:
    """A sequential scan, or an index scan with no range condition expected to read many
    rows (a whole-index walk is a sequential scan in disguise)."""
    if node["Node Type"] in ("Seq Scan", "Parallel Seq Scan"):
        return True
    ranged = "Index Cond" in node
    return node["Node Type"].startswith("Index") and not ranged and node["Plan Rows"] > FEW_ROWS


def run_and_check(db: Database, action: Any) -> int:
    with Recorder(db) as rec:
        action()
    assert rec.statements, "nothing was recorded"
    assert seq_scans(db, rec.statements) == []
    return len(rec.statements)


def test_the_data_set_has_the_representative_shape(big_db):
    with big_db.engine.connect() as conn:
        counts = dict(
            conn.exec_driver_sql("SELECT status, count(*) FROM targets GROUP BY status").all()
        )
    assert counts == {"PUBLISHED": 40_000, "QUEUED": 360_000}


def test_the_engine_claim_uses_indexes(big_db):
    lease = timedelta(minutes=5)
    taken: list[int] = []
    run_and_check(
        big_db, lambda: taken.extend(claim.claim_due(big_db, "plan-test", NOW, 50, lease))
    )
    assert len(taken) == 50


def test_the_engine_next_wakeup_uses_indexes(big_db):
    woke: list[datetime | None] = []
    run_and_check(big_db, lambda: woke.append(claim.next_wakeup(big_db, NOW)))
    assert woke[0] is not None


def test_the_expired_lease_claim_uses_indexes(big_db):
    run_and_check(
        big_db, lambda: claim.claim_expired(big_db, "plan-test", NOW, 50, timedelta(minutes=5))
    )


def _recorded(db: Database, action: Any) -> list[tuple[str, Any]]:
    with Recorder(db) as rec:
        action()
    return rec.statements


def test_cancelling_tasks_of_deleted_posts_reads_only_deleted_posts(big_db):
    """Migration 0009's partial index: before it, every analytics claim read all posts."""
    sent = _recorded(big_db, lambda: metric_claims.claim_due(big_db, NOW, "plan-test", 100))
    cancel = [(st, p) for st, p in sent if "last_error" in st]
    assert len(cancel) == 1
    assert seq_scans(big_db, cancel) == []


def test_the_analytics_next_due_time_uses_indexes(big_db):
    run_and_check(big_db, lambda: metric_claims.next_due_at(big_db))


def test_the_analytics_due_claim_uses_indexes(big_db):
    # Six minutes on: the leases another test took at NOW have expired and checkpoints that
    # fell due in the last few minutes are still queued, so both claim branches find work.
    later = NOW + timedelta(minutes=6)
    taken: list[int] = []
    run_and_check(
        big_db, lambda: taken.extend(metric_claims.claim_due(big_db, later, "plan-test", 300))
    )
    assert taken


def test_the_calendar_range_query_uses_indexes(big_db):
    shown: list[int] = []
    service = PostService(big_db, FakeClock(NOW))
    week = (NOW - timedelta(days=3), NOW + timedelta(days=4))
    run_and_check(big_db, lambda: shown.extend(p.id for p in service.list_range(7, *week)))
    assert shown


def test_the_engine_claim_reads_due_targets_in_claim_order(big_db):
    """Migration 0023: the due-work index ends with the id, so the claim's ORDER BY
    next_attempt_at, id needs no sort: the scan stops after the rows it takes. On (status,
    next_attempt_at) a burst due at one instant was read and sorted whole for every claim
    (4,000 targets joined to their posts: 25 ms per claim of 8)."""
    sent = _recorded(
        big_db, lambda: claim.claim_due(big_db, "plan-order", NOW, 8, timedelta(minutes=5))
    )
    taking = [(st, p) for st, p in sent if "SKIP LOCKED" in st]
    assert len(taking) == 1, "one statement claims (UPDATE … WHERE id IN (… SKIP LOCKED))"
    with big_db.engine.connect() as conn:
        statement, params = taking[0]
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar()
    kinds = {node["Node Type"] for node in _nodes(plan[0]["Plan"])}
    assert not kinds & {"Sort", "Incremental Sort"}, kinds
    used = {node.get("Index Name") for node in _nodes(plan[0]["Plan"])}
    assert "ix_targets_status_due" in used
