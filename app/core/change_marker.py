"""A cheap "has the database changed?" token (issue 20: the calendar keeps the neighbouring
months it read ahead only while nothing has been written since).

`ChangeMarker(db).current()` returns a value that differs after any commit by anyone, or None
when no such value can be had (then nothing read ahead may be trusted):

- SQLite file: `PRAGMA data_version` on a connection of the marker's own that never writes.
  SQLite changes that number whenever another connection (this process's pool, another
  thread, another process) has committed to the file since the last time it was asked.
- PostgreSQL: `pg_current_wal_lsn()`: every committed write advances the write-ahead log.
  Writes anywhere in the cluster (and vacuum) advance it too; that only throws away more.
- An in-memory SQLite database (one shared connection) has no second connection: None.

A reader asks for the marker BEFORE it reads and keeps it beside what it read; the rows are
still right while `current()` returns the same value (a commit after the marker was taken
changes it, whether or not the read saw that commit).
"""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import text

from app.core.db import Database
from app.core.db_urls import sqlite_path


class ChangeMarker:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def current(self) -> object | None:
        """A token that changes after any commit to the database; None when unknown."""
        if self._broken:
            return None
        try:
            if self._db.is_sqlite:
                return self._sqlite()
            with self._db.engine.connect() as conn:
                return str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one())
        except Exception:  # noqa: BLE001 - no marker means nothing is trusted, never an error
            self._broken = True
            return None

    def _sqlite(self) -> object | None:
        path = sqlite_path(self._db.url)
        if path is None:
            return None
        with self._lock:
            if self._conn is None:
                uri = f"file:{path}?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            value = self._conn.execute("PRAGMA data_version").fetchone()[0]
            return (path, int(value))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
