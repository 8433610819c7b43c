"""Bad input and a full disk: one line per problem, an exit code, the database unchanged; never
a traceback. Rows outside the calendar and the same picture twice (soak findings 3 and 4), a
full disk during `import` and in the other commands (finding 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from app.cli import main as cli_main
from app.core import db as dbmod
from app.core.db import DiskFullError, open_database
from app.core.models import Account, AccountStatus, Post, PostMedia
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

HEADER = "scheduled_at,timezone,accounts,text,media"


@pytest.fixture
def world(db_url):
    """A workspace "Repro" with one X account "soak_x"; the database closed again."""
    db = open_database(db_url)
    ws = WorkspaceService(db).create("Repro", "UTC")
    with db.session() as s:
        s.add(
            Account(
                workspace_id=ws.id, platform=Platform.TWITTER, handle="soak_x", external_id="1",
                status=AccountStatus.ACTIVE, settings={}, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.commit()
    db.dispose()
    return db_url


def posts(db_url: str) -> int:
    db = open_database(db_url)
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count()).select_from(Post)) or 0)
    finally:
        db.dispose()


def _import(path, db_url: str) -> int:
    return cli_main(["import", str(path), "--db", db_url, "--workspace", "Repro"])


def _later(days: int = 2) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("0001-01-01 00:00,Asia/Tokyo,soak_x,hi,", "0001-01-01 00:00 in Asia/Tokyo is outside"),
        (
            "9999-12-31 23:59,America/Los_Angeles,soak_x,hi,",
            "9999-12-31 23:59 in America/Los_Angeles is outside the calendar",
        ),
    ],
    ids=["year-1", "year-9999"],
)
def test_a_date_outside_the_calendar_is_a_row_error(world, tmp_path, capsys, row, reason):
    path = tmp_path / "in.csv"
    path.write_text(f"{HEADER}\n{_later()},UTC,soak_x,fine,\n{row}\n")
    assert _import(path, world) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err
    assert err[0].startswith(f"{path}:3: {reason}")
    assert err[1] == "herald import: nothing was imported (1 problem(s))"
    assert posts(world) == 0


def test_the_same_picture_twice_is_imported_once(world, tmp_path, capsys):
    Image.new("RGB", (1080, 1080), (1, 2, 3)).save(tmp_path / "pic.jpg")
    Image.new("RGB", (1080, 1080), (4, 5, 6)).save(tmp_path / "other.jpg")
    path = tmp_path / "in.csv"
    path.write_text(f"{HEADER}\n{_later()},UTC,soak_x,hello,pic.jpg;other.jpg;./pic.jpg\n")
    assert _import(path, world) == 0
    assert "imported 1 posts" in capsys.readouterr().out
    db = open_database(world)
    try:
        with db.session() as s:
            links = s.scalars(select(PostMedia).order_by(PostMedia.position)).all()
            assert [link.media.original_name for link in links] == ["pic.jpg", "other.jpg"]
    finally:
        db.dispose()


def test_a_full_disk_during_import_is_one_line_and_imports_nothing(
    world, tmp_path, monkeypatch, capsys
):
    db = open_database(world)
    with db.engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0) + 20
    db.dispose()
    real = dbmod.create_db_engine

    def capped(url: str, **options):
        engine = real(url, **options)
        event.listen(engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages}"))
        return engine

    monkeypatch.setattr(dbmod, "create_db_engine", capped)
    path = tmp_path / "big.csv"
    when = _later(1)
    rows = [f"{when},UTC,soak_x,Post {i} " + "lorem ipsum " * 20 + "," for i in range(400)]
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    assert _import(path, world) == 1
    err = capsys.readouterr().err
    assert err == (
        f"herald import: The disk holding Herald's database ({tmp_path / 'herald.db'}) is full; "
        "free some space and try again. Nothing was lost.\n"
    )
    monkeypatch.setattr(dbmod, "create_db_engine", real)
    assert posts(world) == 0


def _full(*_args, **_kwargs):
    raise DiskFullError("/data/herald.db")


def _one_line(err: str, command: str) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith(f"herald {command}: The disk holding Herald's database (/data/")


def test_accounts_on_a_full_disk_is_one_line(world, monkeypatch, capsys):
    monkeypatch.setattr("app.core.accounts.AccountService.list", _full)
    assert cli_main(["accounts", "list", "--db", world, "--workspace", "Repro"]) == 1
    _one_line(capsys.readouterr().err, "accounts")


def test_worker_on_a_full_disk_is_one_line(world, monkeypatch, capsys):
    monkeypatch.setattr("app.commands.worker.setup_logging", lambda: None)
    monkeypatch.setattr("app.core.engine.PublishingEngine.run_forever", _full)
    assert cli_main(["worker", "--db", world, "--until-idle", "--quiet"]) == 1
    _one_line(capsys.readouterr().err, "worker")


def test_demo_seed_on_a_full_disk_is_one_line(world, monkeypatch, capsys):
    import app.demo.emulator as demo_emulator
    import app.demo.seed as demo_seed

    class Clock:
        def __init__(self, _url: str) -> None:
            pass

        def close(self) -> None:
            pass

    monkeypatch.setattr("app.core.logsetup.setup_logging", lambda: None)
    monkeypatch.setattr(demo_emulator, "check_emulator", lambda url: url)
    monkeypatch.setattr(demo_emulator, "RemoteClock", Clock)
    monkeypatch.setattr(demo_seed, "check_database", lambda _db: None)
    monkeypatch.setattr(demo_seed, "seed_history", _full)
    code = cli_main(["demo-seed", "--db", world, "--emulator", "http://127.0.0.1:9", "--days", "7"])
    assert code == 1
    _one_line(capsys.readouterr().err, "demo-seed")


def test_any_command_reports_a_database_error_in_one_line(world, monkeypatch, capsys):
    """app/cli.py's backstop for a DatabaseError a command does not catch itself."""
    monkeypatch.setattr("app.commands.recommend.run", _full)
    assert cli_main(["recommend", "--db", world, "--workspace", "Repro"]) == 1
    _one_line(capsys.readouterr().err, "recommend")


def test_worker_says_when_it_waits_for_disk_space(capsys):
    from app.commands.worker import _printer
    from app.core import events as ev

    show = _printer(quiet=True)
    reason = str(DiskFullError("/data/herald.db"))
    show(ev.Event(ev.STORAGE_STATE, {"ok": False, "reason": reason}))
    show(ev.Event(ev.STORAGE_STATE, {"ok": True, "reason": None}))
    assert capsys.readouterr().out.splitlines() == [
        f"storage\twaiting for disk space ({reason})",
        "storage\tok",
    ]
