"""PublishingEngine: claims due targets, publishes them through the platform adapters and
records what happened. No Qt: the UI hosts it in a QThread, `main.py worker` runs it headless.

Two clocks. `clock` is this machine's; `db_clock` is the database's (app/core/dbclock.py), which
every worker on the database shares. Leases, due times, back-offs and look-up windows are read
and written on the database's clock only, so a worker whose clock runs ahead cannot take over a
lease that is still running elsewhere. The machine's clock is used for token expiry (the
adapters compute it on that clock) and to refuse claiming while it is off by more than
`EngineSettings.clock_tolerance`.

One cycle: reconcile expired leases → claim due work (atomically, with a lease) → publish each
target on its platform's thread pool (so one slow platform never starves the others) → short
write-back transaction per target. Between cycles the engine sleeps until the earliest due
time (at most a minute) and is woken at once by POSTS_CHANGED / ACCOUNTS_CHANGED events, by a
finished publish (to claim more) and by a FakeClock moving.

The rooms: this module is the loop; attempt.py is one target's turn, policy.py decides what
follows a failure, outcomes.py records it, access.py holds accounts' credentials,
connectivity.py the network and disk states, pools.py the per-platform threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from concurrent.futures import Future
from typing import Any

from app.core import events as ev
from app.core.accounts import AccountService
from app.core.clock import Clock
from app.core.db import Database, DiskFullError
from app.core.dbclock import SkewGuard, database_clock
from app.core.engine import claim, handoff, ratelimits, store
from app.core.engine.access import AccountAccess
from app.core.engine.attempt import Attempts
from app.core.engine.connectivity import Connectivity, Storage
from app.core.engine.missed import Missed, grace_period, mark_missed
from app.core.engine.outcomes import Recorder
from app.core.engine.part_cycle import PartCycle, split_keys
from app.core.engine.pools import PlatformPools
from app.core.engine.results import NetworkState, Outcome, RunResult
from app.core.engine.settings import AdapterSource, EngineSettings, default_owner
from app.core.engine.txn import retrying
from app.core.engine.wakeup import Waker, movable_clocks

__all__ = [
    "AdapterSource",
    "EngineSettings",
    "NetworkState",
    "Outcome",
    "PublishingEngine",
    "RunResult",
    "default_owner",
]

log = logging.getLogger(__name__)

#: how often `run_forever(until_idle=True)` re-checks whether everything is done
UNTIL_IDLE_POLL_S = 0.25
#: seconds between tries to write again after the database's disk filled up
DISK_FULL_RETRY_S = 10.0
#: seconds between looks at the clocks while this machine's clock is too far off to claim
SKEW_RECHECK_S = 5.0


class PublishingEngine:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapters: AdapterSource,
        events: ev.EventHub,
        accounts: AccountService,
        settings: EngineSettings | None = None,
        db_clock: Clock | None = None,
    ) -> None:
        """`db_clock`: the database's clock; by default the server's on PostgreSQL and
        `clock` on SQLite (see app/core/dbclock.py)."""
        self.db = db
        self.clock = clock
        self.db_clock = db_clock if db_clock is not None else database_clock(db, clock)
        self.adapters = adapters
        self.events = events
        self.accounts = accounts
        self.settings = settings or EngineSettings()
        self.owner = self.settings.owner or default_owner()
        self.skew = SkewGuard(clock, self.db_clock, self.settings.clock_tolerance)
        self._waker = Waker()
        self._stopping = threading.Event()
        self._started = False
        self._connectivity = Connectivity(events, self.db_clock, self.settings.network_retry)
        self._storage = Storage(events)
        self._pools = PlatformPools(self.settings.per_platform, self._storage, self.wake)
        with db.session() as s:
            self._budgets = ratelimits.load_defaults(s)
        self._access = AccountAccess(db, clock, accounts, adapters, events, self.settings)
        recorder = Recorder(
            db, self.db_clock, self.owner, events, self._budgets, self._connectivity, self._access
        )
        self._attempts = Attempts(
            db,
            self.db_clock,
            self.owner,
            self.settings,
            adapters,
            self._access,
            recorder,
            self._stopping,
        )
        # Chain parts and first comments (issue 19): their own claims, the same pools.
        self._parts = PartCycle(
            db,
            self.db_clock,
            self.owner,
            self.settings,
            adapters,
            self._access,
            self._connectivity,
            events,
            self._stopping,
            self._pools,
            self._budgets,
        )

    # ------------------------------------------------------------ state

    @property
    def network(self) -> NetworkState:
        return self._connectivity.state

    def wake(self, *_: Any) -> None:
        """Re-check due work now (posts changed, an account was reconnected, time moved)."""
        self._waker.wake()

    def _on_accounts_changed(self, _event: ev.Event) -> None:
        self._access.forget()
        self.wake()

    def start(self) -> Missed:
        """Once per engine: targets that fell due long ago while Herald was closed → MISSED."""
        if self._started:
            return Missed((), ())
        self._started = True
        grace = self.settings.grace if self.settings.grace is not None else grace_period(self.db)
        missed = mark_missed(self.db, self.db_clock.now(), grace)
        if missed.post_ids:
            log.info("%d posts missed their time while Herald was closed", len(missed.post_ids))
            self.events.publish(ev.MISSED_POSTS, post_ids=list(missed.post_ids))
        return missed

    # ------------------------------------------------------------ one cycle (tests)

    def run_once(self) -> RunResult:
        """Reconcile, claim one batch, publish it and wait for every result. Deterministic with
        a FakeClock: no sleeping, no background claiming."""
        self.start()
        futures = self._cycle()
        outcomes: Counter[str] = Counter(str(f.result()) for f in futures[0] + futures[1])
        return RunResult(len(futures[1]), len(futures[0]), dict(outcomes))

    def run_until_idle(self, max_cycles: int = 1000) -> RunResult:
        """`run_once` until a cycle finds nothing to do; the summed result."""
        total: Counter[str] = Counter()
        claimed = reconciled = 0
        for _ in range(max_cycles):
            r = self.run_once()
            if not r.busy:
                break
            claimed += r.claimed
            reconciled += r.reconciled
            total.update(r.outcomes)
        return RunResult(claimed, reconciled, dict(total))

    def _cycle(self) -> tuple[list[Future[Outcome]], list[Future[Outcome]]]:
        now = self.db_clock.now()
        free = self.settings.batch_limit - self._pools.inflight_count()
        probing = not self._connectivity.online
        if probing:
            probe_at = self._connectivity.probe_at
            if probe_at is not None and now < probe_at:
                return [], []
            free = min(free, 1)  # one target finds out whether the network is back
        if free <= 0 or (not probing and free < self._refill_at()):
            return [], []  # enough in hand: claim again in one batch once it has run down
        if not self.skew.allows_claiming():
            return [], []  # logged once; the heartbeat keeps renewing what is in flight
        lease = self.settings.lease
        expired = retrying(lambda: claim.claim_expired(self.db, self.owner, now, free, lease))
        due = retrying(
            lambda: claim.claim_due(
                self.db, self.owner, now, free - len(expired), lease, self._budgets
            )
        )
        if probing and (expired or due):
            self._connectivity.probing(now)
        self._pools.hold(expired + due)
        works = store.load_works(self.db, expired + due, self.owner)
        # Taken over meanwhile (cannot normally happen: we just claimed them).
        self._pools.drop(tid for tid in expired + due if tid not in works)
        recon = [
            self._pools.submit(works[t], self._attempts.reconcile) for t in expired if t in works
        ]
        pubs = [self._pools.submit(works[t], self._attempts.publish) for t in due if t in works]
        part_recon, part_pubs = self._parts.cycle(now, free - len(expired) - len(due))
        return recon + part_recon, pubs + part_pubs

    # ------------------------------------------------------------ forever (hosts)

    def run_forever(self, stop: threading.Event, *, until_idle: bool = False) -> None:
        """Publish until `stop` is set (or, with `until_idle`, until nothing is due or in flight
        anywhere). On stop: claim nothing more, let running publishes finish, give back claimed
        work that had not started."""
        unsubscribe = [
            self.events.subscribe(lambda _e: self.wake(), ev.POSTS_CHANGED),
            self.events.subscribe(self._on_accounts_changed, ev.ACCOUNTS_CHANGED),
        ]
        clocks = movable_clocks(self.clock, self.db_clock)
        for c in clocks:
            c.on_change(self.wake)
        stop_watch = threading.Thread(
            target=self._watch_stop, args=(stop,), name="herald-engine-stop", daemon=True
        )
        stop_watch.start()
        # PostgreSQL: work made due by another process (another desktop, the CLI) wakes us at
        # its commit instead of at our next timed wake-up.
        listener = (
            handoff.DueListener(self.db, self.wake).start()
            if self.db.engine.dialect.name == "postgresql"
            else None
        )
        try:
            self.start()
            self._loop(stop, until_idle)
        finally:
            self._stopping.set()
            self.wake()
            self.close()
            for c in clocks:
                c.remove_listener(self.wake)
            for unsub in unsubscribe:
                unsub()
            stop.set()  # lets the watcher end
            stop_watch.join(2)
            if listener is not None:
                listener.stop()

    def _loop(self, stop: threading.Event, until_idle: bool) -> None:
        next_heartbeat = time.monotonic() + self._heartbeat_s()
        while not stop.is_set():
            try:
                recon, pubs = self._cycle()
            except DiskFullError as exc:
                # Nothing can be recorded: claim nothing until there is space again.
                self._storage.state(ok=False, reason=str(exc))
                self._waker.sleep(DISK_FULL_RETRY_S, stop)
                continue
            except Exception:
                log.exception("claiming failed; trying again shortly")
                self._waker.sleep(1.0, stop)
                continue
            if recon or pubs:  # claiming wrote to the database
                self._storage.state(ok=True)
            if time.monotonic() >= next_heartbeat:
                self._heartbeat()
                next_heartbeat = time.monotonic() + self._heartbeat_s()
            if until_idle and self._idle():
                break
            timeout = min(self._sleep_for(), max(0.0, next_heartbeat - time.monotonic()))
            if until_idle:
                # Other workers' in-flight work ends without waking us (another process):
                # look again soon instead of sleeping until their leases expire.
                timeout = min(timeout, UNTIL_IDLE_POLL_S)
            self._waker.sleep(timeout, stop)

    def _watch_stop(self, stop: threading.Event) -> None:
        stop.wait()
        self._stopping.set()
        self.wake()

    def _refill_at(self) -> int:
        """Free places at which claiming starts again while work is in hand: half a batch.
        A claim per finished publish cost a whole claim transaction (a dozen statements and
        the budget rows' locks) per target; in halves, a claim takes several at once while
        the other half keeps the pools busy."""
        return max(1, self.settings.batch_limit // 2)

    def _heartbeat_s(self) -> float:
        return max(0.2, self.settings.lease.total_seconds() / 3)

    def _heartbeat(self) -> None:
        ids, part_ids = split_keys(self._pools.inflight())
        if ids or part_ids:
            try:
                until = self.db_clock.now() + self.settings.lease
                claim.renew_leases(self.db, self.owner, ids, until)
                self._parts.renew(part_ids, until)
            except Exception:
                log.exception("could not renew leases")

    def _idle(self) -> bool:
        if self._pools.inflight_count() or not self._connectivity.online:
            return False
        now = self.db_clock.now()
        return not claim.anything_left(self.db, now) and self._parts.idle(now)

    def _sleep_for(self) -> float:
        """Seconds until something may be due: the earliest due target, capped."""
        now = self.db_clock.now()
        cap = self.settings.max_sleep.total_seconds()
        held = self._pools.inflight_count()
        if held and self.settings.batch_limit - held < self._refill_at():
            return cap  # a finishing publish wakes us
        if self.skew.refusing:
            return min(cap, SKEW_RECHECK_S)  # not claiming: no due time concerns us
        probe_at = self._connectivity.probe_at
        if not self._connectivity.online and probe_at is not None:
            return max(0.0, min(cap, (probe_at - now).total_seconds()))
        times = [t for t in (claim.next_wakeup(self.db, now), self._parts.next_wakeup(now)) if t]
        nxt = min(times) if times else None
        if nxt is None:
            return cap
        # Due already but not claimable by us right now (locked by another claimer): a
        # short pause instead of a busy loop.
        return max(0.01, min(cap, (nxt - now).total_seconds()))

    def close(self) -> None:
        """Stop the pools: running publishes finish, queued ones release their targets."""
        self._stopping.set()
        left, left_parts = split_keys(self._pools.close())
        if left:
            store.release(self.db, left, self.owner, self.db_clock.now())
        if left_parts:
            self._parts.release(left_parts, self.db_clock.now())
