"""`main.py demo-seed`: weeks of demo history published through a running emulator.

    python main.py demo-seed --db URL --emulator URL [--workspace NAME] [--timezone ZONE]
                             [--days 90] [--seed N]

Connects one account per platform on the emulator (the real OAuth flow), publishes 2-4 posts
per platform a day through the real adapters with Herald's and the emulator's clocks moved
together, collects their analytics, schedules the coming week and computes the best times.
For testers and benchmarks; `--demo` does the same in-process. Prints a short summary and
exits 0; bad input is one line on stderr and exit 2 (a failure while seeding: exit 1).
Only a loopback emulator is accepted, and only a database without real accounts.
"""

from __future__ import annotations

import argparse
import sys

PROG = "herald demo-seed"


def configure(parser: argparse.ArgumentParser) -> None:
    from app.demo.seed import DEFAULT_WORKSPACE, DEFAULT_ZONE

    parser.add_argument(
        "--emulator", required=True, metavar="URL", help="the emulator, e.g. http://127.0.0.1:8700"
    )
    parser.add_argument(
        "--workspace",
        default=DEFAULT_WORKSPACE,
        metavar="NAME",
        help=f"created when missing (default {DEFAULT_WORKSPACE!r})",
    )
    parser.add_argument(
        "--timezone",
        default=DEFAULT_ZONE,
        metavar="ZONE",
        help=f"zone of a new workspace (default {DEFAULT_ZONE})",
    )
    parser.add_argument("--days", default="90", metavar="N", help="days of history (default 90)")
    parser.add_argument(
        "--seed", type=int, default=1, metavar="N", help="random seed of texts and times"
    )


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from app import bootstrap
    from app.commands.worker import first_line
    from app.core.db import DatabaseError
    from app.core.logsetup import setup_logging
    from app.core.timeutil import is_valid_zone
    from app.core.vault import VaultError, tty_passphrase_prompt
    from app.demo.emulator import DemoError, RemoteClock, check_emulator
    from app.demo.seed import MAX_DAYS, check_database, seed_history

    try:
        days = int(args.days)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        return _fail(f"--days must be a whole number from 1 to {MAX_DAYS}, not {args.days!r}", 2)
    if not is_valid_zone(args.timezone):
        return _fail(f"unknown time zone {args.timezone!r}", 2)
    if not args.workspace.strip() or len(args.workspace) > 120:
        return _fail("--workspace needs a name of at most 120 characters", 2)
    try:
        url = check_emulator(args.emulator)
    except DemoError as exc:
        return _fail(str(exc), 2)
    setup_logging()
    try:
        context = bootstrap.open_context(
            getattr(args, "db", None), passphrase_prompt=tty_passphrase_prompt
        )
    except (DatabaseError, SQLAlchemyError) as exc:
        return _fail(first_line(exc), 2)
    db = context.db
    try:
        check_database(db)
    except DemoError as exc:
        context.close()
        return _fail(str(exc), 2)
    clock = RemoteClock(url)
    try:
        report = seed_history(
            db,
            url,
            workspace=args.workspace,
            timezone=args.timezone,
            days=days,
            set_emulator_clock=clock,
            rng_seed=args.seed,
            vault=context.vault,
        )
    except (DemoError, VaultError) as exc:  # the emulator went away, a locked vault...
        return _fail(str(exc), 1)
    except DatabaseError as exc:  # a full disk...
        return _fail(first_line(exc), 1)
    finally:
        clock.close()
        context.close()
    print(f"Demo history seeded through the emulator at {url}")
    for line in report.summary():
        print(line)
    return 0
