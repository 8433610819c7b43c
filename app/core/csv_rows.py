"""The rows of a CSV import, checked without writing anything: shared by `main.py import`
(app/commands/import_csv.py) and the app's import dialog (app/ui/import_dialog.py), so both
apply exactly the same rules.

Columns: scheduled_at (ISO local wall time, no offset), timezone (IANA), accounts (handles
separated by ";", optionally PLATFORM:handle when two accounts share a handle), text, media
(paths separated by ";", relative to the CSV file; may be empty), and optional per-platform
texts text_<network> for every registered network (text_twitter ... text_threads; a
Mastodon account is named by its full handle, @user@instance). Each row is checked for
dates, DST gaps and repeated hours, time zones, unknown accounts, media files and each
platform's content rules; a post never goes out before the time written (a fraction of a
second rounds up).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.core.accounts import AccountInfo
from app.core.constraints import effective_text, validate
from app.core.csv_table import Table
from app.core.media import MediaError, MediaInfo, inspect_media_cached
from app.core.posts import PostDraft
from app.core.timeutil import AmbiguousTimeError, to_utc, zone_info
from app.platforms.names import Platform
from app.platforms.views import PerPlatform

REQUIRED = ("scheduled_at", "timezone", "accounts", "text", "media")
#: each registered network's own text column ("text_twitter"), read from the registry
PLATFORM_TEXT: Mapping[Platform, str] = PerPlatform(lambda d: f"text_{d.name.lower()}")


@dataclass(frozen=True)
class Row:
    line: int
    when: datetime  # the UTC instant, to the second
    zone: str
    account_ids: tuple[int, ...]
    text: str
    overrides: Mapping[int, str | None]
    media: tuple[Path, ...]


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


def parse_row(
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


@dataclass(frozen=True)
class RowCheck:
    """One record of the file: its line, its values, the row to import or its problems."""

    line: int
    record: Mapping[str, str]
    row: Row | None
    problems: tuple[str, ...]


def check_rows(
    path: Path,
    table: Table,
    index: AccountIndex,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> list[RowCheck]:
    """Every record checked (nothing written); `progress(done, total)` now and then."""
    out: list[RowCheck] = []
    total = len(table.records)
    for n, (line, record) in enumerate(table.records, 1):
        row, problems = parse_row(path, line, record, index, now)
        out.append(RowCheck(line, record, row, tuple(problems)))
        if progress is not None and (n % 200 == 0 or n == total):
            progress(n, total)
    return out


def drafts_of(rows: Sequence[Row]) -> list[PostDraft]:
    """The checked rows as posts to schedule (times kept to the second)."""
    return [
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
