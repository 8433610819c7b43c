"""`main.py worker [--db URL] [--until-idle]`: the publishing engine, headless.

For an always-on machine, or several workers on one PostgreSQL database (each claims its own
work; none publishes a target another has). SIGTERM / Ctrl-C: stop claiming, let publishes in
progress finish, give back claimed work that had not started, exit 0. `--until-idle` exits 0
once nothing is due or in flight anywhere. `--status-file PATH` / SIGUSR1: a one-line health
status (app.core.engine.health).

Herald is put together by app/bootstrap.py, which also chooses where the adapters send
requests (a database of emulator accounts runs against that emulator).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.core import events as ev
from app.core import stopsignal
from app.core.appcontext import AppContext
from app.core.clock import Clock
from app.core.db import Database, DatabaseError
from app.core.db_engine import POOL_SIZE_ENV, pool_size_from_env
from app.core.engine import EngineSettings, PublishingEngine
from app.core.engine.health import HealthReporter
from app.core.engine.maintenance import Maintenance
from app.core.logsetup import setup_logging
from app.core.vault import VaultError, tty_passphrase_prompt

log = logging.getLogger(__name__)


def first_line(exc: BaseException) -> str:
    """SQLAlchemy appends a documentation link on a second line; errors here are one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--until-idle",
        action="store_true",
        help="exit 0 once nothing is due or in flight (scripts, tests)",
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        default=60.0,
        help="how long a claim lasts without renewal before others may take it over",
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="publishes at once per platform (default 8)"
    )
    parser.add_argument(
        "--batch", type=int, default=32, help="targets claimed and held at once (default 32)"
    )
    parser.add_argument(
        "--pool-size",
        type=int,
        metavar="N",
        help="PostgreSQL connections this worker keeps at most, besides the one it listens "
        f"on (default: --concurrency + 1, or ${POOL_SIZE_ENV}); see docs/operations.md",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print only errors, not each published post"
    )
    parser.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="testing aid: run as if this machine's clock were SECONDS ahead (negative: "
        "behind); leases and due times still follow the database's clock",
    )
    parser.add_argument(
        "--status-file",
        type=Path,
        help="rewrite this file every few seconds with a one-line health status "
        "(last claim, in flight, backlog, lag); SIGUSR1 logs the line too",
    )


def _printer(quiet: bool) -> Any:
    lock = threading.Lock()  # events come from several publishing threads

    def say(text: str) -> None:
        with lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def show(event: ev.Event) -> None:
        d = event.data
        if event.kind == ev.TARGET_FAILED:
            say(f"failed\t{d['platform']}\ttarget {d['target_id']}\t{d['reason']}")
        elif event.kind == ev.NEEDS_REAUTH:
            say(f"reconnect\t{d['platform']}\t{d['handle']}\t{d['reason']}")
        elif event.kind == ev.NEEDS_CONFIRMATION:
            say(f"confirm\ttarget {d['target_id']}\tcheck whether it went out")
        elif event.kind == ev.NETWORK_STATE:
            state = "online" if d["online"] else f"waiting for network ({d['reason']})"
            say(f"network\t{state}")
        elif event.kind == ev.STORAGE_STATE:
            state = "ok" if d["ok"] else f"waiting for disk space ({d['reason']})"
            say(f"storage\t{state}")
        elif event.kind == ev.MISSED_POSTS:
            say(f"missed\t{len(d['post_ids'])} posts are past their time; see the app")
        elif event.kind == ev.TARGET_PUBLISHED and not quiet:
            say(f"published\t{d['platform']}\ttarget {d['target_id']}")

    return show


def pool_size(args: argparse.Namespace) -> int:
    """The worker's PostgreSQL pool: `--pool-size`, else HERALD_DB_POOL_SIZE, else one
    connection per publishing thread of a platform plus one for the claiming loop. Threads
    only hold a connection for a short write (never across a network call), so the 4
    platforms' threads share them; the LISTEN connection (handoff.py) comes on top."""
    if args.pool_size is not None:
        return int(args.pool_size)
    from_env = pool_size_from_env()  # ValueError: one clear line from _run
    return from_env if from_env is not None else int(args.concurrency) + 1


