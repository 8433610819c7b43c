"""Reading the neighbouring months ahead (app/ui/calendar/prefetch.py, issue 20) never shows a
stale month: a range read ahead is used only while the database's change marker is unchanged,
so a write by another connection or process (which sends the app no event) is seen at the next
switch; an event throws everything away; an in-memory database keeps nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.models import Post
from app.core.posts import PostService
from app.ui.calendar.prefetch import RangePrefetch, neighbour_keys, preparer, range_key
from tests.core.test_range_read import NOW, _fill
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

ZONE = "Europe/London"


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def any_db(request, tmp_path) -> Iterator[Database]:
    yield from sqlite_or_postgres(request.param, f"sqlite:///{tmp_path / 'prefetch.db'}")


def _prefetch(service: PostService) -> RangePrefetch:
    return RangePrefetch(
        preparer(service.list_range, lambda: lambda ids: {}), service.change_marker
    )


def _month(workspace_id: int, first: date) -> tuple:
    return range_key(workspace_id, first, 42, ZONE)


def _read_ahead(prefetch: RangePrefetch, workspace_id: int, anchor: date) -> list[tuple]:
    keys = neighbour_keys(workspace_id, "month", anchor, ZONE, 1)
    prefetch.ahead(keys)
    assert prefetch.wait_idle()
    return keys


def test_a_month_read_ahead_is_used_while_nothing_changed(any_db: Database) -> None:
    workspace_id, _ = _fill(any_db, random.Random(7))
    service = PostService(any_db, FakeClock(NOW))
    prefetch = _prefetch(service)
    later, _earlier = _read_ahead(prefetch, workspace_id, NOW.date())
    got = prefetch.read(later)
    assert (prefetch.hits, prefetch.misses) == (1, 0)
    assert got.posts == service.list_range(workspace_id, later[1], later[2])
    assert got.posts, "the month after holds posts: the comparison means something"


def test_a_write_by_another_connection_is_seen_at_the_next_switch(any_db: Database) -> None:
    workspace_id, _ = _fill(any_db, random.Random(7))
    service = PostService(any_db, FakeClock(NOW))
    prefetch = _prefetch(service)
    later, _ = _read_ahead(prefetch, workspace_id, NOW.date())
    target = next(p for p in service.list_range(workspace_id, later[1], later[2]) if p.excerpt)
    # Another Herald (or the CLI) edits the post: no event reaches this one.
    other = open_database(any_db.url)
    try:
        with other.session() as s, s.begin():
            s.execute(update(Post).where(Post.id == target.id).values(base_text="Edited"))
    finally:
        other.dispose()
    got = prefetch.read(later)
    assert prefetch.misses == 1, "the range read ahead was used after the database changed"
    assert next(p for p in got.posts if p.id == target.id).excerpt == "Edited"


def test_a_write_by_another_process_is_seen(tmp_path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'prefetch.db'}")
    try:
        workspace_id, _ = _fill(db, random.Random(7))
        service = PostService(db, FakeClock(NOW))
        prefetch = _prefetch(service)
        later, _ = _read_ahead(prefetch, workspace_id, NOW.date())
        target = next(p for p in service.list_range(workspace_id, later[1], later[2]))
        script = (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('UPDATE posts SET base_text = ? WHERE id = ?', ('From afar', int(sys.argv[2]))); "
            "c.commit()"
        )
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "prefetch.db"), str(target.id)],
            check=True,
        )
        got = prefetch.read(later)
        assert next(p for p in got.posts if p.id == target.id).excerpt == "From afar"
    finally:
        db.dispose()


def test_an_event_throws_away_what_was_read_ahead(tmp_path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'prefetch.db'}")
    try:
        workspace_id, _ = _fill(db, random.Random(7))
        prefetch = _prefetch(PostService(db, FakeClock(NOW)))
        later, earlier = _read_ahead(prefetch, workspace_id, NOW.date())
        prefetch.clear()  # what CalendarView does on any posts/accounts event
        prefetch.read(later)
        prefetch.read(earlier)
        assert (prefetch.hits, prefetch.misses) == (0, 2)
    finally:
        db.dispose()


def test_an_in_memory_database_keeps_nothing() -> None:
    db = open_database("sqlite://")
    try:
        workspace_id, _ = _fill(db, random.Random(7))
        service = PostService(db, FakeClock(NOW))
        assert service.change_marker() is None
        prefetch = _prefetch(service)
        later, _ = _read_ahead(prefetch, workspace_id, NOW.date())
        prefetch.read(later)
        prefetch.read(later)
        assert (prefetch.hits, prefetch.misses) == (0, 2)
    finally:
        db.dispose()


def test_the_neighbours_are_the_pages_before_and_after() -> None:
    later, earlier = neighbour_keys(1, "month", date(2026, 3, 15), ZONE, 1)
    assert later[1] > earlier[1]
    assert later[1] - earlier[1] > timedelta(days=55)  # April's grid and February's
