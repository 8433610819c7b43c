"""Database connection, session factory and schema upgrades (Alembic) with a backup first.

One place decides the URL: `--db URL` beats `HERALD_DB_URL`, which beats the embedded
SQLite file in the user-data folder. SQLite runs in WAL mode with foreign keys and a busy
timeout, so several threads and processes can share it safely.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.core import paths

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 15
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseError(RuntimeError):
    """A database problem explained for a person (newer schema, unreachable server...)."""


class NewerSchemaError(DatabaseError):
    pass


class DiskFullError(DatabaseError):
    """The disk (or the PostgreSQL server's disk) holding the database has no space left.

    Whatever the failed statement or transaction wrote was rolled back; what was committed
    before is intact."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(
            f"The disk holding Herald's database ({where}) is full; free some space and try "
            "again. Nothing was lost."
        )


def resolve_url(cli_url: str | None = None) -> str:
    url = cli_url or os.environ.get("HERALD_DB_URL") or paths.default_db_url()
    try:
        make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL inside
        raise DatabaseError(
            "the database URL is not valid (expected e.g. sqlite:///file.db)"
        ) from exc
    return url


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


#: SQLite result codes (the low byte of an extended code)
SQLITE_IOERR = 10
SQLITE_FULL = 13
#: PostgreSQL's disk_full
PG_DISK_FULL = "53100"
#: below this much free space an SQLite I/O error is taken for a full disk
LOW_DISK_BYTES = 1_000_000
#: what SQLite says when a statement runs after it rolled the transaction back on its own
#: (as it may on SQLITE_FULL, e.g. inside a SAVEPOINT)
_AFTERMATH = ("no such savepoint", "no transaction is active")


def database_place(url: str) -> str:
    """Where the database lives, for a person: the SQLite file, or PostgreSQL's host/db."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        return str(path) if path is not None else "in memory"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc)
    if "database or disk is full" in text:
        return SQLITE_FULL
    if "disk I/O error" in text:
        return SQLITE_IOERR
    return None


def _low_on_space(path: Path | None) -> bool:
    if path is None:
        return False
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < LOW_DISK_BYTES
    except OSError:
        return False


def _is_disk_full(exc: BaseException, path: Path | None) -> bool:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if state == PG_DISK_FULL:
        return True
    if not isinstance(exc, sqlite3.Error):
        return False
    code = _sqlite_code(exc)
    return code == SQLITE_FULL or (code == SQLITE_IOERR and _low_on_space(path))


def _watch_for_full_disk(engine: Engine, url: str) -> None:
    """Turn the database's "disk full" (SQLITE_FULL, an SQLite I/O error with no free space
    left, PostgreSQL 53100) into DiskFullError, with one message for a person.

    SQLite may roll the whole transaction back on SQLITE_FULL; the rollback to a SAVEPOINT
    that follows then fails with "no such savepoint". A connection that has seen a full
    disk reports that aftermath as the full disk too."""
    path = sqlite_path(url) if _is_sqlite(url) else None
    where = database_place(url)
    filled: weakref.WeakSet[Connection] = weakref.WeakSet()  # each checkout is its own
    lock = threading.Lock()  # the engine's threads share the engine

    @event.listens_for(engine, "handle_error")
    def _disk_full(context: ExceptionContext) -> None:
        exc = context.original_exception
        conn = context.connection
        if _is_disk_full(exc, path):
            if conn is not None:
                with lock:
                    filled.add(conn)
            raise DiskFullError(where) from exc
        if conn is not None and any(m in str(exc) for m in _AFTERMATH):
            with lock:
                seen = conn in filled
            if seen:
                raise DiskFullError(where) from exc


def create_db_engine(url: str) -> Engine:
    engine = _create_db_engine(url)
    _watch_for_full_disk(engine, url)
    return engine


def _create_db_engine(url: str) -> Engine:
    if _is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
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


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(path: Path, reason: str) -> Path | None:
    """Consistent copy of a SQLite file (online backup API, WAL-safe) into the backups folder."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_dir = path.parent / "backups"
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{path.stem}-{stamp}-{reason}.db"
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    log.info("database backed up to %s", target)
    return target


def upgrade(engine: Engine, url: str) -> Path | None:
    """Bring the schema to head. Refuses a database made by a newer Herald, untouched.

    Returns the backup path when one was made (SQLite with an older schema).
    """
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    current = current_revision(engine)
    if current is not None and not _known(script, current):
        raise NewerSchemaError(
            f"This database was written by a newer version of Herald (schema {current}); "
            "update Herald to open it. Nothing was changed."
        )
    if current == head:
        return None
    backup = None
    path = sqlite_path(url)
    if path is not None and current is not None:
        backup = backup_sqlite(path, f"before-{head}")
    with engine.begin() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:
        return False


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessions()

    def write_session(self) -> Session:
        """A session for work that reads and then writes. On SQLite its transactions start
        with BEGIN IMMEDIATE: a deferred transaction that read first cannot take the write
        lock once another connection (the engine) has committed since, and fails at once
        with "database is locked" instead of waiting. Keep these transactions short."""
        if self.engine.dialect.name != "sqlite":
            return self.sessions()
        return self.sessions(bind=self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE"))

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    resolved = resolve_url(url)
    engine = create_db_engine(resolved)
    try:
        if migrate:
            upgrade(engine, resolved)
    except Exception:
        engine.dispose()
        raise
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))
