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
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from app.core import events as ev
from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock
from app.core.db import Database, DiskFullError
from app.core.dbclock import CLOCK_TOLERANCE, SkewGuard, database_clock
from app.core.engine import claim, handoff, policy, ratelimits, reconcile, store
from app.core.engine.group import GroupCommit
from app.core.engine.missed import Missed, grace_period, mark_missed
from app.core.engine.txn import retrying, write_session
from app.core.models import AccountStatus
from app.core.ports import (
    AccountRef,
    AppCredentials,
    AuthError,
    Credentials,
    DuplicatePostError,
    NetworkUnavailableError,
    PermanentError,
    PlatformAdapter,
    PublishError,
    PublishResult,
    RateLimitedError,
    TransientError,
)
from app.platforms.names import Platform

log = logging.getLogger(__name__)


class AdapterSource(Protocol):
    """What the host (worker command, UI) gives the engine: core never imports app.adapters."""

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        """The adapter for this account (emulator or real hosts, from the account's settings)."""
        ...

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        """The developer app to refresh with; None reads the user's app from the vault."""
        ...


@dataclass(frozen=True)
class EngineSettings:
    lease: timedelta = timedelta(seconds=60)
    #: targets claimed per cycle and held at once by this engine
    batch_limit: int = 32
    #: concurrent publishes per platform (the seed's "worker pool per platform")
    per_platform: int = 8
    max_sleep: timedelta = timedelta(seconds=60)
    #: while offline, how often one target probes the network
    network_retry: timedelta = timedelta(seconds=15)
    #: refresh a token before publishing when it expires within this
    refresh_margin: timedelta = timedelta(minutes=5)
    #: None: the "engine.grace_minutes" setting (default 15 min)
    grace: timedelta | None = None
    owner: str | None = None
    #: seconds an account's decrypted credentials are reused before being read again
    account_cache_s: float = 30.0
    #: claim nothing while this machine's clock differs from the database's by more
    clock_tolerance: timedelta = CLOCK_TOLERANCE


def _may_have_gone_out(error: PublishError) -> bool:
    """The attempt got no usable answer (timeout, dropped connection, a 504, a success without
    the post's id, an adapter bug after sending) or the look-up before it could not tell. Any
    other 5xx is an answer: the platform made nothing (and a later Retry still looks first,
    see _doubtful)."""
    if error.code == "lookup_failed":
        return True
    if error.code != "outcome_unknown":
        return False
    return error.status is None or error.status < 300 or error.status == 504


def _doubtful(error: PublishError) -> bool:
    """The platform may have made the post: every later send asks it first."""
    return error.code in ("lookup_failed", "outcome_unknown")


class Outcome(StrEnum):
    PUBLISHED = "published"
    RETRY = "retry"  # transient failure, attempt used, due again later
    FAILED = "failed"
    WAITING = "waiting"  # rate limit / network / reauth: back in the queue, no attempt used
    CONFIRM = "needs_confirmation"
    REQUEUED = "requeued"  # reconciliation found nothing: will be sent
    RELEASED = "released"
    SKIPPED = "skipped"  # no longer ours


