"""Instant hand-off between processes on PostgreSQL: LISTEN/NOTIFY on one channel.

A change that makes publishing work due (a post scheduled, edited, rescheduled, published now,
retried) calls `announce_due` in its own transaction; PostgreSQL delivers the notification at
commit (and drops it on rollback), so a worker on another machine wakes as soon as the work is
visible to it, not at its next timed wake-up. Notifications carry nothing: a woken worker just
looks at the database again. SQLite needs none of this (one machine: the in-process events
wake the engine).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from app.core.db import Database

log = logging.getLogger(__name__)

CHANNEL = "herald_due"
RECONNECT_S = 2.0
POLL_S = 0.5  # how often the listening thread looks at its stop flag


def announce_due(session: Any) -> None:
    """Wake every listening worker when this transaction commits (PostgreSQL only).

    `session`: a Session or Connection inside the transaction that made the work due."""
    bind = session.get_bind() if hasattr(session, "get_bind") else session
    if bind.dialect.name != "postgresql":
        return
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


class DueListener:
    """A thread holding one dedicated connection that LISTENs on `CHANNEL` and calls `wake`
    for each notification; it reconnects after a lost connection (and wakes then, since
    notifications sent while it was away are lost)."""

    def __init__(self, db: Database, wake: Callable[[], None]) -> None:
        self.db = db
        self.wake = wake
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="herald-due-listener", daemon=True)

    def start(self) -> DueListener:
        self._thread.start()
        return self

    def wait_ready(self, timeout: float) -> bool:
        """True once LISTEN is in effect (tests: nothing committed after this is missed)."""
        return self._ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(POLL_S * 4)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 — the server restarted, the network went away …
                self._ready.clear()
                log.warning("listening for due work failed (%s); retrying", type(exc).__name__)
                self._stop.wait(RECONNECT_S)

    def _listen(self) -> None:
        # A connection of its own, detached from the pool: it is never handed to anyone else
        # while LISTENing, and closing it really closes it.
        raw = self.db.engine.raw_connection()
        raw.detach()
        conn: Any = raw.dbapi_connection  # psycopg's own Connection
        try:
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            if self._ready.is_set():
                self.wake()  # reconnected: anything announced meanwhile was lost
            self._ready.set()
            while not self._stop.is_set():
                for _note in conn.notifies(timeout=POLL_S):
                    self.wake()  # a burst just keeps the engine's wake flag set
        finally:
            raw.close()
