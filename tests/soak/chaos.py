"""Chaos: N worker processes on one database publish POSTS × 4 platforms through an emulator
that fails 20 % of calls with a 5xx, 5 % with a timeout and some with a 429, while a driver
SIGKILLs a random worker every few seconds and starts it again.

At the end every target must be PUBLISHED (exactly one post at the emulator) or FAILED with its
reason after its retries, or NEEDS_CONFIRMATION (a person decides; counted, never duplicated);
nothing QUEUED / IN_FLIGHT / MISSED; no emulator post twice; no emulator post Herald does not
know about; no account taken out of service (the emulator revokes nothing); every worker exits
0 on SIGTERM.

Skewed clocks (issue 16): `clock_offsets` gives each worker its own clock (worker i runs
`main.py worker --clock-offset clock_offsets[i % n]`, e.g. -120 s, 0 and +120 s), as when
workers on several machines share one PostgreSQL database. Leases, due times and look-up
windows must follow the database's clock, so the invariants are the same: 0 duplicates.

Time. Herald retries a transient failure after 1, 5 and 15 minutes of real time and the worker
command has no clock-speed or retry-scale option. The driver therefore plays the clock for the
retries only: about once a second it rewrites the due time of every queued *retry* (attempts > 0
and a back-off of a minute or more) to the same back-off divided by RETRY_SCALE (60: 1 s, 5 s,
15 s), guarded so a row a worker touched meanwhile is left alone. Rate-limit waits (seconds, from
the emulator's reset headers) and budgets are not touched. A worker asleep towards a due time
the driver has since moved earlier does not notice; when due work sits unclaimed for 3 s the
driver restarts one worker gracefully (SIGTERM). Everything else is real: the workers, their
SIGKILLs, leases, reconciliation, the network and the emulator. An engine option for the retry
schedule would replace both tricks (docs/soak.md, "Requests").
"""

from __future__ import annotations

import math
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from app.core.db import Database, open_database, write_transaction
from app.core.models import Account, AccountStatus, Post, Target, TargetStatus
from app.core.poststatus import derive_post_status
from app.platforms.names import Platform
from tests.soak.common import (
    EmulatorProcess,
    SuiteResult,
    Worker,
    connect_accounts,
    log,
    make_picture,
    pg_base_url,
    pg_schema,
    pg_unreachable,
    safe_url,
    seed_posts,
    set_rate_limits,
    work_dir,
    worker_output,
)

#: (share of the emulator calls, platforms, fault): on every endpoint the publishing path uses
FAULT_MIX: tuple[tuple[float, tuple[str, ...], str], ...] = (
    (0.07, ("*",), "500"),
    (0.07, ("*",), "502"),
    (0.06, ("*",), "503"),
    # the emulator holds the request, then drops the connection without an answer
    (0.025, ("*",), "timeout:delay=2"),
    # ... after having carried it out: the post exists, the client never hears of it
    (0.025, ("*",), "timeout:delay=2:process=1"),
    # LinkedIn's limits are per UTC day (a 429 means "until midnight"): no 429 faults there;
    # X's real per-window limit is made small instead (EMULATOR_LIMITS / ChaosPlan.x_limit).
    (0.02, ("twitter", "instagram", "facebook"), "429:reset_in=3"),
)
RETRY_SCALE = 60
#: a retry back-off is at least a minute: shorter waits are rate limits, leave them alone
MIN_BACKOFF = timedelta(seconds=55)
#: Posts per account. X and Facebook accounts make more posts than one page of their
#: listings (X 100, Herald reads Facebook 50 at a time), so reconciliation look-ups page
#: through the emulator's cursors. Instagram stays under Herald's 50-per-24-hours budget
#: (the run cannot wait a day); LinkedIn's daily limit is lifted for the run.
#: HERALD_SOAK_POSTS_PER_ACCOUNT sets one number for every platform.
POSTS_PER_ACCOUNT: dict[Platform, int] = {
    Platform.TWITTER: 150,
    Platform.INSTAGRAM: 45,
    Platform.FACEBOOK: 120,
    Platform.LINKEDIN: 200,
}
TERMINAL = {TargetStatus.PUBLISHED, TargetStatus.FAILED, TargetStatus.NEEDS_CONFIRMATION}
MAX_ATTEMPTS = 4  # the first try and three retries

