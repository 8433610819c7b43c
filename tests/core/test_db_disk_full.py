"""A full disk is one DiskFullError with one message for a person, whichever way the database
says it: SQLITE_FULL, an SQLite I/O error with no free space left, PostgreSQL's 53100, or the
"no such savepoint" that follows when SQLite rolled the transaction back by itself."""

from __future__ import annotations

import shutil
import sqlite3
from collections import namedtuple
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from app.core import db as dbmod
from app.core.db import DatabaseError, DiskFullError, database_place, open_database
from app.core.engine.txn import write_session
from app.core.models import Workspace

Usage = namedtuple("Usage", "total used free")


def cap_pages(db: dbmod.Database, extra: int) -> None:
    """Let the SQLite file grow by `extra` pages at most (a full disk without a mount)."""
    with db.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0) + extra
    event.listen(db.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages}"))
    db.engine.dispose()  # the pooled connection has no cap yet


def workspace(i: int) -> Workspace:
    return Workspace(name=f"W{i} " + "x" * 100, timezone="UTC", created_at=datetime.now(UTC))


def count(db: dbmod.Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Workspace)) or 0)


def test_message_names_the_place_and_says_nothing_was_lost(tmp_path):
    exc = DiskFullError(database_place(f"sqlite:///{tmp_path / 'h.db'}"))
    assert isinstance(exc, DatabaseError)
    assert str(exc) == (
        f"The disk holding Herald's database ({tmp_path / 'h.db'}) is full; free some space "
        "and try again. Nothing was lost."
    )
    where = database_place("postgresql+psycopg://u:secret@db.example:5433/herald")
    assert where == "db.example:5433/herald"
    assert database_place("postgresql+psycopg:///herald") == "localhost/herald"


def test_sqlite_full_is_disk_full_and_keeps_what_was_committed(db, db_url):
    with db.session() as s:
        s.add(workspace(0))
        s.commit()
    cap_pages(db, 3)
    with pytest.raises(DiskFullError) as caught, db.session() as s:
        for i in range(1, 2000):
            s.add(workspace(i))
            s.commit()
    assert str(db.engine.url.database) in str(caught.value)
    assert "is full; free some space and try again. Nothing was lost." in str(caught.value)
    kept = count(db)
    assert kept >= 1
    db.dispose()
    again = open_database(db_url)
    try:
        assert count(again) == kept
        with again.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        again.dispose()


def test_disk_full_inside_savepoints_is_disk_full_and_rolls_back_everything(db):
    """The CSV import's shape: one transaction, a SAVEPOINT per row. SQLite may roll the
    whole transaction back on SQLITE_FULL; the ROLLBACK TO that follows must not hide it."""
    cap_pages(db, 3)
    with pytest.raises(DiskFullError), write_session(db) as s:
        for i in range(2000):
            with s.begin_nested():
                s.add(workspace(i))
    assert count(db) == 0


def test_after_a_full_disk_a_lost_savepoint_still_says_disk_full(db):
    with db.engine.connect() as conn:
        with pytest.raises(OperationalError, match="no such savepoint"):
            conn.exec_driver_sql("ROLLBACK TO SAVEPOINT gone")
        conn.rollback()
    cap_pages(db, 2)
    with db.engine.connect() as conn:
        with pytest.raises(DiskFullError):
            for i in range(2000):
                conn.execute(
                    text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                    {"k": f"k{i}", "v": "v" * 2000},
                )
        with pytest.raises(DiskFullError):  # the aftermath on the same connection
            conn.exec_driver_sql("ROLLBACK TO SAVEPOINT gone")
        conn.rollback()


@pytest.mark.parametrize(("free", "full"), [(10, True), (50_000_000, False)])
def test_sqlite_io_error_is_disk_full_only_without_free_space(db_url, monkeypatch, free, full):
    """SQLite says "disk I/O error" when it cannot even create its WAL or journal file."""
    engine = dbmod.create_db_engine(db_url)

    @event.listens_for(engine, "connect")
    def _broken(_conn, _record):
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorcode = 10 | (3 << 8)  # SQLITE_IOERR_WRITE
        raise exc

    monkeypatch.setattr(shutil, "disk_usage", lambda _p: Usage(1 << 30, (1 << 30) - free, free))
    try:
        with pytest.raises(DiskFullError if full else OperationalError) as caught:
            engine.connect()
        assert ("is full" in str(caught.value)) is full
    finally:
        engine.dispose()


def test_other_database_errors_pass_through(db):
    with db.engine.connect() as conn, pytest.raises(OperationalError, match="no such table"):
        conn.exec_driver_sql("SELECT * FROM nowhere")


def test_postgresql_disk_full_is_disk_full():
    from tests.integration.pg import pg_schema_url

    urls = pg_schema_url()
    url = next(urls)
    engine = dbmod.create_db_engine(url)
    try:
        with engine.connect() as conn, pytest.raises(DiskFullError) as caught:
            conn.exec_driver_sql(
                "DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; "
                "END $$"
            )
        assert f"({database_place(url)}) is full" in str(caught.value)
        assert "secret" not in str(caught.value)
    finally:
        engine.dispose()
        urls.close()
