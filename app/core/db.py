"""Database connection, session factory and schema upgrades (Alembic) with a backup first.

One place decides the URL: `--db URL` beats `HERALD_DB_URL`, which beats the embedded
SQLite file in the user-data folder. SQLite runs in WAL mode with foreign keys and a busy
timeout, so several threads and processes can share it safely.

The parts: db_urls (which database), db_engine (connections, write transactions),
db_diskfull, db_errors, db_backup (backups, integrity) and db_schema (upgrades). Every name
is importable from here; `open_database` calls `create_db_engine` through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core import filemodes, integrity, paths
from app.core.db_backup import STALE_PART_S, backup_dir_for, backup_sqlite, check_integrity
from app.core.db_engine import SQLITE_BUSY_TIMEOUT_S, create_db_engine, write_transaction
from app.core.db_errors import (
    DamagedDatabaseError,
    DatabaseError,
    DiskFullError,
    NewerSchemaError,
    UnversionedDatabaseError,
)
from app.core.db_head import schema_is_current
from app.core.db_urls import database_place, resolve_url, sqlite_path

__all__ = [
    "SQLITE_BUSY_TIMEOUT_S",
    "STALE_PART_S",
    "DamagedDatabaseError",
    "Database",
    "DatabaseError",
    "DiskFullError",
    "NewerSchemaError",
    "UnversionedDatabaseError",
    "backup_dir_for",
    "backup_sqlite",
    "check_integrity",
    "create_db_engine",
    "database_place",
    "open_database",
    "resolve_url",
    "secure_files",
    "sqlite_path",
    "write_transaction",
]

#: Names that live in app.core.db_schema (Alembic), loaded on first use so that opening a
#: database whose schema is at head never imports Alembic.
_FROM_SCHEMA = frozenset(
    {
        "MIGRATIONS_DIR",
        "PG_UPGRADE_LOCK",
        "alembic_config",
        "current_revision",
        "head_revision",
        "refuse_unversioned",
        "upgrade",
    }
)


def __getattr__(name: str) -> Any:
    if name in _FROM_SCHEMA:
        from app.core import db_schema

        return getattr(db_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def open_database(
    url: str | None = None, *, migrate: bool = True, pool_size: int | None = None
) -> Database:
    """Open (and by default upgrade) Herald's database. `pool_size`: see create_db_engine.

    An existing SQLite file is checked first (`PRAGMA quick_check`, read-only): a damaged one
    raises DamagedDatabaseError naming the last good backup, and nothing writes to it."""
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        # Both read-only: SQLite's normal open already writes (WAL mode) to a file we refuse.
        check_integrity(path)
        tables = integrity.tables(path) if migrate else []
        if "alembic_version" not in tables:
            from app.core.db_schema import refuse_unversioned

            refuse_unversioned(tables, resolved)
    secure_files(resolved)
    engine = create_db_engine(resolved, pool_size=pool_size)
    try:
        # Alembic is imported only when the schema is not already at head.
        if migrate and not schema_is_current(engine):
            from app.core.db_schema import upgrade

            upgrade(engine, resolved)
    except Exception:
        engine.dispose()
        raise
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))
