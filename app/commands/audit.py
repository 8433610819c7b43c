"""`main.py audit [--workspace NAME] [--post ID] [--csv FILE]`: the audit log as TSV,
oldest first.

    WHEN<TAB>WHO<TAB>ACTION<TAB>OBJECT

WHEN is UTC in ISO 8601; OBJECT is "post 12" or "account 3". On PostgreSQL a member sees
only their own workspaces' entries. `--csv FILE` writes them to FILE instead (with the
workspace and the detail: the network a post went out to, why it failed) and prints how many.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.worker import first_line
from app.core.audit import AuditError, AuditService
from app.core.db import DatabaseError
from app.core.history import HistoryError, write_audit_csv

PROG = "herald audit"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="NAME", help="only this workspace's entries")
    parser.add_argument("--post", metavar="ID", type=int, help="only this post's entries")
    parser.add_argument("--csv", metavar="FILE", help="write the entries to FILE as CSV")


def run(args: argparse.Namespace) -> int:
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
        db = context.db
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        entries = AuditService(db).entries(args.workspace, post_id=getattr(args, "post", None))
        if getattr(args, "csv", None):
            count = write_audit_csv(args.csv, entries)
            print(f"{count} entries written to {args.csv}")
            return 0
        for e in entries:
            when = e.at.isoformat(timespec="seconds").replace("+00:00", "Z")
            print(f"{when}\t{e.who}\t{e.action}\t{e.object_kind} {e.object_id}")
    except (AuditError, HistoryError, DatabaseError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        context.close()
    return 0