#: the emulator's limits during the run. X's publishing window is small so real 429s happen
#: when Herald's budget and the emulator's window drift apart; the others cannot be scaled
#: (LinkedIn's is per UTC day) and are lifted.
EMULATOR_LIMITS: dict[str, Any] = {
    "x_read_limit": 10_000_000,
    "x_media_limit": 10_000_000,
    "linkedin_posts_per_day": 10_000_000,
    "instagram_publishes_per_24h": 10_000_000,
    "facebook_calls_per_hour": 10_000_000,
    "container_polls": 0,
}
HERALD_BUDGETS: dict[str, Any] = {
    "LINKEDIN": {"limit": 10_000_000, "window_s": 900, "utc_day": False},
    "INSTAGRAM": {"limit": 10_000_000, "window_s": 900},
}


def fault_spec(mix: tuple[tuple[float, tuple[str, ...], str], ...] = FAULT_MIX) -> str:
    """The emulator tries rules in order and the first that fires wins, so each rule's
    probability is conditional on the earlier ones not firing."""
    rules, left = [], 1.0
    for share, platforms, rule in mix:
        kind, _, params = rule.partition(":")
        p = min(1.0, share / left)
        left -= share
        for platform in platforms:
            rules.append(f"{platform}:*:{kind}:p={p:.6f}" + (f":{params}" if params else ""))
    return ",".join(rules)


@dataclass(frozen=True)
class ChaosPlan:
    backend: str  # "sqlite" | "postgres"
    workers: int
    posts: int
    seed: int = 1
    kill_every: tuple[float, float] = (3.0, 8.0)
    lease_s: float = 15.0
    #: the whole publishing phase, kills included; what is left afterwards counts as stuck
    deadline_s: float = 300.0
    #: off only to measure what the chaos costs (same run without faults / kills)
    faults: bool = True
    kills: bool = True
    #: X's publishing limit per account (posts, window seconds), at the emulator and in Herald
    x_limit: tuple[int, int] = (10, 10)
    #: what the emulator fails (the short run in `make test` uses a lighter mix)
    fault_mix: tuple[tuple[float, tuple[str, ...], str], ...] = FAULT_MIX
    #: status reads an Instagram container stays IN_PROGRESS (the adapter waits 1 s before
    #: the second): 0 makes Instagram as quick as the others, 1 takes a second like the platform
    ig_container_polls: int = 0
    #: how much faster than real time the driver plays retry back-offs
    retry_scale: float = RETRY_SCALE
    #: more `main.py worker` options for every worker (e.g. --batch, --concurrency)
    worker_options: tuple[str, ...] = ()
    #: seconds each worker's clock is off (worker i: clock_offsets[i % n]); () = all correct
    clock_offsets: tuple[float, ...] = ()

    @property
    def name(self) -> str:
        label = "SQLite file" if self.backend == "sqlite" else "PostgreSQL"
        clocks = ""
        if self.clock_offsets:
            clocks = ", clocks " + " ".join(f"{o:+.0f}" for o in self.clock_offsets) + " s"
        return f"chaos: {self.workers} workers, {label}{clocks}"

    def worker_args(self, i: int) -> list[str]:
        args = ["--lease-seconds", str(self.lease_s), *self.worker_options]
        if self.clock_offsets:
            offset = self.clock_offsets[i % len(self.clock_offsets)]
            args += ["--clock-offset", str(offset)]
        return args


def account_sizes() -> dict[Platform, int]:
    raw = os.environ.get("HERALD_SOAK_POSTS_PER_ACCOUNT", "").strip()
    if raw:
        return dict.fromkeys(POSTS_PER_ACCOUNT, max(1, int(raw)))
    return dict(POSTS_PER_ACCOUNT)


