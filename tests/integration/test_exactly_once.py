"""Exactly once: several worker processes on one database (4 on a SQLite file, 8 on PostgreSQL)
publish posts × 4 platforms due at once; the emulator must have created every target once and
only once.

`make test` runs 250 posts (1,000 targets: every worker claims many batches while the others
claim theirs); `make soak` runs this same file with 1,000 posts (HERALD_EXACTLY_ONCE_POSTS),
the figure of issue 6."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import select

from app.core.clock import SystemClock
from app.core.db import open_database
from app.core.models import AuditEntry
from tests.integration.helpers import (
    connect_emulator,
    image,
    published_counts,
    seed_posts,
    start_worker,
    target_statuses,
    unlimited,
    wait_all,
    worker_logs,
)

#: posts due at once, each to the 4 platforms (`make soak` sets 1,000)
POSTS = int(os.environ.get("HERALD_EXACTLY_ONCE_POSTS", "").strip() or 250)
PLATFORMS = ("TWITTER", "INSTAGRAM", "LINKEDIN", "FACEBOOK")


def _run(db_url, tmp_path, emulator, monkeypatch, workers: int) -> float:
    connect_emulator(db_url, emulator.base_url, monkeypatch)
    db = open_database(db_url)
    try:
        unlimited(db)
        due = SystemClock().now()
        # Instagram needs a picture. The emulator does not serve LinkedIn's image upload
        # (/rest/images) yet, so the other platforms get the same posts as text.
        seed_posts(db, POSTS, due, None, platforms=("TWITTER", "LINKEDIN", "FACEBOOK"))
        seed_posts(db, POSTS, due, image(tmp_path / "pic.jpg"), platforms=("INSTAGRAM",))
        t0 = time.monotonic()
        # Each worker modest: 2 cores run the emulator and every worker (2 per platform each).
        procs = [
            start_worker(db_url, tmp_path, "--until-idle", "--concurrency", "2", "--batch", "8")
            for _ in range(workers)
        ]
        codes = wait_all(procs, timeout=240)
        took = time.monotonic() - t0
        assert codes == [0] * workers, worker_logs(tmp_path)
        published = emulator.published()
        counts = published_counts(published)
        expected = {(p, f"post {i} #herald") for p in PLATFORMS for i in range(POSTS)}
        assert set(counts) == expected, "some target never went out"
        duplicates = {k: n for k, n in counts.items() if n != 1}
        assert not duplicates, f"published more than once: {list(duplicates.items())[:5]}"
        assert len(published) == POSTS * len(PLATFORMS)
        assert target_statuses(db) == {"PUBLISHED": POSTS * len(PLATFORMS)}
        # The audit log too: one "publish" entry per target, whichever worker recorded it.
        with db.session() as s:
            entries = s.execute(
                select(AuditEntry.object_id, AuditEntry.detail).where(
                    AuditEntry.action == "publish"
                )
            ).all()
        assert len(entries) == len(set(entries)) == POSTS * len(PLATFORMS)
    finally:
        db.dispose()
    return took


@pytest.mark.slow
def test_four_workers_on_one_sqlite_file_publish_each_target_once(tmp_path, emulator, monkeypatch):
    took = _run(f"sqlite:///{tmp_path / 'herald.db'}", tmp_path, emulator, monkeypatch, 4)
    print(f"4 SQLite workers drained {POSTS * 4} targets in {took:.1f} s")


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_workers_on_postgres_publish_each_target_once(
    pg_url, tmp_path, emulator, monkeypatch
):
    took = _run(pg_url, tmp_path, emulator, monkeypatch, 8)
    print(f"8 PostgreSQL workers drained {POSTS * 4} targets in {took:.1f} s")
