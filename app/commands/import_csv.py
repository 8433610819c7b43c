"""`main.py import FILE.csv [--db URL] --workspace NAME`: schedule posts in bulk, all or nothing.

Columns: scheduled_at (ISO local wall time, no offset), timezone (IANA), accounts (handles
separated by ";", optionally PLATFORM:handle when two accounts share a handle), text, media
(paths separated by ";", relative to the CSV file; may be empty), and optional per-platform
texts text_<network> for every registered network (text_twitter ... text_mastodon). A
Mastodon account is named by its full handle (@user@instance).

The file itself is checked first (app.commands.csv_table: UTF-8 or UTF-16, no NUL, quotes
that pair up, the columns). Then every row (dates, DST gaps and repeated hours, time zones,
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
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app import bootstrap
from app.commands.csv_table import CsvRefused, read_table
from app.commands.worker import first_line
from app.core.accounts import AccountInfo, AccountService
from app.core.clock import Clock, SystemClock
from app.core.constraints import effective_text, validate
from app.core.db import Database, DatabaseError
from app.core.engine.txn import write_session
from app.core.media import MediaError, MediaInfo, inspect_media_cached
from app.core.posts import PostBatchError, PostDraft, PostService
from app.core.timeutil import AmbiguousTimeError, to_utc, zone_info
from app.core.vault import Vault
from app.core.workspaces import WorkspaceError, WorkspaceService
from app.platforms.names import Platform
from app.platforms.views import PerPlatform

PROG = "herald import"
REQUIRED = ("scheduled_at", "timezone", "accounts", "text", "media")
#: each registered network's own text column ("text_twitter"), read from the registry
PLATFORM_TEXT: Mapping[Platform, str] = PerPlatform(lambda d: f"text_{d.name.lower()}")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the CSV file to import")
    parser.add_argument("--workspace", required=True, metavar="NAME")


@dataclass(frozen=True)
class Row:
    line: int
    when: datetime  # the UTC instant, to the second
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
        if not found and platform is not None:
            raise ValueError(f"no {platform.label} account {name.strip()!r} in this workspace")
        if not found:
            raise ValueError(f"unknown account {name.strip()!r} in this workspace")
        if len(found) > 1:
            raise ValueError(
                f"{name.strip()!r} names {len(found)} accounts; write PLATFORM:handle, e.g. "
                f"{found[0].platform.value.lower()}:{found[0].handle}"
            )
        return found[0]


_FRACTION = re.compile(r"[.,](\d+)")  # the date part has neither


def _wall_time(raw: str) -> datetime:
    """The wall time written, with its seconds; a fraction of a second rounds up (never down:
    fromisoformat would drop a 7th digit)."""
    wall = datetime.fromisoformat(raw)
    fraction = _FRACTION.search(raw)
    if wall.tzinfo is None and fraction and fraction.group(1).strip("0"):
        wall = wall.replace(microsecond=0) + timedelta(seconds=1)
    return wall


# A line inside a value that starts like a row of its own: "2031-05-04 09:30,Europe/Paris,..."
_ROW_START = re.compile(r"\s*(\d{4}-\d\d-\d\d[T ]\d\d:\d\d[^,]*),[^,]*,")


def _swallowed_row(record: Mapping[str, str]) -> str | None:
    """Why this record looks like rows that an unclosed quote ran together, or None.

    Strict quoting catches most unclosed quotes, but not one whose value happens to end at a
    later row's stray quote: the rows between would become one post's text."""
    for column, value in record.items():
        for later in value.splitlines()[1:]:
            found = _ROW_START.match(later)
            if found is None:
                continue
            try:
                datetime.fromisoformat(found.group(1).strip())
            except ValueError:
                continue
            shown = later.strip()
            shown = shown if len(shown) <= 40 else shown[:40] + "..."
            return (
                f"the {column} value runs over several lines and one of them looks like a row "
                f"of its own ({shown!r}): is a closing quote missing in this row?"
            )
    return None


def _parse(
    path: Path, line: int, record: Mapping[str, str], index: AccountIndex, now: datetime
) -> tuple[Row | None, list[str]]:
    swallowed = _swallowed_row(record)
    if swallowed is not None:  # its values are not what the person meant: say only this
        return None, [swallowed]
    zone, when, errors = _when(record)
    accounts, overrides, account_errors = _accounts(record, index)
    media, media_errors = _media(path, record["media"])
    errors += account_errors + media_errors
    if when is not None and when < now.replace(second=0, microsecond=0):  # as the composer
        errors.append("That time has already passed; choose a later time or Publish now.")
    text = record["text"]
    if not media_errors:
        errors += _content_errors(text, accounts, overrides, media.values())
    if errors or when is None:
        return None, errors
    ids = tuple(a.id for a in accounts)
    return Row(line, when, zone, ids, text, overrides, tuple(media)), []


def _when(record: Mapping[str, str]) -> tuple[str, datetime | None, list[str]]:
    """(the zone, the UTC instant to the second, problems). DST gaps and repeated hours are
    refused with the time utilities' explanation, never guessed."""
    errors: list[str] = []
    zone = record["timezone"].strip()
    try:
        zone_info(zone)
    except ValueError:
        errors.append(f"unknown time zone {zone!r}")
        zone = ""
    raw = record["scheduled_at"].strip()
    wall: datetime | None = None
    try:
        wall = _wall_time(raw)
        if wall.tzinfo is not None:
            errors.append(f"scheduled_at {raw!r} has a UTC offset; give the local wall time")
            wall = None
    except (ValueError, OverflowError):
        errors.append(f"scheduled_at {raw!r} is not a date and time (YYYY-MM-DD HH:MM[:SS])")
    if wall is None or not zone:
        return zone, None, errors
    try:
        return zone, to_utc(wall, zone), errors
    except AmbiguousTimeError as exc:  # the composer asks which one; a file cannot say
        errors.append(f"{exc}; choose another time, or schedule this post in the app")
    except ValueError as exc:  # a DST gap, outside the calendar
        errors.append(str(exc))
    return zone, None, errors


