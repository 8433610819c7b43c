"""`main.py members add|list|remove`: the people of a workspace and their roles.

    python main.py members add --workspace NAME --name PERSON --role ROLE [--db URL]
    python main.py members list [--workspace NAME] [--db URL]
    python main.py members remove --workspace NAME --name PERSON [--db URL]

On PostgreSQL, `add` also creates the person's own login role (the first time they are
added) and prints their connection URL, with its generated password, once. `remove` cuts
them off at once. `list` prints PERSON<TAB>ROLE<TAB>WORKSPACE.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.worker import first_line
from app.core.db import Database, DatabaseError
from app.core.members.service import MemberError, MemberService, parse_role
from app.core.models import MemberRole

PROG = "herald members"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a person to a workspace with a role")
    add.add_argument("--workspace", required=True, metavar="NAME")
    add.add_argument("--name", required=True, metavar="PERSON")
    add.add_argument(
        "--role", required=True, metavar="ROLE", help=", ".join(r.value for r in MemberRole)
    )
    lst = sub.add_parser("list", help="print PERSON<TAB>ROLE<TAB>WORKSPACE per membership")
    lst.add_argument("--workspace", metavar="NAME", help="only this workspace's members")
    rm = sub.add_parser("remove", help="remove a person from a workspace, at once")
    rm.add_argument("--workspace", required=True, metavar="NAME")
    rm.add_argument("--name", required=True, metavar="PERSON")
    for p in (add, lst, rm):
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")


def run(args: argparse.Namespace) -> int:
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
        db = context.db
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        _run(db, args)
    except (MemberError, DatabaseError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        context.close()
    return 0


def _run(db: Database, args: argparse.Namespace) -> None:
    service = MemberService(db)
    if args.members_command == "list":
        for m in service.list(args.workspace):
            print(f"{m.name}\t{m.role.value}\t{m.workspace}")
    elif args.members_command == "add":
        added = service.add(args.workspace, args.name, parse_role(args.role))
        print(f"{added.info.name}\t{added.info.role.value}\t{added.info.workspace}")
        if added.url is not None:
            print(f"Connection URL for {added.info.name} (shown once, keep it safe):")
            print(added.url)
        elif added.info.login is not None:
            print(f"{added.info.name} keeps their existing connection URL.")
    else:
        removed = service.remove(args.workspace, args.name)
        print(f"removed {removed.name} from {removed.workspace}")