def accelerate_retries(db: Database, scale: float = RETRY_SCALE) -> int:
    """Divide the back-off of every queued retry by `scale` (see the module docstring)."""
    now = datetime.now(UTC)
    with db.session() as s:
        rows = s.execute(
            select(Target.id, Target.next_attempt_at, Target.updated_at).where(
                Target.status == TargetStatus.QUEUED,
                Target.attempts > 0,
                Target.next_attempt_at > now + MIN_BACKOFF,
            )
        ).all()
    changes = []
    for target_id, due, changed in rows:
        if due is None or changed is None or due - changed < MIN_BACKOFF:
            continue
        changes.append(
            {"b_id": target_id, "b_old": due, "b_new": changed + (due - changed) / scale}
        )
    if not changes:
        return 0
    table = Target.__table__
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.status == TargetStatus.QUEUED.value,
            table.c.next_attempt_at == bindparam("b_old"),
        )
        .values(next_attempt_at=bindparam("b_new"))
    )
    done = 0
    for change in changes:  # one row per transaction: never a lock-order deadlock with workers
        try:
            with write_transaction(db.engine) as conn:
                done += conn.execute(stmt, change).rowcount or 0
        except OperationalError:  # busy or a deadlock victim: that row waits for the next round
            continue
    return done


def stalled(db: Database, horizon: timedelta = timedelta(minutes=10)) -> bool:
    """Nothing can move any more: nothing in flight, and every queued target is due beyond the
    horizon (a rate-limit wait of hours) or belongs to an account that is not ACTIVE (it waits
    for a person to reconnect it). Waiting longer proves nothing; those targets count as stuck.
    """
    now = datetime.now(UTC)
    with db.session() as s:
        flying = s.scalar(select(func.count()).where(Target.status == TargetStatus.IN_FLIGHT))
        movable = s.scalar(
            select(func.count())
            .select_from(Target)
            .join(Account, Account.id == Target.account_id)
            .where(
                Target.status == TargetStatus.QUEUED,
                Target.next_attempt_at <= now + horizon,
                Account.status == AccountStatus.ACTIVE,
            )
        )
        waiting = s.scalar(select(func.count()).where(Target.status == TargetStatus.QUEUED))
    return not flying and not movable and bool(waiting)


def idle_with_due_work(db: Database) -> bool:
    """Claimable work is due but nobody is publishing: every worker sleeps towards a due time
    the driver has since moved earlier (see accelerate_retries)."""
    now = datetime.now(UTC)
    with db.session() as s:
        flying = s.scalar(select(func.count()).where(Target.status == TargetStatus.IN_FLIGHT))
        due = s.scalar(
            select(func.count())
            .select_from(Target)
            .join(Account, Account.id == Target.account_id)
            .where(
                Target.status == TargetStatus.QUEUED,
                Target.next_attempt_at <= now,
                Account.status == AccountStatus.ACTIVE,
            )
        )
    return not flying and bool(due)


def status_counts(db: Database) -> Counter[str]:
    with db.session() as s:
        rows = s.execute(select(Target.status, func.count()).group_by(Target.status)).all()
    return Counter({str(TargetStatus(st)): int(n) for st, n in rows})


def _terminal(counts: Counter[str]) -> int:
    return sum(counts[str(s)] for s in TERMINAL)


def run(plan: ChaosPlan) -> SuiteResult:
    result = SuiteResult(plan.name)
    started = time.monotonic()
    with work_dir("herald-soak-chaos-") as work:
        if plan.backend == "postgres":
            base = pg_base_url()
            why = pg_unreachable(base)
            if why:
                result.status = "SKIP"
                result.notes.append(f"skipped: {why} (set HERALD_TEST_PG_URL)")
                return result
            with pg_schema(base) as url:
                _run(plan, url, work, result)
        else:
            _run(plan, f"sqlite:///{work / 'herald.db'}", work, result)
    result.seconds = time.monotonic() - started
    return result


