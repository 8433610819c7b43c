"""`make bench-scale` (issue 24): Herald's PostgreSQL answer measured at a million posts.

    python -m tests.bench.scale.run [--posts 1000000] [--due 20000] [--workers 16]

1. A fresh schema on HERALD_BENCH_PG_URL (or HERALD_TEST_PG_URL) is migrated and filled
   server-side (tests/bench/scale/dataset.py): `--posts` posts (x4 targets) over a year, 2,000
   accounts in 200 workspaces, 10 % published with snapshots at every checkpoint.
2. The emulator's accounts are connected (workspace "Demo") and a burst of `--due` targets
   is queued for them (X, LinkedIn, Facebook text posts; Instagram needs a hosted picture and
   is left to tests/integration/test_exactly_once.py).
3. Claim latency at that size: the real `claim_due` (batch 8), timed, its targets given back.
4. Floor: a plain client (Herald's adapters in threads, no database, no engine) sends a
   sample of the same request mix to the same emulator; its rate gives the floor time.
5. `--workers` worker processes (`main.py worker --until-idle`) drain the burst; drain time,
   lateness (published_at - due), duplicates and losses (from the emulator's own record)
   and the database size are reported, and written to bench-scale.json.
The schema is dropped at the end (`--keep` keeps it for a look with psql).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.adapters.source import API_BASE, EmulatorAdapters
from app.core.accounts import AccountService
from app.core.clock import SystemClock
from app.core.db import Database, open_database
from app.core.engine import claim, ratelimits, store
from app.core.models import Setting
from app.core.vault import Vault
from tests.bench.run import machine
from tests.bench.scale import cpu
from tests.bench.scale.dataset import Shape, generate
from tests.integration.helpers import (
    NO_EMULATOR_LIMITS,
    ROOT,
    VAULT_KEY,
    connect_emulator,
    env,
    start_worker,
    wait_all,
    worker_logs,
)

PLATFORMS = ("TWITTER", "LINKEDIN", "FACEBOOK")
PREFIX = "burst"


class _Env:
    """The one monkeypatch call connect_emulator makes, for a script."""

    def setenv(self, name: str, value: str) -> None:
        os.environ[name] = value


def _base_url() -> str:
    url = os.environ.get("HERALD_BENCH_PG_URL") or os.environ.get("HERALD_TEST_PG_URL")
    if not url:
        sys.exit("bench-scale needs HERALD_BENCH_PG_URL or HERALD_TEST_PG_URL (PostgreSQL)")
    return url


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def seed_burst(db: Database, due: int, when: datetime) -> int:
    """`due` targets on the emulator's accounts, round robin, one post each; returns count."""
    with db.engine.begin() as conn:
        ws = conn.execute(text("SELECT id FROM workspaces WHERE name = 'Demo'")).scalar_one()
        accounts = list(
            conn.execute(
                text("SELECT id FROM accounts WHERE workspace_id = :ws AND platform = ANY(:p)"),
                {"ws": ws, "p": list(PLATFORMS)},
            ).scalars()
        )
        first = conn.execute(text("SELECT max(id) FROM posts")).scalar_one() + 1
        conn.execute(
            text("""
INSERT INTO posts (id, workspace_id, base_text, scheduled_at, scheduled_tz, status,
                   created_at, updated_at, content_version)
SELECT :first + g, :ws, :prefix || ' ' || g || ' #herald', :when, 'UTC', 'SCHEDULED',
       :when, :when, 0
FROM generate_series(0, :n - 1) g"""),
            {"first": first, "ws": ws, "prefix": PREFIX, "when": when, "n": due},
        )
        conn.execute(
            text("""
INSERT INTO targets (post_id, account_id, status, attempts, next_attempt_at, idempotency_key,
                     updated_at)
SELECT :first + g, (:accounts)[g % cardinality(:accounts) + 1], 'QUEUED', 0, :when,
       md5('burst:' || g || ':' || :salt), :when
FROM generate_series(0, :n - 1) g"""),
            {
                "first": first,
                "accounts": accounts,
                "when": when,
                "n": due,
                "salt": uuid.uuid4().hex,
            },
        )
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence('posts', 'id'), :last)"),
            {"last": first + due},
        )
    return due


