"""Issue 24: a post scheduled in one process is claimed by a worker in another at once
(PostgreSQL LISTEN/NOTIFY), not at the worker's next timed wake-up (up to a minute away)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, text

from app.core.db import open_database
from app.core.engine.handoff import CHANNEL
from app.core.models import Account, Target, TargetStatus, Workspace
from app.core.posts import PostService
from tests.integration.helpers import (
    connect_emulator,
    published_counts,
    start_worker,
    unlimited,
    wait_until,
    worker_logs,
)

HANDOFF_S = 1.0


def _listening(db) -> bool:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return bool(
            conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE query = :q"),
                {"q": f"LISTEN {CHANNEL}"},
            ).scalar()
        )


@pytest.mark.slow
@pytest.mark.postgres
def test_a_post_scheduled_elsewhere_is_claimed_within_a_second(
    pg_url, tmp_path, emulator, monkeypatch
):
    connect_emulator(pg_url, emulator.base_url, monkeypatch)
    db = open_database(pg_url)
    worker = None
    try:
        unlimited(db)
        with db.session() as s:
            workspace_id = s.scalar(select(Workspace.id))
            x = s.scalar(select(Account.id).where(Account.platform == "TWITTER"))
        assert workspace_id is not None and x is not None
        posts = PostService(db)
        posts.create(workspace_id, "warm-up #herald", [x], action="now")
        worker = start_worker(pg_url, tmp_path)
        # The worker is up, has published its work and listens: now it sleeps until its next
        # timed wake-up (the heartbeat, 20 s away with the default 60 s lease) …
        assert wait_until(lambda: len(emulator.published()) == 1, timeout=60), worker_logs(tmp_path)
        assert wait_until(lambda: _listening(db), timeout=10)
        time.sleep(0.5)  # let its loop go back to sleep after the publish woke it

        # … so only the notification sent with this commit can wake it in time.
        post = posts.create(
            workspace_id, "scheduled from another desktop #herald", [x], action="now"
        )
        committed = time.monotonic()

        def claimed() -> bool:
            with db.session() as s:
                status = s.scalar(select(Target.status).where(Target.post_id == post.id))
            return status != TargetStatus.QUEUED

        assert wait_until(claimed, timeout=HANDOFF_S * 5, step=0.01), worker_logs(tmp_path)
        took = time.monotonic() - committed
        assert took < HANDOFF_S, f"claimed {took:.2f} s after the commit"
        assert wait_until(lambda: len(emulator.published()) == 2, timeout=30)
        assert all(n == 1 for n in published_counts(emulator.published()).values())
        print(f"hand-off: claimed {took * 1000:.0f} ms after the commit")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        db.dispose()
