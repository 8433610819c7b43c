"""The database's clock: the one time that every worker on a database agrees on.

Leases, due times and look-up windows are written by one worker and judged by another, so the
engine reads them against a clock all workers share, never against its own machine's clock
(DESIGN.md, "Time between machines"):

- PostgreSQL: the server's `clock_timestamp()`. Asking the server before every claim and
  write-back would add a round trip to each, so `ServerClock` reads it every RESYNC_S seconds
  and carries it forward in between with this process's monotonic clock (which does not jump
  when someone sets the wall clock, and drifts by microseconds over RESYNC_S).
- SQLite: the file lives on one machine and every worker using it runs there, on that
  machine's clock; the caller's clock is the database's.

Tests inject a FakeClock as the database's clock and give each engine its own skewed clock
(`app.core.clock.OffsetClock`), so skews of minutes cost no waiting.

A worker's own clock still matters where the platforms judge time (token expiry, signed
requests) and where people read it, so `SkewGuard` makes a worker whose clock is off by more
than CLOCK_TOLERANCE refuse to claim until it agrees again.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.core.clock import Clock
from app.core.db import Database

log = logging.getLogger(__name__)

#: How far a worker's clock may differ from the database's before it stops claiming. Machines
#: kept by NTP agree within milliseconds, so minutes mean a broken clock, not drift. 5 minutes
#: keeps what still runs on the worker's clock meaningful: tokens are refreshed 5 minutes
#: before they expire by that clock (EngineSettings.refresh_margin) and a look-up searches
#: 10 minutes around the doubtful attempt (reconcile.LOOKUP_MARGIN). It is also the usual
#: limit elsewhere (Kerberos' default maximum clock skew).
CLOCK_TOLERANCE = timedelta(minutes=5)
#: seconds between two reads of the PostgreSQL server's clock
RESYNC_S = 30.0


class ServerClock:
    """PostgreSQL's `clock_timestamp()`, read every RESYNC_S seconds, carried forward by the
    monotonic clock in between. Thread-safe."""

    def __init__(self, db: Database, resync_s: float = RESYNC_S) -> None:
        self.db = db
        self.resync_s = resync_s
        self._lock = threading.Lock()
        self._base: tuple[datetime, float] | None = None  # (server time, monotonic then)

    def _read(self) -> tuple[datetime, float]:
        with self.db.engine.connect() as conn:
            before = time.monotonic()
            server = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
            after = time.monotonic()
        if server.tzinfo is None:  # timestamptz comes back aware; be safe with odd drivers
            server = server.replace(tzinfo=UTC)
        # The server read its clock somewhere in the round trip: its middle is the best guess.
        return server.astimezone(UTC), (before + after) / 2

    def now(self) -> datetime:
        with self._lock:
            base = self._base
            if base is None or time.monotonic() - base[1] >= self.resync_s:
                base = self._base = self._read()
        server, at = base
        return server + timedelta(seconds=time.monotonic() - at)


def database_clock(db: Database, local: Clock) -> Clock:
    """The clock leases and due times are judged by: the server's on PostgreSQL; on SQLite,
    `local` (the machine's clock, every worker on the file shares it)."""
    if db.is_sqlite:
        return local
    return ServerClock(db)


class SkewGuard:
    """May this worker claim? Not while its clock differs from the database's by more than
    `tolerance`. Says so once when it starts refusing and once when the clocks agree again."""

    def __init__(
        self, local: Clock, database: Clock, tolerance: timedelta = CLOCK_TOLERANCE
    ) -> None:
        self.local = local
        self.database = database
        self.tolerance = tolerance
        self._refusing = False

    @property
    def refusing(self) -> bool:
        return self._refusing

    def skew(self) -> timedelta:
        """How far this worker's clock is ahead of the database's (negative: behind)."""
        return self.local.now() - self.database.now()

    def allows_claiming(self) -> bool:
        skew = self.skew()
        seconds = skew.total_seconds()
        if abs(skew) > self.tolerance:
            if not self._refusing:
                self._refusing = True
                log.warning(
                    "this machine's clock is %.0f s %s the database's (more than the %.0f s "
                    "allowed): not claiming posts until the clocks agree; set this machine's "
                    "time (NTP)",
                    abs(seconds),
                    "ahead of" if seconds > 0 else "behind",
                    self.tolerance.total_seconds(),
                )
            return False
        if self._refusing:
            self._refusing = False
            log.info(
                "this machine's clock agrees with the database's again (%+.0f s): claiming "
                "posts again",
                seconds,
            )
        return True