@dataclass(frozen=True)
class RunResult:
    claimed: int = 0
    reconciled: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return int(self.outcomes.get(outcome, 0))

    @property
    def published(self) -> int:
        return self.count(Outcome.PUBLISHED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def busy(self) -> bool:
        return bool(self.claimed or self.reconciled)


@dataclass(frozen=True)
class NetworkState:
    online: bool
    reason: str | None = None

    @property
    def label(self) -> str:
        return "online" if self.online else "waiting for network"


#: how often `run_forever(until_idle=True)` re-checks whether everything is done
UNTIL_IDLE_POLL_S = 0.25
#: seconds between tries to write again after the database's disk filled up
DISK_FULL_RETRY_S = 10.0
#: how long an account's row (status, settings) is reused before being read again
ACCOUNT_INFO_TTL_S = 2.0
#: seconds between looks at the clocks while this machine's clock is too far off to claim
SKEW_RECHECK_S = 5.0


def default_owner() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class _Reauth(Exception):
    """The account's one refresh failed: it needs reconnecting."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
        self._cond = threading.Condition()
        self._woken = False
        self._stopping = threading.Event()
        self._started = False
        self._lock = threading.Lock()
        self._inflight: set[int] = set()
        self._pools: dict[Platform, ThreadPoolExecutor] = {}
        self._online = True
        self._storage_ok = True
        self._offline_reason: str | None = None
        self._probe_at: datetime | None = None
        self._refresh_locks: dict[int, threading.Lock] = {}
        self._refs: dict[int, tuple[float, AccountRef]] = {}
        with db.session() as s:
            self._budgets = ratelimits.load_defaults(s)
        self._successes: GroupCommit[store.Success, bool] = GroupCommit(
            lambda batch: retrying(lambda: store.mark_published_many(self.db, batch, self._budgets))
        )
        self._accounts_seen: dict[int, tuple[float, AccountInfo]] = {}

    # ------------------------------------------------------------ state

    @property
    def network(self) -> NetworkState:
        return NetworkState(self._online, self._offline_reason)

    def wake(self, *_: Any) -> None:
        """Re-check due work now (posts changed, an account was reconnected, time moved)."""
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def _on_accounts_changed(self, _event: ev.Event) -> None:
        with self._lock:
            self._refs.clear()
            self._accounts_seen.clear()
        self.wake()

    # ------------------------------------------------------------ start

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
        with self._lock:
            free = self.settings.batch_limit - len(self._inflight)
        probing = not self._online
        if probing:
            if self._probe_at is not None and now < self._probe_at:
                return [], []
            free = min(free, 1)  # one target finds out whether the network is back
        if free <= 0:
            return [], []
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
            with self._lock:
                self._probe_at = now + self.settings.network_retry
        with self._lock:
            self._inflight.update(expired)
            self._inflight.update(due)
        works = store.load_works(self.db, expired + due, self.owner)
        lost = [tid for tid in expired + due if tid not in works]
        if lost:  # taken over meanwhile (cannot normally happen: we just claimed them)
            with self._lock:
                self._inflight.difference_update(lost)
        recon = [self._submit(works[t], self._reconcile) for t in expired if t in works]
        pubs = [self._submit(works[t], self._publish) for t in due if t in works]
        return recon, pubs

    def _submit(self, work: store.Work, fn: Callable[[store.Work], Outcome]) -> Future[Outcome]:
        def task() -> Outcome:
            try:
                return fn(work)
            except DiskFullError as exc:
                # Its outcome could not be stored: the lease runs out and reconciliation asks
                # the platform once there is space.
                self._storage(ok=False, reason=str(exc))
                return Outcome.SKIPPED
            except Exception:
                # The lease runs out and reconciliation takes over: never a silent duplicate.
                log.exception("publishing target %s failed unexpectedly", work.target_id)
                return Outcome.SKIPPED
            finally:
                with self._lock:
                    self._inflight.discard(work.target_id)
                self.wake()

        return self._pool(work.platform).submit(task)

    def _pool(self, platform: Platform) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(platform)
            if pool is None:
                pool = ThreadPoolExecutor(
                    self.settings.per_platform, thread_name_prefix=f"herald-{platform.value}"
                )
                self._pools[platform] = pool
            return pool

    # ------------------------------------------------------------ forever (hosts)

    def run_forever(self, stop: threading.Event, *, until_idle: bool = False) -> None:
        """Publish until `stop` is set (or, with `until_idle`, until nothing is due or in flight
        anywhere). On stop: claim nothing more, let running publishes finish, give back claimed
        work that had not started."""
        unsubscribe = [
            self.events.subscribe(lambda _e: self.wake(), ev.POSTS_CHANGED),
            self.events.subscribe(self._on_accounts_changed, ev.ACCOUNTS_CHANGED),
        ]
        clocks = self._movable_clocks()
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
        next_heartbeat = time.monotonic() + self._heartbeat_s()
        try:
            self.start()
            while not stop.is_set():
                try:
                    recon, pubs = self._cycle()
                except DiskFullError as exc:
                    # Nothing can be recorded: claim nothing until there is space again.
                    self._storage(ok=False, reason=str(exc))
                    self._sleep(DISK_FULL_RETRY_S, stop)
                    continue
                except Exception:
                    log.exception("claiming failed; trying again shortly")
                    self._sleep(1.0, stop)
                    continue
                if recon or pubs:  # claiming wrote to the database
                    self._storage(ok=True)
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
                self._sleep(timeout, stop)
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

    def _movable_clocks(self) -> list[Any]:
        """The clocks that can be moved by hand (FakeClock, in tests): a move wakes us."""
        found: list[Any] = []
        for c in (self.clock, self.db_clock):
            if hasattr(c, "on_change") and all(c is not f for f in found):
                found.append(c)
        return found

    def _storage(self, *, ok: bool, reason: str | None = None) -> None:
        """Say once when the database's disk fills up and once when it is writable again."""
        with self._lock:
            if ok == self._storage_ok:
                return
            self._storage_ok = ok
        if ok:
            log.info("the database can be written again; publishing resumed")
        else:
            log.warning("%s Publishing is paused until there is space.", reason)
        self.events.publish(ev.STORAGE_STATE, ok=ok, reason=reason)

    def _watch_stop(self, stop: threading.Event) -> None:
        stop.wait()
        self._stopping.set()
        self.wake()

    def _heartbeat_s(self) -> float:
        return max(0.2, self.settings.lease.total_seconds() / 3)

    def _heartbeat(self) -> None:
        with self._lock:
            ids = sorted(self._inflight)
        if ids:
            try:
                claim.renew_leases(
                    self.db, self.owner, ids, self.db_clock.now() + self.settings.lease
                )
            except Exception:
                log.exception("could not renew leases")

    def _idle(self) -> bool:
        with self._lock:
            if self._inflight:
                return False
        if not self._online:
            return False
        due, flying = claim.busy_counts(self.db, self.db_clock.now())
        return due == 0 and flying == 0

    def _sleep_for(self) -> float:
        """Seconds until something may be due: the earliest due target, capped."""
        now = self.db_clock.now()
        cap = self.settings.max_sleep.total_seconds()
        with self._lock:
            full = len(self._inflight) >= self.settings.batch_limit
        if full:
            return cap  # a finishing publish wakes us
        if self.skew.refusing:
            return min(cap, SKEW_RECHECK_S)  # not claiming: no due time concerns us
        if not self._online and self._probe_at is not None:
            return max(0.0, min(cap, (self._probe_at - now).total_seconds()))
        nxt = claim.next_wakeup(self.db, now)
        if nxt is None:
            return cap
        # Due already but not claimable by us right now (locked by another claimer): a
        # short pause instead of a busy loop.
        return max(0.01, min(cap, (nxt - now).total_seconds()))

    def _sleep(self, seconds: float, stop: threading.Event) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._woken and not stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._woken = False

    def close(self) -> None:
        """Stop the pools: running publishes finish, queued ones release their targets."""
        self._stopping.set()
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.shutdown(wait=True)
        with self._lock:
            left = sorted(self._inflight)
            self._inflight.clear()
        if left:
            store.release(self.db, left, self.owner, self.db_clock.now())

    # ------------------------------------------------------------ accounts

    def _account(self, account_id: int) -> AccountInfo:
        """The account's row, re-read at most every few seconds (its status matters)."""
        with self._lock:
            seen = self._accounts_seen.get(account_id)
        if seen is not None and time.monotonic() - seen[0] < ACCOUNT_INFO_TTL_S:
            return seen[1]
        info = self.accounts.get(account_id)
        with self._lock:
            self._accounts_seen[account_id] = (time.monotonic(), info)
        return info

    def _account_ref(self, info: AccountInfo, adapter: PlatformAdapter) -> AccountRef:
        """Decrypted credentials, refreshed first when they expire within the margin."""
        with self._lock:
            cached = self._refs.get(info.id)
        if cached is not None and time.monotonic() - cached[0] < self.settings.account_cache_s:
            ref = cached[1]
        else:
            ref = self.accounts.account_ref(info.id, self.adapters.app_credentials(info))
            with self._lock:
                self._refs[info.id] = (time.monotonic(), ref)
        expires = ref.credentials.expires_at
        if expires is not None and expires < self.clock.now() + self.settings.refresh_margin:
            ref = self._refresh(info, adapter, ref)
        return ref

    def _refresh(
        self, info: AccountInfo, adapter: PlatformAdapter, stale: AccountRef
    ) -> AccountRef:
        """The one refresh an auth failure allows. Raises _Reauth when the platform refuses it.

        X refresh tokens are single-use: one refresh per account at a time here, and the new
        credentials are stored at once; when another worker refreshed first, its stored
        credentials are used instead of spending ours."""
        with self._lock:
            lock = self._refresh_locks.setdefault(info.id, threading.Lock())
        with lock:
            current = self._fresh_ref(info)
            if current.credentials != stale.credentials and not self._expiring(current):
                return current
            try:
                creds = adapter.refresh(current)
            except AuthError as exc:
                again = self._fresh_ref(info)
                if again.credentials != current.credentials:
                    return again
                raise _Reauth(exc.message) from exc
            self._store_credentials(info.id, creds)
            ref = AccountRef(
                platform=current.platform,
                external_id=current.external_id,
                handle=current.handle,
                credentials=creds,
                app=current.app,
                settings=current.settings,
            )
            with self._lock:
                self._refs[info.id] = (time.monotonic(), ref)
            return ref

    def _expiring(self, ref: AccountRef) -> bool:
        exp = ref.credentials.expires_at
        return exp is not None and exp < self.clock.now() + self.settings.refresh_margin

    def _fresh_ref(self, info: AccountInfo) -> AccountRef:
        ref = self.accounts.account_ref(info.id, self.adapters.app_credentials(info))
        with self._lock:
            self._refs[info.id] = (time.monotonic(), ref)
        return ref

    def _store_credentials(self, account_id: int, creds: Credentials) -> None:
        # Its own transaction, at once: a rotated refresh token is the only copy there is.
        with write_session(self.db) as s:
            self.accounts.store_credentials(s, account_id, creds)

    def _needs_reauth(self, info: AccountInfo, reason: str) -> None:
        with self._lock:
            self._refs.pop(info.id, None)
            self._accounts_seen.pop(info.id, None)
        if store.require_reauth(self.db, info.id, reason):
            log.warning("account %s (%s) needs reconnecting", info.id, info.platform.label)
            self.events.publish(
                ev.NEEDS_REAUTH,
                account_id=info.id,
                handle=info.handle,
                platform=info.platform.value,
                reason=reason,
            )

    # ------------------------------------------------------------ network state

    def _offline(self, reason: str) -> None:
        with self._lock:
            was_online = self._online
            self._online = False
            self._offline_reason = reason
            if self._probe_at is None or was_online:
                self._probe_at = self.db_clock.now() + self.settings.network_retry
        if was_online:
            log.warning("network unavailable; publishing paused (%s)", reason)
            self.events.publish(ev.NETWORK_STATE, online=False, reason=reason)

    def _online_again(self) -> None:
        with self._lock:
            was_offline = not self._online
            self._online = True
            self._offline_reason = None
            self._probe_at = None
        if was_offline:
            log.info("network is back; publishing resumed")
            self.events.publish(ev.NETWORK_STATE, online=True, reason=None)

    # ------------------------------------------------------------ one target

    def _publish(self, work: store.Work) -> Outcome:
        target_id = work.target_id
        if self._stopping.is_set():
            store.release(self.db, [target_id], self.owner, self.db_clock.now())
            return Outcome.RELEASED
        info = self._account(work.account_id)
        if info.status != AccountStatus.ACTIVE:
            store.release(self.db, [target_id], self.owner, self.db_clock.now())
            return Outcome.RELEASED
        adapter = self.adapters.adapter(info)
        try:
            ref = self._account_ref(info, adapter)
            problems = self._validate(adapter, work)
            if problems:
                raise PermanentError(problems, code="content_rejected")
            if work.maybe_sent_since is not None:
                # An earlier attempt may have reached the platform (timeout, lost response).
                found = self._lookup(adapter, ref, info, work)
                if found is not None:
                    return found
                if work.attempts >= policy.MAX_ATTEMPTS:
                    return self._not_there(work, info)
            now = self.db_clock.now()
            if not claim.hold_lease(
                self.db,
                self.owner,
                target_id,
                now,
                now + self.settings.lease,
                content_version=work.content_version,
            ):
                return self._not_sending(work, now)
            result = self._send(adapter, ref, info, work)
        except _Reauth as exc:
            self._needs_reauth(info, exc.reason)
            return self._wait(work, AuthError(exc.reason))
        except PublishError as exc:
            return self._failed(work, info, exc)
        except Exception as exc:  # an adapter bug: retried like a transient error, then FAILED
            log.exception("adapter error for target %s", target_id)
            # It may have failed after sending: treated as a lost answer.
            error = TransientError(str(exc) or type(exc).__name__, code="outcome_unknown")
            return self._failed(work, info, error)
        return self._published(work, info, result.external_id, result.url, result.rate_limit)

    def _not_sending(self, work: store.Work, now: datetime) -> Outcome:
        """The pre-send check refused: the post was deleted or changed after this worker
        loaded it (the target goes back to the queue for the new version), or the lease
        was lost (another worker has the target now)."""
        if store.release_stale(self.db, work.target_id, self.owner, work.content_version, now):
            log.info(
                "target %s: post deleted or changed since it was claimed; not sent",
                work.target_id,
            )
            return Outcome.RELEASED
        log.warning("target %s: lease lost before sending; not sent", work.target_id)
        return Outcome.SKIPPED

    def _validate(self, adapter: PlatformAdapter, work: store.Work) -> str | None:
        errors = [
            str(getattr(w, "message", w))
            for w in adapter.validate(work.text, work.media)
            if getattr(w, "severity", "error") == "error"
        ]
        return "; ".join(errors) if errors else None

    def _send(
        self, adapter: PlatformAdapter, ref: AccountRef, info: AccountInfo, work: store.Work
    ) -> PublishResult:
        try:
            return adapter.publish(ref, work.text, work.media, work.idempotency_key)
        except AuthError:
            # One refresh, then one more try; a second refusal means reconnecting.
            fresh = self._refresh(info, adapter, ref)
            try:
                return adapter.publish(fresh, work.text, work.media, work.idempotency_key)
            except AuthError as exc:
                raise _Reauth(exc.message) from exc

    def _lookup(
        self, adapter: PlatformAdapter, ref: AccountRef, info: AccountInfo, work: store.Work
    ) -> Outcome | None:
        """None: the platform does not have it, go ahead and send."""
        now = self.db_clock.now()
        res = reconcile.lookup(adapter, ref, work.idempotency_key, work.text, work.lookup_from, now)
        if res.found == reconcile.Found.AUTH:
            fresh = self._refresh(info, adapter, ref)
            res = reconcile.lookup(
                adapter, fresh, work.idempotency_key, work.text, work.lookup_from, now
            )
            if res.found == reconcile.Found.AUTH:
                raise _Reauth(res.reason or "the platform refused the token")
        if res.found == reconcile.Found.EXISTS:
            assert res.external_id is not None
            return self._published(work, info, res.external_id, None, None)
        if res.found == reconcile.Found.ABSENT:
            return None
        if res.found == reconcile.Found.CANNOT:
            if res.resend_reveals_duplicate and work.attempts < policy.MAX_ATTEMPTS:
                return None  # send: the platform's duplicate answer names the post if it is out
            return self._ask(work, res.reason)
        if res.found == reconcile.Found.OFFLINE:
            assert res.error is not None
            raise res.error
        # Unknown: sending could duplicate. Count it as this attempt's transient failure; the
        # next retry asks again, and the last one gives up with the reason.
        raise TransientError(
            f"could not check whether the earlier attempt went out: {res.reason}",
            code="lookup_failed",
        )

    def _published(
        self,
        work: store.Work,
        info: AccountInfo,
        external_id: str,
        url: str | None,
        rate_limit: Any,
    ) -> Outcome:
        now = self.db_clock.now()
        self._successes.submit(store.Success(work.target_id, external_id, url, now, rate_limit))
        self._online_again()
        self.events.publish(
            ev.TARGET_PUBLISHED,
            target_id=work.target_id,
            post_id=work.post_id,
            platform=info.platform.value,
            external_id=external_id,
        )
        return Outcome.PUBLISHED

    def _failed(self, work: store.Work, info: AccountInfo, error: PublishError) -> Outcome:
        now = self.db_clock.now()
        if isinstance(error, NetworkUnavailableError):
            outcome = self._wait(work, error)
            self._offline(error.message)  # after the target is back in the queue
            return outcome
        if not isinstance(error, AuthError):
            self._online_again()  # the platform answered
        if isinstance(error, DuplicatePostError) and (
            work.maybe_sent_since is not None or work.attempts > 0 or work.error_code is not None
        ):
            # The platform names the post it already has: after an attempt whose answer was
            # lost, that is ours.
            log.info("target %s: already out as %s", work.target_id, error.existing_id)
            return self._published(work, info, error.existing_id, error.url, None)
        if (
            isinstance(error, PermanentError)
            and error.code == "duplicate"
            and (
                work.maybe_sent_since is not None
                or work.attempts > 0
                or work.error_code is not None
            )
        ):
            # "Duplicate" after an attempt whose answer was lost most likely means our own
            # earlier attempt went out (the lookup could not see it yet): ask, never FAIL it.
            reason = f"The platform says this post already exists: {error.message}"
            if store.park_for_confirmation(self.db, work.target_id, self.owner, reason, now):
                self.events.publish(
                    ev.NEEDS_CONFIRMATION, target_id=work.target_id, post_id=work.post_id
                )
            return Outcome.CONFIRM
        decision = policy.decide(error, work.attempts, now, work.due)
        if decision.gave_up and _may_have_gone_out(error):
            doubt = work.maybe_sent_since or work.due or now
            if now < doubt + policy.CHECK_WINDOW:
                # Out of attempts: from now on only ask the platform, a little longer.
                check = policy.Decision(
                    policy.TargetStatus.QUEUED,
                    min(decision.attempts, policy.MAX_ATTEMPTS),
                    now + policy.CHECK_DELAY,
                    decision.error_code,
                    decision.error_message,
                )
                if store.apply_decision(
                    self.db, work.target_id, self.owner, check, now, maybe_sent_since=doubt
                ):
                    return Outcome.RETRY
                return Outcome.SKIPPED
            # Out of retries, but this or an earlier attempt may have gone out (its answer was
            # lost, or the look-up failed): FAILED would invite a Retry that posts twice.
            reason = f"Herald cannot tell whether this post went out: {error.message}"
            if store.park_for_confirmation(self.db, work.target_id, self.owner, reason, now):
                self.events.publish(
                    ev.NEEDS_CONFIRMATION, target_id=work.target_id, post_id=work.post_id
                )
            return Outcome.CONFIRM
        if isinstance(error, RateLimitedError) and decision.next_attempt_at is not None:
            store.exhaust_budget(
                self.db,
                work.account_id,
                info.platform,
                decision.next_attempt_at,
                now,
                self._budgets,
            )
        doubtful_since = (work.due or now) if _doubtful(error) else None
        if not store.apply_decision(
            self.db, work.target_id, self.owner, decision, now, maybe_sent_since=doubtful_since
        ):
            return Outcome.SKIPPED
        if decision.gave_up:
            return self._announce_failure(work, info, decision.error_message or "failed")
        return Outcome.WAITING if decision.wait != policy.Wait.NONE else Outcome.RETRY

    def _ask(self, work: store.Work, reason: str | None) -> Outcome:
        """The platform can never say whether the post is out: a person decides, at once."""
        now = self.db_clock.now()
        text = f"Herald cannot tell whether this post went out: {reason or 'no way to check'}"
        if store.park_for_confirmation(self.db, work.target_id, self.owner, text, now):
            self.events.publish(
                ev.NEEDS_CONFIRMATION, target_id=work.target_id, post_id=work.post_id
            )
            return Outcome.CONFIRM
        return Outcome.SKIPPED

    def _not_there(self, work: store.Work, info: AccountInfo) -> Outcome:
        """All attempts used, and the platform now says the post is not there: it failed,
        with the last attempt's reason. A person's Retry still asks the platform first."""
        now = self.db_clock.now()
        reason = (
            f"{work.error_message or 'The last attempt got no answer'} "
            f"({info.platform.label} was checked afterwards: the post is not there.)"
        )
        decision = policy.Decision(
            policy.TargetStatus.FAILED, work.attempts, None, work.error_code, reason
        )
        if not store.apply_decision(self.db, work.target_id, self.owner, decision, now):
            return Outcome.SKIPPED
        return self._announce_failure(work, info, reason)

    def _announce_failure(self, work: store.Work, info: AccountInfo, reason: str) -> Outcome:
        log.info("target %s failed: %s", work.target_id, reason)
        self.events.publish(
            ev.TARGET_FAILED,
            target_id=work.target_id,
            post_id=work.post_id,
            platform=info.platform.value,
            reason=reason,
        )
        return Outcome.FAILED

    def _wait(self, work: store.Work, error: PublishError) -> Outcome:
        now = self.db_clock.now()
        decision = policy.decide(error, work.attempts, now, work.due)
        store.apply_decision(self.db, work.target_id, self.owner, decision, now)
        return Outcome.WAITING

    # ------------------------------------------------------------ reconciliation

    def _reconcile(self, work: store.Work) -> Outcome:
        """A lease expired on this in-flight target: find out before anything is re-sent."""
        target_id = work.target_id
        now = self.db_clock.now()
        info = self._account(work.account_id)
        adapter = self.adapters.adapter(info)
        try:
            ref = self._account_ref(info, adapter)
            res = reconcile.lookup(
                adapter, ref, work.idempotency_key, work.text, work.lookup_from, now
            )
            if res.found == reconcile.Found.AUTH:
                ref = self._refresh(info, adapter, ref)
                res = reconcile.lookup(
                    adapter, ref, work.idempotency_key, work.text, work.lookup_from, now
                )
                if res.found == reconcile.Found.AUTH:
                    raise _Reauth(res.reason or "the platform refused the token")
        except _Reauth as exc:
            self._needs_reauth(info, exc.reason)
            store.expire_lease(self.db, target_id, self.owner, now)  # reconciled after reconnect
            return Outcome.WAITING
        except NetworkUnavailableError as exc:
            store.expire_lease(self.db, target_id, self.owner, now)
            self._offline(exc.message)
            return Outcome.WAITING
        except PublishError as exc:
            res = reconcile.Lookup(reconcile.Found.UNKNOWN, reason=exc.message, error=exc)
        if res.found == reconcile.Found.OFFLINE:
            store.expire_lease(self.db, target_id, self.owner, now)
            self._offline(res.reason or "network unavailable")
            return Outcome.WAITING
        if res.found == reconcile.Found.EXISTS:
            assert res.external_id is not None
            return self._published(work, info, res.external_id, None, None)
        self._online_again()
        if res.found == reconcile.Found.CANNOT and not res.resend_reveals_duplicate:
            return self._ask(work, res.reason)
        if res.found in (reconcile.Found.ABSENT, reconcile.Found.CANNOT):
            decision = policy.Decision(
                policy.TargetStatus.QUEUED, work.attempts, work.due or now, None, None
            )
            # A platform's listing can lag: the next attempts still look first.
            store.apply_decision(
                self.db, target_id, self.owner, decision, now, maybe_sent_since=work.due or now
            )
            return Outcome.REQUEUED
        # The platform could not say: count it as a failed attempt whose post may be out. The
        # retries look again; only when they run out does a person decide.
        error = TransientError(
            f"a worker stopped mid-publish and the look-up failed ({res.reason})",
            code="lookup_failed",
        )
        return self._failed(work, info, error)
