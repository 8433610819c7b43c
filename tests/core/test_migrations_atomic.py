"""An upgrade is one transaction (issue 16.7): a failure at its very last statement leaves the
database at the old version with the old schema, through Herald's upgrade and through the
`alembic` command run on its own."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.core.db import alembic_config, head_revision, open_database, write_transaction

OLD = "0001"


class Boom(RuntimeError):
    pass


def _schema(path: Path) -> list[tuple[str, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 2"
        ).fetchall()
    finally:
        con.close()


def _version(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    db = open_database(url, migrate=False)
    cfg = alembic_config(url)
    with write_transaction(db.engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, OLD)
    db.dispose()
    return path


@pytest.fixture
def fail_at_the_last_step():
    head = head_revision()

    def fail(conn, cursor, statement, *args):
        if "alembic_version" in statement and f"'{head}'" in statement:
            raise Boom("the last step of the upgrade failed")

    event.listen(Engine, "before_cursor_execute", fail)
    yield
    event.remove(Engine, "before_cursor_execute", fail)


@pytest.mark.parametrize("how", ["herald", "alembic-command"])
def test_a_failed_upgrade_leaves_the_old_schema_whole(old_db, fail_at_the_last_step, how):
    assert head_revision() != OLD and int(head_revision()) - int(OLD) >= 2  # several steps
    before = _schema(old_db)
    reference = old_db.with_name("reference.db")
    shutil.copy(old_db, reference)
    url = f"sqlite:///{old_db}"
    with pytest.raises(Boom):
        if how == "herald":
            open_database(url)
        else:
            command.upgrade(alembic_config(url), "head")
    assert _version(old_db) == OLD
    assert _schema(old_db) == before


def test_the_alembic_command_alone_upgrades_to_head(old_db):
    command.upgrade(alembic_config(f"sqlite:///{old_db}"), "head")
    assert _version(old_db) == head_revision()


def _upgrade_at_once(url: str, count: int = 4) -> list[BaseException]:
    import threading

    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            open_database(url).dispose()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, name=f"start-{i}") for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_workers_starting_at_once_on_an_old_sqlite_file_all_start(old_db):
    assert _upgrade_at_once(f"sqlite:///{old_db}") == []
    assert _version(old_db) == head_revision()


@pytest.mark.postgres
def test_workers_starting_at_once_on_postgres_all_start():
    from sqlalchemy import create_engine

    from app.core.db import current_revision
    from tests.integration.pg import pg_schema_url

    schemas = pg_schema_url()
    url = next(schemas)
    try:
        assert _upgrade_at_once(url) == []
        engine = create_engine(url)
        assert current_revision(engine) == head_revision()
        engine.dispose()
    finally:
        schemas.close()
