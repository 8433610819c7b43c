"""`main.py import FILE.csv [--db URL] --workspace NAME`: schedule posts in bulk, all or nothing.

Columns: scheduled_at (ISO local wall time, no offset), timezone (IANA), accounts (handles
separated by ";", optionally PLATFORM:handle when two accounts share a handle), text, media
(paths separated by ";", relative to the CSV file; may be empty), and optional per-platform
texts text_<network> for every registered network (text_twitter ... text_mastodon). A
Mastodon account is named by its full handle (@user@instance).

The file itself is checked first (app.core.csv_table: UTF-8 or UTF-16, no NUL, quotes
that pair up, the columns). Then every row (app.core.csv_rows, shared with the app's import dialog: dates, DST gaps and repeated hours, time zones,
unknown accounts, media files, each platform's content rules), without writing anything: if any
row is bad nothing is imported, the database is not touched, and each bad row is reported as
FILE:LINE: reason. Only then do the rows go in through PostService.create_many, all in one
transaction. (Checking first is what makes refusing a 20,000-row file take seconds: inserting
then rolling back took minutes.)

A post never goes out before the time written: seconds are kept, and a fraction of a second
rounds the time up to the next whole second.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.worker import first_line
from app.core.accounts import AccountService
from app.core.clock import Clock, SystemClock
from app.core.csv_rows import (  # the row checks, shared with the app's import dialog
    PLATFORM_TEXT,
    REQUIRED,
    AccountIndex,
    Row,
    check_rows,
    drafts_of,
)
from app.core.csv_table import CsvRefused, read_table
from app.core.db import Database, DatabaseError
from app.core.engine.txn import write_session
from app.core.posts import PostBatchError, PostService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceError, WorkspaceService

__all__ = ["PLATFORM_TEXT", "REQUIRED", "AccountIndex", "ImportFailed", "Row", "import_file"]
PROG = "herald import"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
    parser.add_argument("--workspace", required=True, metavar="NAME")


class ImportFailed(Exception):
    """Nothing was imported: bad rows (FILE:LINE: reason each), or the database failed (a full
    disk...: `database` is set and `errors` is its one message)."""

    def __init__(self, errors: Sequence[str], database: DatabaseError | None = None) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)
        self.database = database


def import_file(db: Database, path: Path, workspace: str, *, clock: Clock | None = None) -> int:
    """Import every row or none; returns the number of posts. Raises ImportFailed."""
    try:
        return _import_file(db, path, workspace, clock or SystemClock())
    except DatabaseError as exc:  # a full disk...: the one transaction was rolled back whole
        raise ImportFailed([first_line(exc)], database=exc) from exc


def _import_file(db: Database, path: Path, workspace: str, clock: Clock) -> int:
    try:
        ws = WorkspaceService(db).by_name(workspace)
    except WorkspaceError as exc:
        raise ImportFailed([str(exc)]) from None
    try:
        table = read_table(path, REQUIRED, tuple(PLATFORM_TEXT.values()))
    except CsvRefused as exc:
        raise ImportFailed(exc.errors) from None
    except OSError as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc.strerror or exc})"]) from None
    if not table.records:
        raise ImportFailed([f"{path}: no rows to import (only the line naming the columns)"])
    index = AccountIndex(AccountService(db, Vault(db)).list(ws.id))
    now = clock.now()
    checks = check_rows(path, table, index, now)
    rows: list[Row] = [c.row for c in checks if c.row is not None]
    errors = [f"{path}:{c.line}: {p}" for c in checks for p in c.problems]
    if errors:  # refused before writing anything
        raise ImportFailed(errors)
    drafts = drafts_of(rows)
    with _all_or_nothing(db) as session:
        try:
            PostService(db, clock=clock).create_many(session, ws.id, drafts)
        except PostBatchError as exc:  # checked above already: a file changed meanwhile...
            raise ImportFailed([f"{path}:{rows[i].line}: {m}" for i, m in exc.problems]) from None
    return len(rows)


_all_or_nothing = write_session  # ImportFailed inside rolls the whole transaction back


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"{PROG}: no such file: {path}", file=sys.stderr)
        return 2
    try:
        context = bootstrap.open_context(getattr(args, "db", None))
        db = context.db
    except (DatabaseError, SQLAlchemyError) as exc:
        print(f"{PROG}: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        count = import_file(db, path, args.workspace)
    except ImportFailed as exc:
        if exc.database is not None:  # one line: it says that nothing was lost
            print(f"{PROG}: {exc.errors[0]}", file=sys.stderr)
            return 1
        for message in exc.errors:
            print(message, file=sys.stderr)
        print(f"{PROG}: nothing was imported ({len(exc.errors)} problem(s))", file=sys.stderr)
        return 1
    finally:
        context.close()
    print(f"imported {count} posts into {args.workspace}")
    return 0