def _run(plan: ChaosPlan, db_url: str, work: Path, result: SuiteResult) -> None:
    rng = random.Random(plan.seed)
    spec = fault_spec(plan.fault_mix)
    emulator = EmulatorProcess(work / "emulator", seed=plan.seed, timeout_delay=2.0).start()
    db = open_database(db_url)
    workers: list[Worker] = []
    try:
        x_posts, x_window = plan.x_limit
        emulator.configure(
            **{**EMULATOR_LIMITS, "container_polls": plan.ig_container_polls},
            x_posts_limit=x_posts,
            x_posts_window_s=x_window,
        )
        sizes = account_sizes()
        per_platform = {p: max(1, math.ceil(plan.posts / n)) for p, n in sizes.items()}
        t0 = time.monotonic()
        accounts = connect_accounts(db, emulator.base_url, "Soak", per_platform)
        result.figures["accounts"] = " ".join(f"{p.value[:2]}={n}" for p, n in per_platform.items())
        log(
            f"{plan.name}: {sum(per_platform.values())} accounts connected through OAuth "
            f"in {time.monotonic() - t0:.1f} s ({safe_url(db_url)})"
        )
        set_rate_limits(db, {**HERALD_BUDGETS, "TWITTER": {"limit": x_posts, "window_s": x_window}})
        picture = make_picture(work / "picture.jpg")
        t0 = time.monotonic()
        total = seed_posts(db, plan.posts, accounts, datetime.now(UTC), picture, "chaos")
        log(
            f"{plan.name}: {plan.posts} posts / {total} targets seeded in {time.monotonic() - t0:.1f} s"
        )
        if plan.faults:
            emulator.add_faults(spec)
        workers = [Worker(db_url, work, f"w{i}", plan.worker_args(i)) for i in range(plan.workers)]
        if plan.clock_offsets:
            result.figures["worker clocks"] = ", ".join(
                f"{w.name} {plan.worker_args(i)[-1]} s" for i, w in enumerate(workers)
            )
        for w in workers:
            w.start()
        stats = _drive(plan, db, workers, total, rng)
        codes = [w.terminate(60) for w in workers]
        emulator.clear_faults()
        published = emulator.published()
        out_of_time = bool(stats.pop("out of time"))
        _judge(db, total, published, result, out_of_time)
        result.figures.update(stats)
        result.figures["clean exits after SIGTERM"] = f"{codes.count(0)}/{len(codes)}"
        result.check(
            codes.count(0) == len(codes), f"workers did not stop cleanly on SIGTERM: {codes}"
        )
        _scan_worker_output(work, result)
        result.notes.append(
            f"faults on every platform and endpoint: {spec}; emulator 'timeout' = request held "
            "2 s, then the connection is dropped"
        )
        result.notes.append(
            f"retry back-off played {plan.retry_scale:g}x faster by the driver "
            f"({60 / plan.retry_scale:g} s / {300 / plan.retry_scale:g} s / "
            f"{900 / plan.retry_scale:g} s): "
            "the worker has no clock/back-off option (see docs/soak.md)"
        )
    finally:
        for w in workers:
            w.kill()
            w.terminate(5)
        db.dispose()
        emulator.stop()


def _drive(
    plan: ChaosPlan, db: Database, workers: list[Worker], total: int, rng: random.Random
) -> dict[str, Any]:
    started = time.monotonic()
    next_kill = started + rng.uniform(*plan.kill_every)
    next_check = started
    kills = unexpected = accelerated = nudges = idle_checks = 0
    out_of_time = False
    last_report = started
    counts: Counter[str] = Counter()
    while True:
        now = time.monotonic()
        for w in workers:
            if not w.alive():  # died by itself: a finding (its log is scanned later)
                unexpected += 1
                log(f"worker {w.name} exited by itself with {w.proc.returncode if w.proc else '?'}")
                w.start()
        if plan.kills and now >= next_kill:
            victim = rng.choice(workers)
            victim.kill()
            kills += 1
            victim.start()
            next_kill = now + rng.uniform(*plan.kill_every)
        if now >= next_check:
            accelerated += accelerate_retries(db, plan.retry_scale)
            counts = status_counts(db)
            next_check = now + 1.0
            if _terminal(counts) >= total:
                break
            if stalled(db):
                log(f"{plan.name}: stalled: nothing left can move (see the stuck targets)")
                break
            idle_checks = idle_checks + 1 if idle_with_due_work(db) else 0
            if idle_checks >= 3:
                # The workers sleep towards due times the driver moved earlier; a graceful
                # restart (SIGTERM, the worker gives its claims back) makes one look again.
                sleeper = min(workers, key=lambda w: w.generation)
                sleeper.terminate(30)
                sleeper.start()
                nudges += 1
                idle_checks = 0
            if now - last_report >= 15:
                last_report = now
                log(f"{plan.name}: {now - started:5.0f} s {dict(counts)} kills={kills}")
        if now - started > plan.deadline_s:
            log(f"{plan.name}: deadline of {plan.deadline_s:.0f} s reached with {dict(counts)}")
            out_of_time = True
            break
        time.sleep(0.1)
    took = time.monotonic() - started
    return {
        "out of time": out_of_time,
        "publishing time": f"{took:.0f} s",
        "final targets/s": f"{_terminal(counts) / took:.1f}",
        "SIGKILLs": kills,
        "unexpected worker exits": unexpected,
        "retries sped up": accelerated,
        "idle workers restarted (SIGTERM)": nudges,
    }


