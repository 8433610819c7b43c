"""`main.py import FILE.csv [--db URL] --workspace NAME`: schedule posts in bulk, all or nothing.

Columns: scheduled_at (ISO local wall time, no offset), timezone (IANA), accounts (handles
separated by ";", optionally PLATFORM:handle when two accounts share a handle), text, media
(paths separated by ";", relative to the CSV file; may be empty), and optional per-platform
texts text_twitter, text_instagram, text_linkedin, text_facebook.

Every row is checked first (dates, DST gaps and repeated hours, time zones, unknown accounts,
media files, each platform's content rules); if any row is bad nothing is imported and each
bad row is reported as FILE:LINE: reason. Rows go in through PostService.create_in, all in one
transaction.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app.commands.worker import first_line
from app.constants import Platform
from app.core.accounts import AccountInfo, AccountService
from app.core.db import Database, DatabaseError, open_database
from app.core.engine.txn import write_session
from app.core.posts import PostError, PostService, SchedulingError
from app.core.timeutil import to_utc, zone_info
from app.core.vault import Vault
from app.core.workspaces import WorkspaceError, WorkspaceService

PROG = "herald import"
REQUIRED = ("scheduled_at", "timezone", "accounts", "text", "media")
PLATFORM_TEXT = {p: f"text_{p.value.lower()}" for p in Platform}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
    parser.add_argument("--workspace", required=True, metavar="NAME")


@dataclass(frozen=True)
class Row:
    line: int
    wall: datetime
    zone: str
    account_ids: tuple[int, ...]
    text: str
    overrides: Mapping[int, str | None]
    media: tuple[Path, ...]


class ImportFailed(Exception):
    """Nothing was imported: bad rows (FILE:LINE: reason each), or the database failed (a full
    disk...: `database` is set and `errors` is its one message)."""

    def __init__(self, errors: Sequence[str], database: DatabaseError | None = None) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)
        self.database = database


def _norm(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


class AccountIndex:
    def __init__(self, accounts: Sequence[AccountInfo]) -> None:
        self.by_handle: dict[str, list[AccountInfo]] = {}
        for a in accounts:
            self.by_handle.setdefault(_norm(a.handle), []).append(a)

    def resolve(self, name: str) -> AccountInfo:
        platform: Platform | None = None
        prefix, sep, rest = name.partition(":")
        if sep and prefix.strip().upper() in Platform.__members__:
            platform, name = Platform[prefix.strip().upper()], rest
        found = [a for a in self.by_handle.get(_norm(name), []) if platform in (None, a.platform)]
        if not found:
            raise ValueError(f"unknown account {name.strip()!r} in this workspace")
        if len(found) > 1:
            raise ValueError(
                f"{name.strip()!r} names {len(found)} accounts; write PLATFORM:handle, e.g. "
                f"{found[0].platform.value.lower()}:{found[0].handle}"
            )
        return found[0]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line of the record, its fields); a record may span lines (quoted newlines)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFailed([f"{path}:1: missing column(s): {', '.join(missing)}"])
        start = 2
        for record in reader:
            if None in record:  # more fields than the header names
                raise ImportFailed([f"{path}:{start}: more values than columns"])
            yield start, {k: (v or "") for k, v in record.items()}
            start = reader.line_num + 1


def _parse(
    path: Path, line: int, record: Mapping[str, str], index: AccountIndex
) -> tuple[Row | None, list[str]]:
    errors: list[str] = []
    zone = record["timezone"].strip()
    wall: datetime | None = None
    try:
        zone_info(zone)
    except ValueError:
        errors.append(f"unknown time zone {zone!r}")
        zone = ""
    raw = record["scheduled_at"].strip()
    try:
        wall = datetime.fromisoformat(raw)
        if wall.tzinfo is not None:
            errors.append(f"scheduled_at {raw!r} has a UTC offset; give the local wall time")
            wall = None
    except ValueError:
        errors.append(f"scheduled_at {raw!r} is not a date and time (YYYY-MM-DD HH:MM)")
    if wall is not None and zone:
        try:
            to_utc(wall.replace(second=0, microsecond=0), zone)
        except ValueError as exc:  # a DST gap, a repeated hour, outside the calendar
            errors.append(str(exc))
    account_ids: list[int] = []
    overrides: dict[int, str | None] = {}
    names = [n for n in record["accounts"].split(";") if n.strip()]
    if not names:
        errors.append("no accounts")
    for name in names:
        try:
            info = index.resolve(name)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        account_ids.append(info.id)
        own = record.get(PLATFORM_TEXT[info.platform], "")
        if own.strip():
            overrides[info.id] = own
    media: list[Path] = []
    for item in (m.strip() for m in record["media"].split(";")):
        if not item:
            continue
        p = Path(item).expanduser()
        p = p if p.is_absolute() else path.parent / p
        if not p.is_file():
            errors.append(f"media file not found: {item}")
        media.append(p)
    if errors or wall is None:
        return None, errors
    return Row(line, wall, zone, tuple(account_ids), record["text"], overrides, tuple(media)), []


def import_file(db: Database, path: Path, workspace: str) -> int:
    """Import every row or none; returns the number of posts. Raises ImportFailed."""
    try:
        return _import_file(db, path, workspace)
    except DatabaseError as exc:  # a full disk...: the one transaction was rolled back whole
        raise ImportFailed([first_line(exc)], database=exc) from exc


def _import_file(db: Database, path: Path, workspace: str) -> int:
    try:
        ws = WorkspaceService(db).by_name(workspace)
    except WorkspaceError as exc:
        raise ImportFailed([str(exc)]) from None
    index = AccountIndex(AccountService(db, Vault(db)).list(ws.id))
    rows: list[Row] = []
    errors: list[str] = []
    try:
        for line, record in _rows(path):
            row, problems = _parse(path, line, record, index)
            errors.extend(f"{path}:{line}: {p}" for p in problems)
            if row is not None:
                rows.append(row)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed([f"{path}: cannot read the file ({exc})"]) from None
    if not rows and not errors:
        raise ImportFailed([f"{path}: no rows to import"])
    posts = PostService(db)
    with _all_or_nothing(db) as session:
        for row in rows:
            try:
                with session.begin_nested():
                    posts.create_in(
                        session,
                        ws.id,
                        row.text,
                        row.account_ids,
                        overrides=row.overrides,
                        media_paths=row.media,
                        scheduled_local=row.wall,
                        zone=row.zone,
                        action="schedule",
                    )
            except SchedulingError as exc:
                errors.extend(f"{path}:{row.line}: {m}" for m in exc.messages)
            except (PostError, ValueError) as exc:
                errors.append(f"{path}:{row.line}: {exc}")
        if errors:
            raise ImportFailed(sorted(errors, key=_line_of))
    return len(rows)


def _line_of(message: str) -> int:
    try:
        return int(message.split(":")[1])
    except (IndexError, ValueError):
        return 0


_all_or_nothing = write_session  # ImportFailed inside rolls the whole transaction back


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"{PROG}: no such file: {path}", file=sys.stderr)
        return 2
    try:
        db = open_database(getattr(args, "db", None))
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
        db.dispose()
    print(f"imported {count} posts into {args.workspace}")
    return 0