def per_account(due: int) -> int:
    """The most burst targets any one account gets (round robin over PLATFORMS)."""
    return -(-due // len(PLATFORMS))


def exact_budgets(db: Database, due: int) -> None:
    """Herald's publish budgets for the burst's accounts: exactly what the burst needs, in
    the emulator's own windows (X 15 min, LinkedIn the UTC day). The emulator gets the same
    limits once the floor is measured (limit_emulator): a call beyond what Herald reserved
    is refused there and counted (`emulator_429s`). Facebook documents no publish limit
    (Herald has no budget for it) and reports usage in percent: the emulator allows twice
    the burst's calls an hour, so Herald stops at "100 % used" only if it over-spends."""
    need = per_account(due)
    spec = {
        "TWITTER": {"limit": need, "window_s": 900},
        "LINKEDIN": {"limit": need, "window_s": 86400, "utc_day": True},
        "INSTAGRAM": {"limit": 10_000_000, "window_s": 900},
    }
    with db.session() as s:
        s.merge(Setting(key=ratelimits.SETTING_KEY, value=spec))
        s.commit()


def limit_emulator(emulator: Any, due: int) -> None:
    need = per_account(due)
    with emulator.emulator.lock:
        emulator.emulator.state.limits.clear()  # the floor's calls do not count
    emulator.configure(
        x_posts_limit=need, linkedin_posts_per_day=need, facebook_calls_per_hour=2 * need
    )


class ConnectionPeak:
    """The most server connections open at once while it runs (sampled every 50 ms)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.engine.dispose()

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.wait(0.05):
                n = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    )
                ).scalar_one()
                conn.commit()
                self.peak = max(self.peak, int(n))


def claim_latency(db: Database, rounds: int) -> list[float]:
    """Milliseconds per real claim of 8 due targets (budgets from the settings, as a worker
    claims), each batch given back at once, and the budgets it spent reset afterwards."""
    owner = f"probe-{uuid.uuid4().hex[:6]}"
    out = []
    for _ in range(rounds):
        now = SystemClock().now()
        t0 = time.perf_counter()
        ids = claim.claim_due(db, owner, now, 8, timedelta(minutes=1))
        out.append((time.perf_counter() - t0) * 1000)
        store.release(db, ids, owner, now)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM rate_limit_budgets WHERE account_id IN "
                "(SELECT a.id FROM accounts a JOIN workspaces w ON w.id = "
                "a.workspace_id WHERE w.name = 'Demo')"
            )
        )
    return out


def floor_rate(db: Database, base_url: str, sample: int, threads: int) -> float:
    """Publishes per second a plain client gets from the emulator for the burst's mix."""
    clock = SystemClock()
    accounts = AccountService(db, Vault(db), clock)
    adapters = EmulatorAdapters(clock, base_url)
    try:
        refs = []
        for info in accounts.list():
            if info.platform in PLATFORMS and info.workspace_id == _demo(db):
                adapter = adapters.adapter(info)
                refs.append(
                    (adapter, accounts.account_ref(info.id, adapters.app_credentials(info)))
                )

        def one(i: int) -> None:
            adapter, ref = refs[i % len(refs)]
            adapter.publish(ref, f"floor {i} #herald", [], uuid.uuid4().hex)

        with ThreadPoolExecutor(threads) as pool:
            warm = min(threads, sample)
            list(pool.map(one, range(warm)))  # warm: connections, tokens
            t0 = time.perf_counter()
            list(pool.map(one, range(warm, warm + sample)))
            took = time.perf_counter() - t0
    finally:
        adapters.close()
    return sample / took


def _demo(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM workspaces WHERE name = 'Demo'")).scalar_one())


def database_bytes(db: Database, schema: str) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                text("""
SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"""),
                {"s": schema},
            ).scalar_one()
        )


