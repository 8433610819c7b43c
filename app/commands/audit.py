"""`main.py audit [--workspace NAME]`: the audit log as TSV, oldest first.

    WHEN<TAB>WHO<TAB>ACTION<TAB>OBJECT

WHEN is UTC in ISO 8601; OBJECT is "post 12" or "account 3". On PostgreSQL a member sees
only their own workspaces' entries.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.worker import first_line
from app.core.audit import AuditError, AuditService
from app.core.db import DatabaseError

PROG = "herald audit"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="NAME", help="only this workspace's entries")


def run(args: argparse.Namespace) -> int:
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
        db = context.db
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        for e in AuditService(db).entries(args.workspace):
            when = e.at.isoformat(timespec="seconds").replace("+00:00", "Z")
            print(f"{when}\t{e.who}\t{e.action}\t{e.object_kind} {e.object_id}")
    except (AuditError, DatabaseError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        context.close()
    return 0
