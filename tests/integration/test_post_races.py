"""Issue 16 point 2 on PostgreSQL: a person deletes and edits posts while three workers claim
them, hundreds of times. Once a delete or an edit is confirmed (the call returned), the old
version is never sent: no deleted post and no old text goes out afterwards, nothing goes out
twice, and every post that was not deleted goes out once.

Each worker is a PublishingEngine with its own connection pool (as separate processes have),
claiming in a tight loop so claims keep landing inside the person's read-check-write. The
platform is the fake adapter, which records when each send started."""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.core.accounts import AccountService
from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.engine import EngineSettings, Outcome, PublishingEngine
from app.core.events import EventHub
from app.core.models import Post, Target, TargetStatus
from app.core.posts import PostError, PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import FakeAdapter, FakeSource, connect

ROUNDS = 10
PER_ROUND = 20
ITERATIONS = ROUNDS * PER_ROUND
WORKERS = 3


@dataclass
class Change:
    post_id: int
    kind: str  # "delete" | "edit"
    old_text: str
    applied: bool = False
    confirmed_at: float = 0.0  # time.monotonic() when the call returned


@dataclass(frozen=True)
class Send:
    key: str
    text: str
    at: float  # time.monotonic() when the adapter was called


def _worker(db: Database, clock: FakeClock, source: FakeSource, n: int) -> PublishingEngine:
    accounts = AccountService(db, Vault(db, environ={}), clock)
    settings = EngineSettings(owner=f"worker-{n}", batch_limit=4, per_platform=2)
    return PublishingEngine(db, clock, source, EventHub(), accounts, settings, db_clock=clock)


def _claim_forever(
    engine: PublishingEngine, stop: threading.Event, outcomes: list, errors: list
) -> None:
    try:
        while not stop.is_set():
            result = engine.run_once()
            outcomes.append(result.outcomes)
            if not result.busy:
                time.sleep(0.0005)
    except Exception as exc:  # reported by the test, not lost with the thread
        errors.append(f"{engine.owner}: {exc!r}")


def _wait_idle(db: Database, timeout: float = 60.0) -> None:
    """Until no target is queued or in flight (the claimers work the batch off)."""
    end = time.monotonic() + timeout
    busy = (TargetStatus.QUEUED, TargetStatus.IN_FLIGHT)
    while time.monotonic() < end:
        with db.session() as s:
            left = s.scalar(
                select(func.count(Target.id))
                .join(Post, Post.id == Target.post_id)
                .where(Target.status.in_(busy), Post.deleted_at.is_(None))
            )
        if not left:
            return
        time.sleep(0.01)
    raise AssertionError("the workers did not finish the batch")