def _judge(
    db: Database,
    total: int,
    published: list[dict[str, Any]],
    result: SuiteResult,
    out_of_time: bool = False,
) -> None:
    with db.session() as s:
        rows = s.execute(
            select(
                Target.id,
                Target.post_id,
                Target.status,
                Target.attempts,
                Target.idempotency_key,
                Target.external_id,
                Target.error_code,
                Target.error_message,
                Target.next_attempt_at,
                Account.platform,
            ).join(Account, Account.id == Target.account_id)
        ).all()
        posts = dict(s.execute(select(Post.id, Post.status)).all())
        unhealthy = s.execute(
            select(Account.platform, Account.status, Account.status_reason).where(
                Account.status != AccountStatus.ACTIVE
            )
        ).all()
        target_statuses: dict[int, list[TargetStatus]] = {}
        for r in rows:
            target_statuses.setdefault(r.post_id, []).append(TargetStatus(r.status))
    by_key: dict[str, list[dict[str, Any]]] = {}
    for p in published:
        by_key.setdefault(str(p.get("idempotency_key")), []).append(p)
    keys = {r.idempotency_key for r in rows}
    strangers = [p for k, ps in by_key.items() if k not in keys for p in ps]
    text_counts = Counter((str(p["platform"]).upper(), str(p["text"])) for p in published)
    same_text = sum(n - 1 for n in text_counts.values() if n > 1)

    status = Counter(str(TargetStatus(r.status)) for r in rows)
    duplicates = sum(
        len(by_key.get(r.idempotency_key, [])) - 1
        for r in rows
        if len(by_key.get(r.idempotency_key, [])) > 1
    )
    lost = [
        r.id
        for r in rows
        if r.status == TargetStatus.PUBLISHED and not by_key.get(r.idempotency_key)
    ]
    wrong_id = [
        r.id
        for r in rows
        if r.status == TargetStatus.PUBLISHED
        and len(by_key.get(r.idempotency_key, [])) == 1
        and by_key[r.idempotency_key][0]["external_id"] != r.external_id
    ]
    failed = [r for r in rows if r.status == TargetStatus.FAILED]
    no_reason = [r.id for r in failed if not (r.error_message or "").strip()]
    failed_but_out = [r for r in failed if by_key.get(r.idempotency_key)]
    confirm = [r for r in rows if r.status == TargetStatus.NEEDS_CONFIRMATION]
    confirm_out = sum(1 for r in confirm if by_key.get(r.idempotency_key))
    stuck = [r for r in rows if TargetStatus(r.status) not in TERMINAL]
    over_attempts = [r.id for r in rows if r.attempts > MAX_ATTEMPTS]
    bad_post_status = [
        pid for pid, sts in target_statuses.items() if posts.get(pid) != derive_post_status(sts)
    ]
    reasons = Counter(r.error_code or "?" for r in failed)

    f = result.figures
    f["targets"] = total
    f["published (once)"] = status["PUBLISHED"]
    f["failed with reason"] = len(failed) - len(no_reason)
    f["needs confirmation"] = f"{len(confirm)} ({confirm_out} of them did go out)"
    f["duplicates at emulator"] = duplicates + same_text
    f["lost (PUBLISHED, not at emulator)"] = len(lost)
    f["stuck (not final)"] = len(stuck)
    f["emulator posts"] = len(published)
    if reasons:
        f["failure codes"] = ", ".join(f"{k}={v}" for k, v in reasons.most_common(6))

    f["accounts needing reconnect"] = len(unhealthy)
    if unhealthy:
        why = Counter(
            f"{Platform(p).value} {AccountStatus(st).value}: {reason}"
            for p, st, reason in unhealthy
        )
        result.fail(
            f"{len(unhealthy)} accounts were taken out of service although the emulator revoked "
            "nothing: " + "; ".join(f"{n}x {k}" for k, n in why.most_common(3))
        )
    result.check(len(rows) == total, f"{len(rows)} targets in the database, {total} seeded")
    result.check(not duplicates, f"{duplicates} extra emulator posts with the same idempotency key")
    for r in rows:
        copies = by_key.get(r.idempotency_key, [])
        if len(copies) > 1:
            when = ", ".join(f"{c['created_at']} {c['external_id']}" for c in copies)
            log(
                f"duplicate: target {r.id} {Platform(r.platform).value} {r.status} "
                f"attempts={r.attempts} code={r.error_code} at {when}"
            )
    result.check(not same_text, f"{same_text} extra emulator posts with the same platform+text")
    result.check(not strangers, f"{len(strangers)} emulator posts no target asked for")
    result.check(not lost, f"{len(lost)} PUBLISHED targets have no emulator post: {lost[:5]}")
    result.check(not wrong_id, f"{len(wrong_id)} targets store another external id: {wrong_id[:5]}")
    result.check(
        not no_reason, f"{len(no_reason)} FAILED targets without a reason: {no_reason[:5]}"
    )
    for r in failed_but_out[:20]:
        log(
            f"failed although out: target {r.id} attempts={r.attempts} [{r.error_code}] {r.error_message}"
        )
    result.check(
        not failed_but_out,
        f"{len(failed_but_out)} targets are FAILED although the post went out (e.g. target "
        + ", ".join(
            f"{r.id} [{r.error_code}] {(r.error_message or '')[:90]!r}" for r in failed_but_out[:3]
        )
        + ")",
    )
    if stuck:
        now = datetime.now(UTC)
        left = Counter(
            (
                str(TargetStatus(r.status)),
                Platform(r.platform).value,
                _due_in(r.next_attempt_at, now) if r.status == TargetStatus.QUEUED else "",
            )
            for r in stuck
        )
        detail = "; ".join(
            f"{n} {st} {pf} {due}".strip() for (st, pf, due), n in left.most_common(6)
        )
        if out_of_time:
            result.fail(
                f"ran out of time with {len(stuck)} targets not final: {detail}; raise "
                "HERALD_SOAK_CHAOS_DEADLINE or lower HERALD_SOAK_POSTS if they were still moving"
            )
        else:
            result.fail(
                f"{len(stuck)} targets not final: {detail} (e.g. {[r.id for r in stuck[:5]]})"
            )
    result.check(not over_attempts, f"{len(over_attempts)} targets over {MAX_ATTEMPTS} attempts")
    result.check(
        not bad_post_status,
        f"{len(bad_post_status)} posts whose status disagrees with their targets: "
        f"{bad_post_status[:5]}",
    )


def _due_in(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "with no due time"
    seconds = (when - now).total_seconds()
    if seconds <= 60:
        return "due now"
    if seconds < 3600:
        return f"due in {seconds / 60:.0f} min"
    return f"due in {seconds / 3600:.1f} h"


def _scan_worker_output(work: Path, result: SuiteResult) -> None:
    """Tracebacks in a worker's own output (not the log file) mean it crashed on something."""
    crashes = 0
    example = ""
    for path, text in worker_output(work):
        if "Traceback (most recent call last)" in text:
            crashes += 1
            if not example:
                tail = text[text.index("Traceback") :].strip().splitlines()
                example = f"{path.name}: {tail[-1][:200] if tail else ''}"
    result.figures["worker outputs with a traceback"] = crashes
    result.check(not crashes, f"{crashes} worker runs printed a traceback ({example})")
