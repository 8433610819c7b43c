"""`main.py members add|list|remove`: the people of a workspace and their roles.

    python main.py members add --workspace NAME --name PERSON --role ROLE [--db URL]
    python main.py members list [--workspace NAME] [--db URL]
    python main.py members remove --workspace NAME --name PERSON [--db URL]
    python main.py members regrant [--db URL]
    python main.py members key [--db URL]
    python main.py members issue-key --name PERSON [--db URL]

On PostgreSQL, `add` also creates the person's own login role (the first time they are
added) and prints their connection URL, with its generated password, and their member key,
once. `remove` cuts them off at once and re-keys what they could read. `list` prints
PERSON<TAB>ROLE<TAB>WORKSPACE. `regrant` applies every member's table privileges again
(after a schema change). `key`, run by the member with their URL, asks for their member key
and keeps it in the OS keychain (docs/security.md). `issue-key` prints a member key, once, for
a person added before member keys existed (migration 0020), who has none.
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
from app.core.vault import Vault, VaultError

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
    regrant = sub.add_parser("regrant", help="apply every member's table privileges again")
    key = sub.add_parser("key", help="keep your member key (printed by add) in the OS keychain")
    issue = sub.add_parser(
        "issue-key", help="print a member key for a person added before member keys existed"
    )
    issue.add_argument("--name", required=True, metavar="PERSON")
    for p in (add, lst, rm, regrant, key, issue):
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")


def run(args: argparse.Namespace) -> int:
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
        db = context.db
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        _run(db, args, context.vault)
    except (MemberError, DatabaseError, VaultError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 1
    finally:
        context.close()
    return 0


def _run(db: Database, args: argparse.Namespace, vault: Vault) -> None:
    service = MemberService(db, vault=vault)
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
        if added.member_key is not None:
            print(f"Member key for {added.info.name} (shown once, give it with the URL):")
            print(added.member_key)
    elif args.members_command == "regrant":
        done = service.regrant()
        print(f"privileges applied again for {len(done)} member login(s)")
    elif args.members_command == "key":
        _store_key(db)
    elif args.members_command == "issue-key":
        member_key = service.issue_key(args.name)
        print(f"Member key for {args.name} (shown once, give it with their connection URL):")
        print(member_key)
        print("They keep it with `python main.py members key --db THEIR-URL`.")
    else:
        removed = service.remove(args.workspace, args.name)
        print(f"removed {removed.name} from {removed.workspace}")


def _store_key(db: Database) -> None:
    """The member's side: paste the key `members add` printed; it goes to the keychain."""
    import getpass

    from app.core import member_keys
    from app.core.workspace_keys import member_login

    with db.session() as s:
        login = member_login(s)
    if login is None:
        raise MemberError("`members key` is for a member's own connection URL (--db).")
    if sys.stdin is not None and sys.stdin.isatty():
        text = getpass.getpass(f"Member key for {login}: ")
    else:
        text = sys.stdin.readline() if sys.stdin is not None else ""
    member_keys.store_member_key(login, text)
    print(f"member key for {login} kept in the OS keychain")
