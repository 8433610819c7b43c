"""SIGTERM while a worker starts (issue 16.7): caught from the first moment, the worker exits 0
and the database is at the old schema or the new one, never between; a SIGKILL during the
upgrade leaves the old schema. The upgrade is made slow on purpose (each DDL statement waits)
so the signals land inside it."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command

from app.core.db import alembic_config, head_revision, open_database, write_transaction
from tests.integration.helpers import ROOT, env

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc/PID/status for the handler"
)

OLD = "0001"

#: runs Herald with every DDL statement of the upgrade slowed down, and says when it began
SLOW_UPGRADE = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

MARK = Path(sys.argv[1])

def slow(conn, cursor, statement, *args):
    if statement.lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "INSERT INTO ")):
        MARK.touch()
        time.sleep(0.15)

event.listen(Engine, "before_cursor_execute", slow)
from app.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _schema(path: Path) -> tuple[str | None, list[tuple[str, ...]]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        ).fetchall()
        try:
            version = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            version = None
    finally:
        con.close()
    return (version[0] if version else None), rows


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, tuple[Path, list[tuple[str, ...]]]]:
    """An SQLite file at the old schema, and the schemas before and after the upgrade."""
    folder = tmp_path_factory.mktemp("reference")
    old = folder / "old.db"
    url = f"sqlite:///{old}"
    db = open_database(url, migrate=False)
    cfg = alembic_config(url)
    with write_transaction(db.engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, OLD)
    db.dispose()
    new = folder / "new.db"
    shutil.copy(old, new)
    open_database(f"sqlite:///{new}").dispose()
    return {OLD: (old, _schema(old)[1]), head_revision(): (new, _schema(new)[1])}


def _old_copy(references, tmp_path: Path) -> Path:
    path = tmp_path / "data" / "herald.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(references[OLD][0], path)
    return path


def _catches_sigterm(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def _start(tmp_path: Path, argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, cwd=ROOT, env=env(tmp_path / "data"), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _wait(predicate, proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not predicate():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the worker ended before {what}: {proc.returncode} {out} {err}")
        assert time.monotonic() < deadline, f"no {what} within 60 s"
        time.sleep(0.002)


def _assert_old_or_new(path: Path, references) -> str:
    version, rows = _schema(path)
    assert version in references, version
    assert rows == references[version][1], f"schema is between versions at {version}"
    return version


def _finish(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_the_handler_is_installed_before_the_worker_module_is_imported(monkeypatch):
    import app.cli
    from app.core import stopsignal

    seen: dict[str, object] = {}

    class Imported(Exception):
        pass

    def import_module(name: str):
        seen[name] = signal.getsignal(signal.SIGTERM)
        raise Imported

    monkeypatch.setattr(app.cli.importlib, "import_module", import_module)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(Imported):
            app.cli.main(["worker", "--until-idle"])
    finally:
        stopsignal.uninstall()
    assert seen["app.commands.worker"] not in (previous, signal.SIG_DFL)
    assert signal.getsignal(signal.SIGTERM) == previous


def test_the_handler_is_in_place_before_the_upgrade_begins(references, tmp_path):
    _old_copy(references, tmp_path)
    mark = tmp_path / "upgrading"
    script = tmp_path / "slow.py"
    script.write_text(SLOW_UPGRADE)
    proc = _start(tmp_path, [sys.executable, str(script), str(mark), "worker", "--quiet"])
    try:
        _wait(mark.exists, proc, "the upgrade")
        assert _catches_sigterm(proc.pid)
    finally:
        proc.kill()
        _finish(proc)


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4, 1.0])
def test_sigterm_at_any_point_of_start_up_is_a_clean_exit(references, tmp_path, delay):
    """Measured from the moment the handler is there: importing, upgrading, unlocking."""
    path = _old_copy(references, tmp_path)
    proc = _start(tmp_path, [sys.executable, "main.py", "worker", "--quiet"])
    _wait(lambda: _catches_sigterm(proc.pid), proc, "the SIGTERM handler")
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    out, err = _finish(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    _assert_old_or_new(path, references)


def test_sigterm_during_the_upgrade_lets_it_finish_then_exits(references, tmp_path):
    path = _old_copy(references, tmp_path)
    mark = tmp_path / "upgrading"
    script = tmp_path / "slow.py"
    script.write_text(SLOW_UPGRADE)
    proc = _start(tmp_path, [sys.executable, str(script), str(mark), "worker", "--quiet"])
    _wait(mark.exists, proc, "the upgrade")
    time.sleep(0.3)  # a few statements into it
    proc.send_signal(signal.SIGTERM)
    out, err = _finish(proc)
    assert proc.returncode == 0, err
    assert "stopped before publishing anything" in out
    assert "Traceback" not in err
    assert _assert_old_or_new(path, references) == head_revision()


def test_sigkill_during_the_upgrade_leaves_the_old_schema(references, tmp_path):
    path = _old_copy(references, tmp_path)
    mark = tmp_path / "upgrading"
    script = tmp_path / "slow.py"
    script.write_text(SLOW_UPGRADE)
    proc = _start(tmp_path, [sys.executable, str(script), str(mark), "worker", "--quiet"])
    _wait(mark.exists, proc, "the upgrade")
    time.sleep(0.5)
    proc.kill()
    _finish(proc)
    assert _assert_old_or_new(path, references) == OLD
    # and the next start upgrades it whole
    open_database(f"sqlite:///{path}").dispose()
    assert _assert_old_or_new(path, references) == head_revision()


def _pg_schema(url: str) -> tuple[str | None, dict[str, list[str]]]:
    from sqlalchemy import create_engine, inspect

    from app.core.db import current_revision

    engine = create_engine(url)
    try:
        found = inspect(engine)
        tables = {
            t: sorted(c["name"] for c in found.get_columns(t)) for t in found.get_table_names()
        }
        return current_revision(engine), tables
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_postgres_upgrade_is_whole_or_not_started(tmp_path, sig):
    from tests.integration.pg import pg_schema_url

    schemas = pg_schema_url()
    url = next(schemas)
    try:
        db = open_database(url, migrate=False)
        cfg = alembic_config(url)
        with write_transaction(db.engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, OLD)
        db.dispose()
        old = _pg_schema(url)
        mark = tmp_path / "upgrading"
        script = tmp_path / "slow.py"
        script.write_text(SLOW_UPGRADE)
        argv = [sys.executable, str(script), str(mark), "worker", "--quiet", "--db", url]
        proc = _start(tmp_path, argv)
        _wait(mark.exists, proc, "the upgrade")
        time.sleep(0.4)
        proc.send_signal(sig)
        out, err = _finish(proc)
        after = _pg_schema(url)
        if sig == signal.SIGKILL:
            assert after == old
            open_database(url).dispose()  # the next start upgrades it whole
            assert _pg_schema(url)[0] == head_revision()
        else:
            assert proc.returncode == 0, err
            assert "Traceback" not in err
            assert after[0] == head_revision() and after != old
    finally:
        schemas.close()


def test_the_handler_is_given_back_after_a_usage_error(capsys):
    import app.cli

    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit):
        app.cli.main(["worker", "--no-such-option"])
    capsys.readouterr()
    assert signal.getsignal(signal.SIGTERM) == previous
