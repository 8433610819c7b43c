"""The SQLAlchemy engine for a database URL: SQLite in WAL mode with foreign keys and a busy
timeout (so several threads and processes can share it safely), PostgreSQL pooled; both
watched for a full disk. And the write transaction that takes SQLite's lock up front."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event

from app.core import filemodes
from app.core.db_diskfull import watch_for_full_disk
from app.core.db_urls import is_sqlite_url, sqlite_path

SQLITE_BUSY_TIMEOUT_S = 15


def create_db_engine(url: str) -> Engine:
    engine = _create_db_engine(url)
    watch_for_full_disk(engine, url)
    return engine


def _create_db_engine(url: str) -> Engine:
    if is_sqlite_url(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only from the start; SQLite gives its -wal and -shm files the same mode.
            filemodes.create_private_file(path)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # pysqlite's own transaction handling defers BEGIN; we issue BEGIN ourselves so
            # that a claim can ask for BEGIN IMMEDIATE (SQLAlchemy's documented recipe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock up front: SQLite `BEGIN IMMEDIATE`, so two
    claimers never both read the same rows before one of them writes. Elsewhere a plain
    transaction (PostgreSQL claims use FOR UPDATE SKIP LOCKED instead)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with conn.begin():
            yield conn
