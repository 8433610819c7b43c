"""`main.py recommend`: print the best times to post, recomputed now.

    python main.py recommend [--db URL] --workspace NAME [--platform P]

One line per slot, the top 3 per platform (every platform unless --platform is given):
PLATFORM<TAB>WEEKDAY<TAB>HH:00<TAB>score<TAB>confidence<TAB>samples, where the weekday is
Monday…Sunday and the hour is in the workspace's time zone, the score is the expected
engagement rate (0.0512 = 5.12 %; engagements per post for a platform whose posts report no
impressions, like LinkedIn personal profiles), confidence is low|medium|high and samples is
the number of posts behind the slot (0: the cold-start profile). See docs/besttime.md.
"""

from __future__ import annotations

import argparse
import sys

from app.core.analytics.aggregates import WEEKDAYS
from app.core.besttime import Slot, parse_platform, recompute
from app.core.db import DatabaseError, open_database
from app.core.workspaces import WorkspaceError, WorkspaceService
from app.platforms.names import Platform

PROG = "herald recommend"
TOP = 3


def configure(parser: argparse.ArgumentParser) -> None:
    # --db is added by app.cli for every sub-command.
    parser.add_argument("--workspace", required=True, metavar="NAME", help="workspace name")
    parser.add_argument(
        "--platform",
        metavar="P",
        help="only this platform: "
        + ", ".join(
            p.value if p.label.upper() == p.value else f"{p.value} (or {p.label})" for p in Platform
        ),
    )


def line(platform: Platform, slot: Slot) -> str:
    return (
        f"{platform.value}\t{WEEKDAYS[slot.weekday]}\t{slot.hour:02d}:00\t"
        f"{slot.score:.4f}\t{slot.confidence}\t{slot.samples}"
    )


def run(args: argparse.Namespace) -> int:
    try:
        platforms = [parse_platform(args.platform)] if args.platform else list(Platform)
    except ValueError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    try:
        db = open_database(getattr(args, "db", None))
    except DatabaseError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    try:
        workspace = WorkspaceService(db).by_name(args.workspace)
        profiles = recompute(db, workspace.id)
    except WorkspaceError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    for platform in platforms:
        for slot in profiles[(workspace.id, platform)].top(TOP):
            print(line(platform, slot))
    return 0