def _accounts(
    record: Mapping[str, str], index: AccountIndex
) -> tuple[list[AccountInfo], dict[int, str | None], list[str]]:
    """(each account named, once; its own text when its text_PLATFORM column has one; problems)"""
    accounts: dict[int, AccountInfo] = {}
    overrides: dict[int, str | None] = {}
    errors: list[str] = []
    names = [n for n in record["accounts"].split(";") if n.strip()]
    if not names:
        errors.append("no accounts")
    for name in names:
        try:
            info = index.resolve(name)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        accounts.setdefault(info.id, info)
        own = record.get(PLATFORM_TEXT[info.platform], "")
        if own.strip():
            overrides[info.id] = own
    return list(accounts.values()), overrides, errors


def _content_errors(
    text: str,
    accounts: Sequence[AccountInfo],
    overrides: Mapping[int, str | None],
    media: Iterable[MediaInfo],
) -> list[str]:
    """Each platform's rules, worded as the composer words them (PostService._check)."""
    distinct = list({m.sha256: m for m in media}.values())  # the same bytes are attached once
    return [
        f"{a.platform.label} ({a.handle}): {w.message}"
        for a in accounts
        for w in validate(
            a.platform, effective_text(text, overrides.get(a.id)), distinct, a.settings
        )
        if w.severity == "error"
    ]


def _media(path: Path, field: str) -> tuple[dict[Path, MediaInfo], list[str]]:
    """Each file of the row (relative to the CSV file), inspected; or why it cannot be used."""
    found: dict[Path, MediaInfo] = {}
    errors: list[str] = []
    for item in (m.strip() for m in field.split(";")):
        if not item:
            continue
        p = Path(item).expanduser()
        p = p if p.is_absolute() else path.parent / p
        if not p.is_file():
            errors.append(f"media file not found: {item}")
            continue
        try:
            found[p] = inspect_media_cached(p)
        except MediaError as exc:
            errors.append(str(exc))
    return found, errors


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
    rows: list[Row] = []
    errors: list[str] = []
    for line, record in table.records:
        row, problems = _parse(path, line, record, index, now)
        errors.extend(f"{path}:{line}: {p}" for p in problems)
        if row is not None:
            rows.append(row)
    if errors:  # refused before writing anything
        raise ImportFailed(errors)
    drafts = [
        PostDraft(
            row.text,
            row.account_ids,
            overrides=row.overrides,
            media_paths=row.media,
            scheduled_local=row.when,  # aware: kept to the second
            zone=row.zone,
            action="schedule",
        )
        for row in rows
    ]
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