@pytest.mark.slow
@pytest.mark.postgres
def test_deletes_and_edits_racing_claims_never_send_the_old_version(pg_url):
    clock = FakeClock()
    rng = random.Random(16)  # the same interleaving plan every run
    user_db = open_database(pg_url)
    worker_dbs = [open_database(pg_url) for _ in range(WORKERS)]
    fake = FakeAdapter(Platform.TWITTER, clock)
    sends: list[Send] = []
    sends_lock = threading.Lock()

    def record(_account, text, key) -> None:
        with sends_lock:
            sends.append(Send(key, text, time.monotonic()))

    fake.on_publish = record
    source = FakeSource({Platform.TWITTER: fake})
    engines: list[PublishingEngine] = []
    threads: list[threading.Thread] = []
    stop = threading.Event()
    outcomes: list = []
    worker_errors: list[str] = []
    try:
        ws = WorkspaceService(user_db, clock).create("Agency", "UTC").id
        account = connect(
            AccountService(user_db, Vault(user_db, environ={}), clock), ws, Platform.TWITTER, clock
        )
        service = PostService(user_db, clock)
        engines = [_worker(db, clock, source, n) for n, db in enumerate(worker_dbs)]
        threads = [
            threading.Thread(
                target=_claim_forever, args=(e, stop, outcomes, worker_errors), name=f"claimer-{n}"
            )
            for n, e in enumerate(engines)
        ]
        for t in threads:
            t.start()

        changes: list[Change] = []
        raw_errors: list[str] = []
        for round_ in range(ROUNDS):
            # A batch falls due at once: the workers claim it 4 at a time while the person
            # deletes and edits its posts one after the other, so the changes land before,
            # inside and after the claims.
            due = clock.now() + timedelta(minutes=1)
            batch = [
                Change(
                    service.create(
                        ws,
                        f"v1 of {round_}.{i}",
                        [account],
                        scheduled_local=due,
                        action="schedule",
                    ).id,
                    rng.choice(("delete", "edit")),
                    f"v1 of {round_}.{i}",
                )
                for i in range(PER_ROUND)
            ]
            rng.shuffle(batch)
            clock.set(due)
            for change in batch:
                try:
                    if change.kind == "delete":
                        service.delete(change.post_id)
                    else:
                        new_text = change.old_text.replace("v1", "v2")
                        service.update(change.post_id, new_text, [account], action="now")
                    change.applied = True
                except PostError as exc:
                    assert "being published right now" in str(exc)
                except DBAPIError as exc:  # e.g. a deadlock: reported after the checks below
                    raw_errors.append(f"{change.kind}: {type(exc.orig).__name__}")
                change.confirmed_at = time.monotonic()
            changes.extend(batch)
            _wait_idle(user_db)
        stop.set()
        for t in threads:
            t.join(60)
        final = engines[0].run_until_idle()  # what the loops left in the queue
        outcomes.append(final.outcomes)

        with user_db.session() as s:
            keys = dict(s.execute(select(Target.idempotency_key, Target.post_id)).all())
            statuses = dict(s.execute(select(Target.post_id, Target.status)).all())
        by_post: dict[int, list[Send]] = defaultdict(list)
        for send in sends:
            by_post[keys[send.key]].append(send)

        late_deleted = [
            c.post_id
            for c in changes
            if c.kind == "delete" and c.applied
            for s in by_post[c.post_id]
            if s.at > c.confirmed_at
        ]
        late_old_text = [
            c.post_id
            for c in changes
            if c.kind == "edit" and c.applied
            for s in by_post[c.post_id]
            if s.text == c.old_text and s.at > c.confirmed_at
        ]
        twice = {p: [s.text for s in v] for p, v in by_post.items() if len(v) > 1}
        deleted = {c.post_id for c in changes if c.kind == "delete" and c.applied}
        lost = [c.post_id for c in changes if c.post_id not in deleted and not by_post[c.post_id]]
        applied = sum(c.applied for c in changes)
        released = sum(o.get(Outcome.RELEASED, 0) for o in outcomes)
        print(
            f"\n{ITERATIONS} changes: {applied} applied, "
            f"{ITERATIONS - applied - len(raw_errors)} refused while in flight; {len(sends)} sends; {released} claims given back by the pre-send "
            f"check. Violations: {len(late_deleted)} deleted sent, {len(late_old_text)} old "
            f"texts sent, {len(twice)} sent twice, {len(lost)} never sent, "
            f"{len(raw_errors)} database errors"
        )
        assert not late_deleted, f"deleted posts sent after the delete: {late_deleted[:5]}"
        assert not late_old_text, f"old text sent after the edit: {late_old_text[:5]}"
        assert not twice, f"sent more than once: {list(twice.items())[:5]}"
        assert not lost, f"never sent: {lost[:5]}"
        assert TargetStatus.IN_FLIGHT not in set(statuses.values())
        assert not raw_errors, f"changes that failed with a database error: {raw_errors[:5]}"
        assert not worker_errors, worker_errors
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        for e in engines:
            e.close()
        for db in (user_db, *worker_dbs):
            db.dispose()
