"""A damaged SQLite file is refused at start (issue 16.6): every command says so in one line
naming the last good backup, exits non-zero, prints no traceback, and leaves the file's bytes
as they were."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command

from app.core.db import (
    DamagedDatabaseError,
    alembic_config,
    backup_dir_for,
    open_database,
    write_transaction,
)
from app.core.integrity import problem
from app.core.models import Account, AccountStatus, Post, PostStatus
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.helpers import ROOT, env

PAGE = 4096


def _fill(url: str) -> None:
    """A workspace "Repro", an account and enough posts that the file has many b-tree pages."""
    db = open_database(url)
    try:
        ws = WorkspaceService(db).create("Repro", "UTC")
        now = datetime.now(UTC)
        with db.session() as s:
            s.add(
                Account(
                    workspace_id=ws.id, platform=Platform.TWITTER, handle="soak_x",
                    external_id="1", status=AccountStatus.ACTIVE, settings={}, created_at=now,
                )
            )  # fmt: skip
            for i in range(1500):
                s.add(
                    Post(
                        workspace_id=ws.id, base_text=f"post {i} " + "lorem ipsum " * 20,
                        scheduled_at=now + timedelta(days=3, minutes=i), scheduled_tz="UTC",
                        status=PostStatus.DRAFT, created_at=now, updated_at=now,
                    )
                )  # fmt: skip
            s.commit()
    finally:
        db.dispose()


def _backed_up(path: Path) -> Path:
    """Step the schema back one revision and open again: Herald backs the file up first."""
    url = f"sqlite:///{path}"
    db = open_database(url)
    cfg = alembic_config(url)
    with write_transaction(db.engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    db.dispose()
    open_database(url).dispose()
    (backup,) = backup_dir_for(path).glob(f"{path.stem}-*.db")
    return backup


def corrupt(path: Path, seed: int = 16) -> None:
    """Overwrite pages in the middle of the file with noise (the file is closed, no -wal)."""
    pages = path.stat().st_size // PAGE
    rnd = random.Random(seed)
    with path.open("r+b") as fh:
        for page in range(pages * 2 // 5, pages * 3 // 5):
            fh.seek(page * PAGE)
            fh.write(rnd.randbytes(PAGE))


@pytest.fixture
def damaged(tmp_path) -> tuple[Path, Path]:
    """(the damaged database, its last good backup)"""
    path = tmp_path / "data" / "herald.db"
    path.parent.mkdir()
    _fill(f"sqlite:///{path}")
    backup = _backed_up(path)
    assert not path.with_name("herald.db-wal").exists()
    corrupt(path)
    assert problem(path) is not None
    return path, backup


def _herald(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *argv],
        cwd=ROOT,
        env=env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
    )


COMMANDS = {
    "accounts": ["accounts", "list"],
    "worker": ["worker", "--until-idle", "--quiet"],
    "import": ["import", "{csv}", "--workspace", "Repro"],
    "recommend": ["recommend", "--workspace", "Repro"],
    "gui": ["--self-check"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_refuses_a_damaged_database_in_one_line(damaged, tmp_path, name):
    path, backup = damaged
    csv = tmp_path / "in.csv"
    csv.write_text("scheduled_at,timezone,accounts,text,media\n2031-01-01 10:00,UTC,soak_x,hi,\n")
    argv = [a.format(csv=csv) for a in COMMANDS[name]]
    before = path.read_bytes()
    beside = sorted(p.name for p in path.parent.iterdir() if p.name != "logs")

    proc = _herald(tmp_path, *argv)  # the database in HERALD_DATA_DIR, the default one

    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "is damaged" in lines[0] and str(backup) in lines[0], lines[0]
    assert proc.stdout.strip() in ("", "self-check failed"), proc.stdout
    assert path.read_bytes() == before
    now_beside = sorted(p.name for p in path.parent.iterdir() if p.name != "logs")
    assert now_beside == beside  # no -wal, -shm or journal made


def test_the_message_says_how_to_restore_and_restoring_works(damaged):
    path, backup = damaged
    url = f"sqlite:///{path}"
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "\n" not in message
    assert f"copy {backup} to {path}" in message
    assert caught.value.backup == backup
    path.unlink()
    path.write_bytes(backup.read_bytes())  # what the message says to do
    open_database(url).dispose()


def test_the_newest_backup_that_is_itself_damaged_is_passed_over(damaged):
    path, good = damaged
    newer = good.with_name(good.name.replace("herald-", "herald-29991231T000000Z-x-"))
    newer.write_bytes(good.read_bytes())
    corrupt(newer)
    with pytest.raises(DamagedDatabaseError) as caught:
        open_database(f"sqlite:///{path}")
    assert caught.value.backup == good


def test_without_a_good_backup_it_says_so(damaged):
    path, backup = damaged
    backup.unlink()
    with pytest.raises(DamagedDatabaseError, match="There is no good backup of it in"):
        open_database(f"sqlite:///{path}")


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"shopping list: milk, eggs\n" * 200)
    before = path.read_bytes()
    with pytest.raises(DamagedDatabaseError, match="is damaged"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_sound_database_with_its_wal_passes(db, db_url):
    path = Path(db_url.removeprefix("sqlite:///"))
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE extra(x)")
    assert path.with_name(path.name + "-wal").exists()
    assert problem(path) is None
    open_database(db_url).dispose()


def test_the_check_itself_writes_nothing(damaged):
    path, _ = damaged
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # header still readable
    con.close()
    before = path.read_bytes()
    problem(path)
    assert path.read_bytes() == before
    assert not path.with_name("herald.db-shm").exists()
