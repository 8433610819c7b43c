"""A full disk under the database (SQLite's or PostgreSQL's) turned into DiskFullError, with
one message for a person, whatever statement hit it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import weakref
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext

from app.core.db_errors import DiskFullError
from app.core.db_urls import database_place, is_sqlite_url, sqlite_path

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


def watch_for_full_disk(engine: Engine, url: str) -> None:
    """Turn the database's "disk full" (SQLITE_FULL, an SQLite I/O error with no free space
    left, PostgreSQL 53100) into DiskFullError, with one message for a person.

    SQLite may roll the whole transaction back on SQLITE_FULL; the rollback to a SAVEPOINT
    that follows then fails with "no such savepoint". A connection that has seen a full
    disk reports that aftermath as the full disk too."""
    path = sqlite_path(url) if is_sqlite_url(url) else None
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
