"""A worker's health as one line: last claim, in flight, backlog, lag (issue 24, operations).

`python main.py worker --status-file PATH` rewrites PATH with the line every few seconds
(atomically: a monitor never reads half a line), and SIGUSR1 logs the same line at once.

    herald-worker owner=host:123:ab at=2026-12-04T16:00:05Z last_claim=2026-12-04T16:00:04Z
    in_flight=12 backlog=340 lag_s=2.5 published=1800 failed=0

- last_claim: when this worker last held new work: seen as a newly IN_FLIGHT target it owns
  at a sample, or an outcome it announced (so claims finished between samples count too);
  "never" before its first.
- in_flight: targets this worker holds right now.
- backlog: targets due and claimable now by any worker (the shared queue, not this worker's).
- lag_s: how late the oldest of those is (0 when nothing is due): above a minute or two,
  add workers or look at the platforms.
The reporter only reads the database and listens to the engine's events; it never claims.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.core import events as ev
from app.core.clock import Clock
from app.core.db import Database
from app.core.engine.claim import claimable
from app.core.models import Account, Post, Target, TargetStatus

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 5.0


@dataclass(frozen=True)
class Health:
    owner: str
    at: datetime
    last_claim: datetime | None
    in_flight: int
    backlog: int
    lag_s: float
    published: int
    failed: int

    def line(self) -> str:
        last = _iso(self.last_claim) if self.last_claim else "never"
        return (
            f"herald-worker owner={self.owner} at={_iso(self.at)} last_claim={last} "
            f"in_flight={self.in_flight} backlog={self.backlog} lag_s={self.lag_s:.1f} "
            f"published={self.published} failed={self.failed}"
        )


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomically(path: Path, line: str) -> None:
    """Write `line` to `path` so a reader sees the old line or the new one, never a mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(line + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class HealthReporter:
    """Samples the worker's health every `interval_s` when it has a status file to write, and
    on `request()` (e.g. SIGUSR1)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        owner: str,
        events: ev.EventHub,
        *,
        status_file: Path | None = None,
        interval_s: float = DEFAULT_INTERVAL_S,
    ) -> None:
        self.db = db
        self.clock = clock
        self.owner = owner
        self.status_file = status_file
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._last_claim: datetime | None = None
        self._held: set[int] = set()
        self._published = 0
        self._failed = 0
        self._wanted = threading.Event()
        self._log_next = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        events.subscribe(self._on_event)

    def _on_event(self, event: ev.Event) -> None:
        if event.kind not in (ev.TARGET_PUBLISHED, ev.TARGET_FAILED):
            return
        with self._lock:
            self._last_claim = self.clock.now()  # its claim came just before
            if event.kind == ev.TARGET_PUBLISHED:
                self._published += 1
            else:
                self._failed += 1

    def sample(self) -> Health:
        now = self.clock.now()
        with self.db.session() as s:
            held = set(
                s.scalars(
                    select(Target.id).where(
                        Target.status == TargetStatus.IN_FLIGHT, Target.lease_owner == self.owner
                    )
                )
            )
            backlog, oldest = s.execute(
                select(func.count(Target.id), func.min(Target.next_attempt_at))
                .join(Account, Account.id == Target.account_id)
                .join(Post, Post.id == Target.post_id)
                .where(claimable(now))
            ).one()
        with self._lock:
            if held - self._held:
                self._last_claim = now
            self._held = held
            return Health(
                owner=self.owner,
                at=now,
                last_claim=self._last_claim,
                in_flight=len(held),
                backlog=int(backlog or 0),
                lag_s=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
                published=self._published,
                failed=self._failed,
            )

    def report(self, *, to_log: bool = False) -> str:
        line = self.sample().line()
        if self.status_file is not None:
            write_atomically(self.status_file, line)
        if to_log:
            log.info("%s", line)
            print(line, flush=True)  # a service's journal keeps stdout
        return line

    def request(self, *_: object) -> None:
        """Log the line as soon as possible. Safe from a signal handler: only sets flags."""
        self._log_next = True
        self._wanted.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="worker-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            to_log, self._log_next = self._log_next, False
            # Without a status file the line is only wanted on request (SIGUSR1): sampling
            # every few seconds counted the whole backlog for nobody (16 workers: three
            # counts a second against the queue they were draining).
            try:
                if to_log or self.status_file is not None:
                    self.report(to_log=to_log)
            except Exception:  # a busy or restarting database: try again next time
                log.warning("worker health: could not sample", exc_info=True)
            self._wanted.wait(self.interval_s)
            self._wanted.clear()
