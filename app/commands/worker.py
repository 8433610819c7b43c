"""`main.py worker [--db URL] [--until-idle]`: the publishing engine, headless.

For an always-on machine, or several workers on one PostgreSQL database (each claims its own
work; none publishes a target another has). SIGTERM / Ctrl-C: stop claiming, let publishes in
progress finish, give back claimed work that had not started, exit 0. `--until-idle` exits 0
once nothing is due or in flight anywhere. `--status-file PATH` / SIGUSR1: a one-line health
status (app.core.engine.health).

Also home of `PlatformAdapters`, the engine's AdapterSource that the UI's scheduler thread
uses too: an account connected on the emulator carries the emulator's base URL in its
settings ("api_base") and is only ever sent there; every other account uses the real hosts.
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

from app.adapters.config import AdapterConfig
from app.adapters.media_server import HostingRouter, LoopbackMediaHost, MediaServer
from app.adapters.registry import build_adapters, close_adapters
from app.core import events as ev
from app.core import stopsignal
from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock, OffsetClock, SystemClock
from app.core.db import Database, DatabaseError, open_database
from app.core.dbclock import database_clock
from app.core.engine import EngineSettings, PublishingEngine
from app.core.engine.health import HealthReporter
from app.core.engine.maintenance import Maintenance, MaintenanceContext
from app.core.logsetup import setup_logging
from app.core.ports import AccountRef, AppCredentials, PermanentError, PlatformAdapter
from app.core.settings import SettingsService
from app.core.vault import Vault, VaultError, tty_passphrase_prompt
from app.platforms.facebook.adapter import FacebookAdapter, FacebookPagePhotoHost
from app.platforms.linkedin import LINKEDIN_VERSION
from app.platforms.names import Platform

log = logging.getLogger(__name__)

#: The emulator accepts any client; demos and tests use this fixed, non-secret pair.
EMULATOR_APP = AppCredentials(client_id="herald-demo", client_secret="demo-secret")
API_BASE = "api_base"


def first_line(exc: BaseException) -> str:
    """SQLAlchemy appends a documentation link on a second line; errors here are one line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def emulator_base(account: AccountInfo) -> str | None:
    value = account.settings.get(API_BASE)
    return str(value) if value else None


class PlatformAdapters:
    """AdapterSource: one adapter set per destination (the real platforms, or one emulator),
    built on first use and closed by `close()`."""

    def __init__(self, clock: Clock, accounts: AccountService | None = None) -> None:
        self.clock = clock
        self.accounts = accounts  # to find the Facebook Page that hosts Instagram images
        self._lock = threading.Lock()
        self._sets: dict[str | None, dict[Platform, PlatformAdapter]] = {}
        self._media: MediaServer | None = None

    def adapter(self, account: AccountInfo) -> PlatformAdapter:
        base = emulator_base(account)
        with self._lock:
            adapters = self._sets.get(base)
            if adapters is None:
                adapters = self._build(base)
                self._sets[base] = adapters
        return adapters[account.platform]

    def app_credentials(self, account: AccountInfo) -> AppCredentials | None:
        # None: the user's own developer app, read from the vault.
        return EMULATOR_APP if emulator_base(account) else None

    def _build(self, base: str | None) -> dict[Platform, PlatformAdapter]:
        if base is None:
            # Instagram on the real platform needs a public media hosting chosen per account:
            # an unpublished photo on one of the user's connected Facebook Pages.
            router = HostingRouter({})
            adapters = build_adapters(
                AdapterConfig.real(linkedin_version=self._linkedin_version()),
                self.clock,
                media_host=router,
            )
            if self.accounts is not None:
                facebook = adapters[Platform.FACEBOOK]
                assert isinstance(facebook, FacebookAdapter)
                router.hosts["facebook_page_photo"] = FacebookPagePhotoHost(
                    facebook, self._page_account
                )
            return adapters
        if self._media is None:
            # The emulator fetches Instagram/Facebook photos from this loopback server.
            self._media = MediaServer().start()
        host = LoopbackMediaHost(self._media)
        return build_adapters(AdapterConfig.for_emulator(base), self.clock, media_host=host)

    def _linkedin_version(self) -> str:
        """The "linkedin.api_version" setting (a refused one steps to the known version)."""
        if self.accounts is None:
            return LINKEDIN_VERSION
        return SettingsService(self.accounts.db).linkedin_version()

    def _page_account(self, page_id: str) -> AccountRef:
        assert self.accounts is not None
        for info in self.accounts.list():
            if info.platform == Platform.FACEBOOK and info.external_id == page_id:
                return self.accounts.account_ref(info.id)
        raise PermanentError(
            "The Facebook Page chosen to host Instagram images is no longer connected; "
            "choose another media hosting in Accounts.",
            code="no_media_hosting",
        )

    def close(self) -> None:
        with self._lock:
            sets = list(self._sets.values())
            self._sets.clear()
            media, self._media = self._media, None
        for adapters in sets:
            close_adapters(adapters)
        if media is not None:
            media.stop()


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


def _open(args: argparse.Namespace) -> tuple[Database, Vault]:
    db = open_database(getattr(args, "db", None))
    vault = Vault(db, passphrase=tty_passphrase_prompt)
    return db, vault


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
        db, vault = _open(args)
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"herald worker: {first_line(exc)}", file=sys.stderr)
        return 2
    if _stopped_early(stop, db):
        return 0
    machine = SystemClock()
    clock: Clock = OffsetClock(machine, args.clock_offset) if args.clock_offset else machine
    events = ev.EventHub()
    accounts = AccountService(db, vault, clock)
    try:
        if accounts.list():
            vault.unlock()  # fail now, with one clear line, not once per post
    except VaultError as exc:
        print(f"herald worker: {exc}", file=sys.stderr)
        db.dispose()
        return 2
    if _stopped_early(stop, db):
        return 0
    adapters = PlatformAdapters(clock, accounts)
    settings = EngineSettings(
        lease=timedelta(seconds=args.lease_seconds),
        per_platform=args.concurrency,
        batch_limit=args.batch,
    )
    # The database's clock: the server's on PostgreSQL, this machine's (unskewed) on SQLite.
    db_clock = database_clock(db, machine)
    engine = PublishingEngine(db, clock, adapters, events, accounts, settings, db_clock)
    events.subscribe(_printer(args.quiet))
    health = _start_health(db, db_clock, engine.owner, events, args.status_file)
    maintenance = None
    if not args.until_idle:
        from app.core.analytics import jobs as analytics_jobs

        analytics_jobs.register()  # metric checkpoints and best-time recompute
        maintenance = Maintenance(MaintenanceContext(db, clock, accounts, adapters, events))
        maintenance.start()
    where = make_url(db.url).render_as_string(hide_password=True)
    print(f"Herald worker {engine.owner} publishing from {where}", flush=True)
    try:
        engine.run_forever(stop, until_idle=args.until_idle)
    finally:
        health.stop()
        if maintenance is not None:
            maintenance.shutdown()
        adapters.close()
        db.dispose()
    return 0
