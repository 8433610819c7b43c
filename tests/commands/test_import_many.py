"""Importing 20,000 good rows (issue 16, follow-up): every post is there, to the second, with
its accounts, per-platform texts and picture; the same picture on many rows is one media row.
The time it takes is measured by tests/bench/bench_import.py (`import.20k`), not here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.commands.import_csv import import_file
from app.core.db import Database, open_database
from app.core.models import Account, Media, Post, PostMedia, PostStatus, Target, TargetStatus
from app.platforms.names import Platform
from tests.commands.import_world import HANDLES, WORKSPACE, make_world
from tests.integration.pg import pg_schema_url

ROWS = 20_000
HEADER = "scheduled_at,timezone,accounts,text,media,text_linkedin\n"
ZONES = ("Europe/Paris", "UTC", "America/New_York", "Asia/Tokyo")
START = datetime(2031, 5, 1, 8, 0, 0)  # May: no DST change within the 22 days the rows span
X, IG, LI, FB = (
    HANDLES[p] for p in (Platform.TWITTER, Platform.INSTAGRAM, Platform.LINKEDIN, Platform.FACEBOOK)
)


@dataclass(frozen=True)
class Expected:
    text: str
    when: datetime  # UTC
    zone: str
    handles: tuple[str, ...]
    linkedin_text: str | None
    picture: bool


def expected_row(i: int) -> Expected:
    zone = ZONES[i % len(ZONES)]
    wall = START + timedelta(seconds=97 * i)  # every second of the minute appears
    picture = i % 50 == 0
    handles = {0: (X, LI), 1: (FB,), 2: (X, LI, FB)}[i % 3] + ((IG,) if picture else ())
    own = f"For LinkedIn: number {i}" if LI in handles and i % 7 == 0 else None
    return Expected(
        text=f'post number {i}, "quoted" and, with commas',
        when=wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC),
        zone=zone,
        handles=handles,
        linkedin_text=own,
        picture=picture,
    )


def write_file(folder: Path) -> Path:
    Image.new("RGB", (1080, 1080), (10, 120, 200)).save(folder / "pic.jpg", quality=70)
    lines = []
    for i in range(ROWS):
        e = expected_row(i)
        wall = (START + timedelta(seconds=97 * i)).isoformat(sep=" ")
        text = e.text.replace('"', '""')
        media = "pic.jpg" if e.picture else ""
        lines.append(
            f'{wall},{e.zone},{";".join(e.handles)},"{text}",{media},{e.linkedin_text or ""}\n'
        )
    path = folder / "many.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def assert_all_there(url: str) -> None:
    db = open_database(url)
    try:
        with db.session() as s:
            handle_of = {i: h for i, h in s.execute(select(Account.id, Account.handle))}
            posts = s.execute(
                select(
                    Post.id, Post.base_text, Post.scheduled_at, Post.scheduled_tz, Post.status
                ).order_by(Post.id)
            ).all()
            targets: dict[int, list[tuple[str, str | None, TargetStatus, datetime | None]]]
            targets = defaultdict(list)
            for post_id, account_id, override, status, due in s.execute(
                select(
                    Target.post_id,
                    Target.account_id,
                    Target.content_override,
                    Target.status,
                    Target.next_attempt_at,
                ).order_by(Target.id)
            ):
                targets[post_id].append((handle_of[account_id], override, status, due))
            pictures = set(s.scalars(select(PostMedia.post_id)))
            media = s.scalar(select(func.count()).select_from(Media))
            keys = s.scalar(select(func.count(func.distinct(Target.idempotency_key))))
    finally:
        db.dispose()
    assert len(posts) == ROWS
    for i, (post_id, text, when, zone, post_status) in enumerate(posts):
        e = expected_row(i)
        assert (text, when, zone, post_status) == (e.text, e.when, e.zone, PostStatus.SCHEDULED), i
        assert targets[post_id] == [
            (h, e.linkedin_text if h == LI else None, TargetStatus.QUEUED, e.when)
            for h in e.handles
        ], i
        assert (post_id in pictures) == e.picture, i
    assert media == 1  # one picture on 400 rows: one copy, one row
    assert keys == sum(len(t) for t in targets.values())


@pytest.mark.slow
def test_20000_good_rows_are_all_imported(db_url: str, db: Database, tmp_path: Path) -> None:
    make_world(db_url)
    path = write_file(tmp_path)
    assert import_file(db, path, WORKSPACE) == ROWS
    assert_all_there(db_url)


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_schema_url()


@pytest.mark.slow
@pytest.mark.postgres
def test_20000_good_rows_are_all_imported_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    make_world(pg_url)
    path = write_file(tmp_path)
    db = open_database(pg_url)
    try:
        assert import_file(db, path, WORKSPACE) == ROWS
    finally:
        db.dispose()
    assert_all_there(pg_url)