def _start(url: str, work: Path, args: argparse.Namespace, i: int) -> subprocess.Popen[str]:
    """One drain worker; with `--profile DIR` under cProfile (DIR/worker-<i>.prof)."""
    flags = ["--until-idle", "--concurrency", str(args.concurrency), "--batch", str(args.batch)]
    if not args.profile:
        return start_worker(url, work, *flags)
    Path(args.profile).mkdir(parents=True, exist_ok=True)
    out = (work / f"worker-profiled-{i}.log").open("w")
    prof = str(Path(args.profile).resolve() / f"worker-{i}.prof")
    return subprocess.Popen(
        [sys.executable, "-m", "cProfile", "-o", prof, "main.py", "worker", "--db", url]
        + ["--quiet", *flags],
        cwd=ROOT,
        env=env(work),
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    from app.emulator import EmulatorServer

    os.environ["HERALD_VAULT_KEY"] = VAULT_KEY
    base = _base_url()
    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    work = Path(args.workdir or f"/tmp/{schema}")
    work.mkdir(parents=True, exist_ok=True)
    emulator = EmulatorServer(port=0, seed=0, now=SystemClock().now, **NO_EMULATOR_LIMITS).start()
    db = open_database(url)
    results: dict[str, Any] = {
        "machine": machine(),
        "posts": args.posts,
        "due": args.due,
        "workers": args.workers,
        "schema": schema,
    }
    try:
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            generate(conn, SystemClock().now(), Shape(posts=args.posts, due_posts=0))
        results["generate_s"] = round(time.perf_counter() - t0, 1)
        _say(f"generated {args.posts:,} posts in {results['generate_s']} s")
        connect_emulator(url, emulator.base_url, _Env())
        with db.engine.begin() as conn:
            # The generated accounts have no credentials (never claimed), but a worker
            # chooses one destination for a database's accounts: the emulator for all.
            conn.execute(
                text("UPDATE accounts SET settings = CAST(:s AS json) WHERE settings::text = '{}'"),
                {"s": json.dumps({API_BASE: emulator.base_url})},
            )
        exact_budgets(db, args.due)
        seed_burst(db, args.due, SystemClock().now())
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE targets; ANALYZE posts"))
        results["database_mb"] = round(database_bytes(db, schema) / 2**20, 1)

        lat = claim_latency(db, args.claim_rounds)
        results["claim"] = {
            "median_ms": round(statistics.median(lat), 2),
            "p99_ms": round(_pct(lat, 0.99), 2),
            "samples": len(lat),
        }
        _say(f"claim latency {results['claim']}")

        threads = args.workers * args.concurrency
        rate = floor_rate(db, emulator.base_url, args.floor_sample, threads)
        limit_emulator(emulator, args.due)
        floor_s = args.due / rate
        _say(f"floor: {rate:.0f} publishes/s, {floor_s:.1f} s for {args.due:,}")

        # The burst falls due now, as the workers start: lateness is the drain's own.
        start = SystemClock().now()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE targets SET next_attempt_at = :t WHERE status = 'QUEUED' "
                    "AND post_id IN (SELECT id FROM posts WHERE base_text LIKE :p)"
                ),
                {"t": start, "p": f"{PREFIX} %"},
            )
        t0 = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cores0 = cpu.mark()
        with ConnectionPeak(base) as peak:
            procs = [_start(url, work, args, i) for i in range(args.workers)]
            codes = wait_all(procs, timeout=args.timeout)
            drain_s = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        # which of workers, emulator and server (the rest) held the cores
        results["drain_cpu"] = cpu.split(cores0, cpu.mark())
        _say(f"drain CPU: {results['drain_cpu']}")
        worker_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        results["workers_cpu_s"] = round(worker_cpu, 1)
        results["workers_cpu_ms_per_target"] = round(1000 * worker_cpu / args.due, 1)
        results["load_average"] = os.getloadavg()
        results["peak_connections"] = peak.peak
        results["emulator_429s"] = emulator.rate_limited()
        _say(f"drained in {drain_s:.1f} s (exit codes {Counter(codes)})")

        counts = Counter(
            str(p["text"]) for p in emulator.published() if str(p["text"]).startswith(PREFIX + " ")
        )
        with db.engine.connect() as conn:
            statuses = dict(
                conn.execute(
                    text(
                        "SELECT t.status, count(*) FROM targets t JOIN posts p ON p.id = t.post_id "
                        "WHERE p.base_text LIKE :p GROUP BY t.status"
                    ),
                    {"p": f"{PREFIX} %"},
                ).all()
            )
            late = [
                float(x)
                for x in conn.execute(
                    text(
                        "SELECT extract(epoch FROM t.published_at - :t) FROM targets t "
                        "JOIN posts p ON p.id = t.post_id WHERE p.base_text LIKE :p "
                        "AND t.published_at IS NOT NULL"
                    ),
                    {"p": f"{PREFIX} %", "t": start},
                ).scalars()
            ]
            stuck = [
                dict(r._mapping)
                for r in conn.execute(
                    text(
                        "SELECT t.status, t.error_code, t.attempts, "
                        "round(extract(epoch FROM t.next_attempt_at - now())) AS due_in_s, "
                        "count(*) AS n FROM targets t JOIN posts p ON p.id = t.post_id "
                        "WHERE p.base_text LIKE :p AND t.status <> 'PUBLISHED' "
                        "GROUP BY 1, 2, 3, 4 ORDER BY n DESC LIMIT 10"
                    ),
                    {"p": f"{PREFIX} %"},
                )
            ]
        results["not_published"] = stuck
        results["database_mb_after"] = round(database_bytes(db, schema) / 2**20, 1)
        results.update(
            drain_s=round(drain_s, 1),
            floor_s=round(floor_s, 1),
            floor_rate_per_s=round(rate, 1),
            drain_vs_floor=round(drain_s / floor_s, 2),
            lateness={
                "median_s": round(statistics.median(late), 1) if late else None,
                "p99_s": round(_pct(late, 0.99), 1) if late else None,
            },
            duplicates=sum(n - 1 for n in counts.values() if n > 1),
            lost=args.due - len(counts),
            target_statuses=statuses,
            worker_exit_codes=dict(Counter(codes)),
        )
        if any(codes):
            _say(worker_logs(work)[-3000:])
    finally:
        db.dispose()
        emulator.stop()
        if not args.keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    results["ids"] = {
        "claim.p99_ms": results.get("claim", {}).get("p99_ms"),
        "drain_vs_floor": results.get("drain_vs_floor"),
        "lateness.p99_s": results.get("lateness", {}).get("p99_s"),
    }
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench-scale", description=__doc__.split("\n")[0])
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--due", type=int, default=20_000, help="burst of due targets to drain")
    p.add_argument("--workers", type=int, default=16)
    # 1: each worker then holds ~6 PostgreSQL connections; 16 of them fit a default server
    # (max_connections 100). See docs/operations.md.
    p.add_argument("--concurrency", type=int, default=1, help="per platform, per worker")
    p.add_argument("--batch", type=int, default=8, help="targets a worker holds at once")
    p.add_argument("--profile", metavar="DIR", help="run the workers under cProfile")
    p.add_argument("--claim-rounds", type=int, default=300)
    p.add_argument("--floor-sample", type=int, default=2_000)
    p.add_argument("--timeout", type=float, default=1500.0, help="seconds for the drain")
    p.add_argument("--out", default="bench-scale.json")
    p.add_argument("--workdir", help="worker logs (default /tmp/<schema>)")
    p.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = p.parse_args(argv)
    if min(args.posts, args.due, args.workers, args.concurrency, args.claim_rounds) < 1:
        p.error("--posts, --due, --workers, --concurrency and --claim-rounds must be positive")
    started = time.perf_counter()
    results = run(args)
    results["total_s"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print(
        json.dumps(
            results["ids"]
            | {
                "duplicates": results.get("duplicates"),
                "lost": results.get("lost"),
                "emulator_429s": results.get("emulator_429s"),
            },
            indent=2,
        )
    )
    ok = (
        results.get("duplicates") == 0
        and results.get("lost") == 0
        and not any(results.get("emulator_429s", {}).values())
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
