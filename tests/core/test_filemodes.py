"""Herald's files are private (issue 16.5): folders 0700, files 0600, for a fresh data folder
made by the real start-up path (worker, import with a picture, an upgrade with its backup, the
logs) and for an existing one an older Herald left readable, which is tightened once."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from PIL import Image

from app.core import filemodes
from app.core.db import alembic_config, open_database, write_transaction
from app.core.logsetup import LogFileHandler
from app.core.models import Account, AccountStatus
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.helpers import ROOT, env

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _modes(*roots: Path) -> dict[str, int]:
    out = {}
    for root in roots:
        out[str(root)] = _mode(root)
        for folder, dirs, files in os.walk(root):
            for name in (*dirs, *files):
                out[os.path.join(folder, name)] = _mode(Path(folder) / name)
    return out


def _herald(data: Path, logs: Path, *argv: str) -> None:
    environment = env(data) | {"HERALD_LOG_DIR": str(logs)}
    proc = subprocess.run(
        [sys.executable, "main.py", *argv], cwd=ROOT, env=environment, umask=0o022,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_a_fresh_data_folder_is_private(tmp_path, monkeypatch):
    data, logs = tmp_path / "data", tmp_path / "logs"
    _herald(data, logs, "worker", "--until-idle", "--quiet")  # creates everything
    url = f"sqlite:///{data / 'herald.db'}"
    db = open_database(url)
    ws = WorkspaceService(db).create("Repro", "UTC")
    with db.session() as s:
        s.add(
            Account(
                workspace_id=ws.id, platform=Platform.TWITTER, handle="soak_x", external_id="1",
                status=AccountStatus.ACTIVE, settings={}, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
        s.commit()
    cfg = alembic_config(url)
    with write_transaction(db.engine) as conn:  # the next start upgrades, with a backup
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    db.dispose()
    Image.new("RGB", (1080, 1080), (1, 2, 3)).save(tmp_path / "pic.jpg")
    csv = tmp_path / "in.csv"
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    csv.write_text(f"scheduled_at,timezone,accounts,text,media\n{when},UTC,soak_x,hi,pic.jpg\n")
    _herald(data, logs, "import", str(csv), "--workspace", "Repro")
    (copy,) = (data / "media").iterdir()
    assert _mode(copy) == 0o600  # as made, not only tightened by the next start
    _herald(data, logs, "worker", "--until-idle", "--quiet")

    db = open_database(url)  # open: the -wal and -shm files exist
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM posts").scalar()
            modes = _modes(data, logs)
    finally:
        db.dispose()

    names = {Path(p).name for p in modes}
    assert {"herald.db", "herald.db-wal", "herald.db-shm", "herald.log"} <= names
    assert any(Path(p).parent.name == "backups" for p in modes)
    assert any(Path(p).parent.name == "media" and p.endswith(".jpg") for p in modes)
    loose = {
        p: oct(m)
        for p, m in modes.items()
        if m != (filemodes.PRIVATE_DIR if Path(p).is_dir() else filemodes.PRIVATE_FILE)
    }
    assert not loose


def _loose_tree(data: Path) -> list[Path]:
    """What an older Herald left: readable by everyone."""
    for folder in (data, data / "backups", data / "media", data / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)
    con = sqlite3.connect(data / "herald.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    files = [data / "herald.db", data / "backups" / "herald-x.db", data / "media" / "a.jpg"]
    files.append(data / "logs" / "herald.log")
    for f in files[1:]:
        f.write_bytes(b"x")
    for f in files:
        f.chmod(0o644)
    return files


def test_an_existing_data_folder_is_tightened_on_start_and_said_once(tmp_path, caplog):
    data = tmp_path / "herald-data"  # HERALD_DATA_DIR (conftest)
    files = _loose_tree(data)
    caplog.set_level(logging.WARNING, logger="app.core.filemodes")

    open_database().dispose()
    open_database().dispose()

    said = [r.getMessage() for r in caplog.records if r.name == "app.core.filemodes"]
    assert len(said) == 1, said
    assert "private" in said[0] and str(data) in said[0]
    for f in files:
        assert _mode(f) == 0o600, f
    for folder in (data, data / "backups", data / "media", data / "logs"):
        assert _mode(folder) == 0o700, folder


def test_a_database_given_with_db_is_tightened_but_not_its_folder(tmp_path):
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir(mode=0o755)
    elsewhere.chmod(0o755)
    path = elsewhere / "team.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    open_database(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600
    assert _mode(elsewhere) == 0o755  # the user's own folder


def test_a_new_log_file_and_each_rotated_one_is_private(tmp_path):
    target = tmp_path / "herald.log"
    handler = LogFileHandler(target, maxBytes=200, backupCount=2, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(message)s"))
    previous = os.umask(0o022)
    try:
        for i in range(20):
            handler.emit(logging.makeLogRecord({"msg": f"line {i} " + "x" * 40}))
    finally:
        os.umask(previous)
        handler.close()
    assert (tmp_path / "herald.log.1").exists()
    for f in tmp_path.iterdir():
        assert _mode(f) == 0o600, f


def test_a_backup_is_private(tmp_path):
    from app.core.db import backup_sqlite

    path = tmp_path / "h.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    previous = os.umask(0o022)
    try:
        backup = backup_sqlite(path, "test")
    finally:
        os.umask(previous)
    assert backup is not None and _mode(backup) == 0o600
    assert _mode(backup.parent) == 0o700
    assert not list(backup.parent.glob("*.part"))


def test_off_posix_nothing_is_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(filemodes, "ENFORCED", False)
    f = tmp_path / "f"
    f.write_bytes(b"x")
    f.chmod(0o644)
    assert filemodes.tighten(f) is False
    assert filemodes.tighten_tree(tmp_path) == 0
    assert _mode(f) == 0o644