def _open(args: argparse.Namespace, size: int) -> AppContext:
    return bootstrap.open_context(
        getattr(args, "db", None),
        clock_offset=args.clock_offset,
        passphrase_prompt=tty_passphrase_prompt,
        pool_size=size,
    )


def run(args: argparse.Namespace) -> int:
    # Usually installed already by app.cli, before this module's imports.
    stop = stopsignal.install()
    try:
        return _run(args, stop)
    finally:
        stopsignal.uninstall()


def _stopped_early(stop: threading.Event, db: Database | None = None) -> bool:
    """A SIGTERM / Ctrl-C came while starting: what was under way (an upgrade) is done."""
    if not stop.is_set():
        return False
    if db is not None:
        db.dispose()
    log.info("worker stopped while starting (signal); nothing was claimed")
    print("herald worker: stopped before publishing anything", flush=True)
    return True


def _has_accounts(db: Database) -> bool:
    """One row is enough: listing every account as ORM objects (2,000 in bench-scale's
    database) was a sizeable part of each worker's start-up."""
    from sqlalchemy import select

    from app.core.models import Account

    with db.session() as s:
        return s.scalar(select(Account.id).limit(1)) is not None


def _start_health(
    db: Database, clock: Clock, owner: str, events: ev.EventHub, status_file: Path | None
) -> HealthReporter:
    health = HealthReporter(db, clock, owner, events, status_file=status_file)
    if hasattr(signal, "SIGUSR1"):  # not on Windows
        signal.signal(signal.SIGUSR1, health.request)
    health.start()
    return health


def _run(args: argparse.Namespace, stop: threading.Event) -> int:
    if args.concurrency < 1 or args.batch < 1 or args.lease_seconds <= 0:
        print(
            "herald worker: --concurrency, --batch and --lease-seconds must be positive",
            file=sys.stderr,
        )
        return 2
    if args.pool_size is not None and args.pool_size < 1:
        print("herald worker: --pool-size must be positive", file=sys.stderr)
        return 2
    try:
        size = pool_size(args)
    except ValueError as exc:
        print(f"herald worker: {exc}", file=sys.stderr)
        return 2
    if args.status_file is not None and not args.status_file.parent.is_dir():
        print(
            f"herald worker: --status-file: folder {args.status_file.parent} does not exist",
            file=sys.stderr,
        )
        return 2
    setup_logging()
    if _stopped_early(stop):
        return 0
    try:
        context = _open(args, size)
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"herald worker: {first_line(exc)}", file=sys.stderr)
        return 2
    db = context.db
    if _stopped_early(stop, db):
        return 0
    try:
        if _has_accounts(db):
            context.vault.unlock()  # fail now, with one clear line, not once per post
    except VaultError as exc:
        print(f"herald worker: {exc}", file=sys.stderr)
        db.dispose()
        return 2
    if _stopped_early(stop, db):
        return 0
    settings = EngineSettings(
        lease=timedelta(seconds=args.lease_seconds),
        per_platform=args.concurrency,
        batch_limit=args.batch,
    )
    # The database's clock: the server's on PostgreSQL, this machine's (unskewed) on SQLite.
    db_clock = context.db_clock if context.db_clock is not None else context.clock
    engine = PublishingEngine(
        db,
        context.clock,
        context.adapters,
        context.events,
        context.accounts,
        settings,
        db_clock=db_clock,
    )
    context.events.subscribe(_printer(args.quiet))
    health = _start_health(db, db_clock, engine.owner, context.events, args.status_file)
    maintenance = None
    if not args.until_idle:
        from app.core.analytics import jobs as analytics_jobs

        analytics_jobs.register()  # metric checkpoints and best-time recompute
        maintenance = Maintenance(context.maintenance_context())
        maintenance.start()
    where = make_url(db.url).render_as_string(hide_password=True)
    print(f"Herald worker {engine.owner} publishing from {where}", flush=True)
    try:
        engine.run_forever(stop, until_idle=args.until_idle)
    finally:
        health.stop()
        if maintenance is not None:
            maintenance.shutdown()
        context.close()
    return 0
