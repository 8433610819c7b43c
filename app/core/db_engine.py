"""The SQLAlchemy engine for a database URL: SQLite in WAL mode with foreign keys and a busy
timeout (so several threads and processes can share it safely), PostgreSQL pooled; both
watched for a full disk. And the write transaction that takes SQLite's lock up front."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event

from app.core import filemodes
from app.core.db_diskfull import watch_for_full_disk
from app.core.db_urls import is_sqlite_url, sqlite_path

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 15
#: PostgreSQL pool when nothing sizes it: 5 kept, up to 10 more on demand (a desktop)
DEFAULT_POOL_SIZE = 5
DEFAULT_MAX_OVERFLOW = 10
#: environment override of the pool size (a worker's systemd env file, a desktop)
POOL_SIZE_ENV = "HERALD_DB_POOL_SIZE"


def pool_size_from_env() -> int | None:
    """`HERALD_DB_POOL_SIZE` as a positive int, None when unset; ValueError when not one."""
    raw = os.environ.get(POOL_SIZE_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{POOL_SIZE_ENV} must be a positive whole number, not {raw!r}")
    return int(raw)


def create_db_engine(url: str, *, pool_size: int | None = None) -> Engine:
    """`pool_size` (PostgreSQL): at most this many pooled connections, none beyond it (a
    worker sized to its concurrency); None: HERALD_DB_POOL_SIZE, else 5 + 10 on demand."""
    if pool_size is None:
        try:
            pool_size = pool_size_from_env()
        except ValueError as exc:
            log.warning("%s; using the default pool", exc)
    engine = _create_db_engine(url, pool_size)
    watch_for_full_disk(engine, url)
    return engine


def _create_db_engine(url: str, pool_size: int | None = None) -> Engine:
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
    if pool_size is None:
        return create_engine(
            url, pool_pre_ping=True, pool_size=DEFAULT_POOL_SIZE, max_overflow=DEFAULT_MAX_OVERFLOW
        )
    # A hard cap: threads beyond it wait for a connection (transactions are short; no
    # network I/O happens inside one), so N workers' connections add up to a known number.
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=0)


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
