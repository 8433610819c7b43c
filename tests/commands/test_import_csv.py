"""`import` keeps the time the person wrote (issue 16.3): 14:08:51 was stored as 14:08:00 and the
post went out 51 s early. Seconds are kept; a fraction of a second rounds up, never down."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.commands.import_csv import ImportFailed, import_file
from app.core.clock import FakeClock
from app.core.db import Database, open_database
from app.core.models import TargetStatus
from tests.commands.import_world import WORKSPACE, make_world, posts
from tests.integration.pg import pg_schema_url

HEADER = "scheduled_at,timezone,accounts,text,media\n"


@pytest.fixture
def world(db_url: str, db: Database) -> Database:
    make_world(db_url)
    return db


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "posts.csv"
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2031-05-04 14:08:51", datetime(2031, 5, 4, 12, 8, 51, tzinfo=UTC)),
        ("2031-05-04T14:08:51", datetime(2031, 5, 4, 12, 8, 51, tzinfo=UTC)),
        ("2031-05-04 14:08:51.000", datetime(2031, 5, 4, 12, 8, 51, tzinfo=UTC)),
        ("2031-05-04 14:08:51.2", datetime(2031, 5, 4, 12, 8, 52, tzinfo=UTC)),
        ("2031-05-04 14:08:51,999999", datetime(2031, 5, 4, 12, 8, 52, tzinfo=UTC)),
        # fromisoformat keeps 6 digits: the 7th must not be dropped (that would be early)
        ("2031-05-04 14:08:51.0000001", datetime(2031, 5, 4, 12, 8, 52, tzinfo=UTC)),
        ("2031-05-04 14:59:59.5", datetime(2031, 5, 4, 13, 0, 0, tzinfo=UTC)),
        ("2031-05-04 14:08", datetime(2031, 5, 4, 12, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_post_never_goes_out_before_the_time_written(
    world: Database, db_url: str, tmp_path: Path, written: str, stored: datetime
) -> None:
    path = _file(tmp_path, f'"{written}",Europe/Paris,corpus_x;Corpus FB,on the second,')
    assert import_file(world, path, WORKSPACE) == 1
    [post] = posts(db_url)
    assert post.scheduled_at == stored
    assert post.scheduled_tz == "Europe/Paris"
    assert {TargetStatus(t.status) for t in post.targets} == {TargetStatus.QUEUED}
    assert [t.next_attempt_at for t in post.targets] == [stored, stored]


def test_rounding_up_into_a_dst_gap_is_refused_not_guessed(
    world: Database, db_url: str, tmp_path: Path
) -> None:
    """01:59:59.5 rounds up to 02:00:00, which Europe/Paris skips on 2031-03-30."""
    path = _file(tmp_path, "2031-03-30 01:59:59.5,Europe/Paris,corpus_x,just before the gap,")
    with pytest.raises(ImportFailed) as caught:
        import_file(world, path, WORKSPACE)
    assert caught.value.errors == [
        f"{path}:2: 2031-03-30 02:00 does not exist in Europe/Paris (clocks skip ahead); "
        "the next valid time is 03:00"
    ]
    assert posts(db_url) == []


def test_a_second_in_the_repeated_hour_is_refused_and_says_what_to_do(
    world: Database, db_url: str, tmp_path: Path
) -> None:
    path = _file(tmp_path, "2031-10-26 02:00:01,Europe/Paris,corpus_x,in the repeated hour,")
    with pytest.raises(ImportFailed) as caught:
        import_file(world, path, WORKSPACE)
    [message] = caught.value.errors
    assert message.startswith(f"{path}:2: 2031-10-26 02:00 happens twice in Europe/Paris")
    assert message.endswith("choose another time, or schedule this post in the app")
    assert posts(db_url) == []


def test_the_past_check_uses_the_injected_clock(
    world: Database, db_url: str, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2031, 5, 4, 12, 8, 30, tzinfo=UTC))
    path = _file(
        tmp_path,
        "2031-05-04 14:08:10,Europe/Paris,corpus_x,this minute: due at once,",
        "2031-05-04 14:07:59,Europe/Paris,corpus_x,last minute: passed,",
    )
    with pytest.raises(ImportFailed) as caught:
        import_file(world, path, WORKSPACE, clock=clock)
    assert caught.value.errors == [
        f"{path}:3: That time has already passed; choose a later time or Publish now."
    ]
    path = _file(tmp_path, "2031-05-04 14:08:10,Europe/Paris,corpus_x,this minute,")
    assert import_file(world, path, WORKSPACE, clock=clock) == 1
    assert [p.scheduled_at for p in posts(db_url)] == [datetime(2031, 5, 4, 12, 8, 10, tzinfo=UTC)]


def test_content_rules_are_checked_before_anything_is_written(
    world: Database, db_url: str, tmp_path: Path
) -> None:
    """Every platform's rules are checked with the other rows, not by inserting and rolling
    back (which took minutes for 20,000 rows); the messages are the composer's."""
    path = _file(
        tmp_path,
        f"2031-05-04 09:30,UTC,corpus_x;Corpus Page,{'x' * 400},",
        "2031-05-04 09:30,UTC,corpus.ig,no picture for Instagram,",
        "2031-05-04 09:30,UTC,nobody,unknown,",
    )
    with pytest.raises(ImportFailed) as caught:
        import_file(world, path, WORKSPACE)
    errors = caught.value.errors
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert errors[0].startswith(f"{path}:2: X (corpus_x): ")
    assert errors[1].startswith(f"{path}:3: Instagram (corpus.ig): ")
    assert posts(db_url) == []


@pytest.mark.postgres
def test_seconds_are_kept_on_postgresql(tmp_path: Path) -> None:
    for url in pg_schema_url():
        make_world(url)
        db = open_database(url)
        try:
            path = _file(tmp_path, "2031-05-04 14:08:51.2,Europe/Paris,corpus_x,on the second,")
            assert import_file(db, path, WORKSPACE) == 1
        finally:
            db.dispose()
        [post] = posts(url)
        assert post.scheduled_at == datetime(2031, 5, 4, 12, 8, 52, tzinfo=UTC)
        assert [t.next_attempt_at for t in post.targets] == [post.scheduled_at]
