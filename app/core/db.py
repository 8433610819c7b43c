"""Database connection, session factory and schema upgrades (Alembic) with a backup first.

One place decides the URL: `--db URL` beats `HERALD_DB_URL`, which beats the embedded
SQLite file in the user-data folder. SQLite runs in WAL mode with foreign keys and a busy
timeout, so several threads and processes can share it safely.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
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
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.core import filemodes, integrity, paths

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 15
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: PostgreSQL advisory lock key held while the schema is upgraded ("HRLD")
PG_UPGRADE_LOCK = 0x48524C44


class DatabaseError(RuntimeError):
    """A database problem explained for a person (newer schema, unreachable server...)."""


class NewerSchemaError(DatabaseError):
    pass


class UnversionedDatabaseError(DatabaseError):
    """The database has tables but no Herald schema version: not Herald's, or its version
    record is gone. Refused untouched: upgrading it would fail half-way or damage it."""


class DamagedDatabaseError(DatabaseError):
    """The SQLite file fails its integrity check. Herald does not open it (not even to read:
    a normal open writes), and names the last good backup."""

    def __init__(self, path: Path, problem: str, backup: Path | None) -> None:
        self.path = path
        self.backup = backup
        beside = f"{path.name}-wal and {path.name}-shm"
        if backup is not None:
            todo = (
                f"to restore the last good backup, close Herald (every window and worker), "
                f"move {path.name} and any {beside} out of {path.parent}, then copy {backup} "
                f"to {path}"
            )
        else:
            todo = (
                f"there is no good backup of it in {path.parent / 'backups'}; close Herald, "
                f"restore it from your own backups, or move it (and any {beside}) aside to "
                "start with an empty database"
            )
        super().__init__(
            f"The database {path} is damaged ({problem}); Herald has not changed it and will "
            f"not open it. {todo[0].upper()}{todo[1:]}."
        )


def check_integrity(path: Path) -> None:
    """Raise DamagedDatabaseError when the SQLite file at `path` is damaged (read-only)."""
    found = integrity.problem(path)
    if found is not None:
        backup = integrity.last_good_backup(path, backup_dir_for(path))
        raise DamagedDatabaseError(path, found.splitlines()[0], backup)


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


def backup_dir_for(path: Path) -> Path:
    """Where the backups of the SQLite file `path` go (beside it, in "backups")."""
    return path.parent / "backups"


#: a ".part" backup older than this was cut short (a kill): removed at the next backup
STALE_PART_S = 3600


def backup_sqlite(path: Path, reason: str) -> Path | None:
    """Consistent copy of a SQLite file (online backup API, WAL-safe) into the backups folder.

    Written under a unique ".part" name and renamed when complete: a copy cut short (a kill,
    a full disk) is never taken for a good backup. Owner-only, like the database."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_dir = filemodes.private_dir(backup_dir_for(path))
    now = time.time()
    for stale in target_dir.glob(f"{path.stem}-*.part"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink()
    target = target_dir / f"{path.stem}-{stamp}-{reason}.db"
    fd, name = tempfile.mkstemp(prefix=f"{target.stem}-", suffix=".part", dir=target_dir)
    os.close(fd)  # mkstemp: 0600
    partial = Path(name)
    try:
        src = sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
            # The copy is a standalone file: no -wal beside it to lose in the rename.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info("database backed up to %s", target)
    return target


def _tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def _refuse_unversioned(tables: list[str], url: str) -> None:
    """Refuse a database holding tables but no alembic_version (not Herald's, or its version
    record lost): upgrading would fail on "table ... already exists" or damage it."""
    tables = [t for t in tables if t != "alembic_version"]  # an empty one says nothing
    if not tables:
        return
    shown = ", ".join(tables[:4]) + (", ..." if len(tables) > 4 else "")
    path = sqlite_path(url)
    if path is not None:
        what = f"The file {path}"
        todo = (
            "choose another file with --db (or HERALD_DB_URL), or, if this was Herald's "
            f"database, restore a backup from {backup_dir_for(path)}"
        )
    else:
        what = f"The database {database_place(url)}"
        todo = "choose another database with --db (or HERALD_DB_URL), or restore a backup of it"
    raise UnversionedDatabaseError(
        f"{what} already holds tables ({shown}) but no Herald schema version: it was not "
        f"made by Herald, or its version record (alembic_version) is gone. Nothing was "
        f"changed; {todo}."
    )


def upgrade(engine: Engine, url: str) -> Path | None:
    """Bring the schema to head. Refuses a database made by a newer Herald, and one with
    tables but no schema version, untouched.

    All pending migrations run in one transaction (SQLite and PostgreSQL both have
    transactional DDL): a kill leaves the schema either fully upgraded or not started.
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
    if current is None:
        _refuse_unversioned(_tables(engine), url)
    path = sqlite_path(url)
    # Two workers starting at once queue here (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
    # transaction-scoped advisory lock); the second finds the schema already at head.
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_UPGRADE_LOCK})")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return None
        backup = None
        if path is not None and current is not None:
            # Under the write lock: readers (this copy) go on, nobody writes meanwhile.
            backup = backup_sqlite(path, f"before-{head}")
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


def secure_files(url: str) -> None:
    """Make Herald's folders (data, backups, media, logs) and an SQLite database given
    elsewhere with its -wal, -shm and backups owner-only, saying so once if they were not.
    Folders not made yet are left to be created private."""
    trees = [p for p in (paths.data_path(), paths.log_path()) if p.is_dir()]
    files: list[Path] = []
    path = sqlite_path(url)
    if path is not None:
        files = [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))]
        if backup_dir_for(path).is_dir():
            trees.append(backup_dir_for(path))
    filemodes.secure_existing(trees, files)


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default upgrade) Herald's database.

    An existing SQLite file is checked first (`PRAGMA quick_check`, read-only): a damaged one
    raises DamagedDatabaseError naming the last good backup, and nothing writes to it."""
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        # Both read-only: SQLite's normal open already writes (WAL mode) to a file we refuse.
        check_integrity(path)
        tables = integrity.tables(path) if migrate else []
        if "alembic_version" not in tables:
            _refuse_unversioned(tables, resolved)
    secure_files(resolved)
    engine = create_db_engine(resolved)
    try:
        if migrate:
            upgrade(engine, resolved)
    except Exception:
        engine.dispose()
        raise
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))
