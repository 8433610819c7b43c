"""The engine's media-container store (app/core/containers.py, migration 0021): a container is
kept against the target of a target's or a chain part's idempotency key, replaced, read by a
new store (a new process) and forgotten; a key of no target stays in memory. SQLite and
PostgreSQL; a deleted post takes its rows with it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.core.accounts import AccountService
from app.core.chain_models import TargetPart
from app.core.containers import DbContainers, PublishContainer
from app.core.db import open_database
from app.core.models import Post, Target, TargetStatus
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect
from tests.integration.pg import pg_schema_url


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'herald.db'}")
        yield db
        db.dispose()
        return
    for url in pg_schema_url():  # skips without HERALD_TEST_PG_URL
        db = open_database(url)
        yield db
        db.dispose()


def test_containers_are_kept_against_the_target(database, clock):
    db = database
    ws = WorkspaceService(db, clock).create("Bakery", "UTC").id
    account = connect(AccountService(db, Vault(db, environ={}), clock), ws, Platform.THREADS, clock)
    post_id, [target_id] = add_post(db, ws, [account], clock.now())
    with db.session() as s, s.begin():
        key = s.scalars(select(Target.idempotency_key).where(Target.id == target_id)).one()
        part = TargetPart(
            target_id=target_id, kind="part", position=2, text="Part two",
            status=TargetStatus.QUEUED, attempts=0, updated_at=clock.now(),
        )  # fmt: skip
        s.add(part)
        s.flush()
        part_key = part.idempotency_key

    store = DbContainers(db, clock)
    assert store.get(key) is None
    store.put(key, "THREADS", "111")
    store.put(key, "THREADS", "222")  # a new container replaces the expired one
    store.put(part_key, "THREADS", "333")
    again = DbContainers(db, clock)  # another process
    assert (again.get(key), again.get(part_key)) == ("222", "333")
    with db.session() as s:
        rows = {r.idempotency_key: r.target_id for r in s.scalars(select(PublishContainer))}
    assert rows == {key: target_id, part_key: target_id}

    again.forget(key)
    assert store.get(key) is None and store.get(part_key) == "333"
    store.put("no-such-key", "THREADS", "444")  # an adapter used outside the engine
    assert store.get("no-such-key") == "444" and DbContainers(db, clock).get("no-such-key") is None

    with db.session() as s, s.begin():
        s.execute(delete(Post).where(Post.id == post_id))
    assert store.get(part_key) is None  # gone with its target
