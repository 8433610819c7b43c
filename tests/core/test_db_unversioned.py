"""A database with tables but no Herald schema version (issue 16.9) is refused in one message
that says what the file is and what to do, and nothing is changed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from app.core.db import UnversionedDatabaseError, open_database
from tests.integration.helpers import ROOT, env


@pytest.fixture
def foreign(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    con.commit()
    con.close()
    return path


def test_tables_without_a_version_are_refused_untouched(foreign):
    before = foreign.read_bytes()
    with pytest.raises(UnversionedDatabaseError) as caught:
        open_database(f"sqlite:///{foreign}")
    message = str(caught.value)
    assert "\n" not in message
    assert f"The file {foreign} already holds tables (settings)" in message
    assert "no Herald schema version" in message
    assert "Nothing was changed" in message and "--db" in message
    assert "already exists" not in message
    assert foreign.read_bytes() == before
    assert not (foreign.parent / "backups").exists()
    assert sorted(p.name for p in foreign.parent.iterdir()) == ["other.db"]


def test_the_command_line_says_it_in_one_line(foreign, tmp_path):
    before = foreign.read_bytes()
    proc = subprocess.run(
        [sys.executable, "main.py", "accounts", "list", "--db", f"sqlite:///{foreign}"],
        cwd=ROOT, env=env(tmp_path / "data"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no Herald schema version" in lines[0], proc.stderr
    assert foreign.read_bytes() == before


def test_an_empty_file_is_still_made_a_herald_database(tmp_path):
    path = tmp_path / "new.db"
    path.touch()
    open_database(f"sqlite:///{path}").dispose()


@pytest.mark.postgres
def test_postgres_tables_without_a_version_are_refused():
    from sqlalchemy import create_engine, inspect, text

    from tests.integration.pg import pg_schema_url

    schemas = pg_schema_url()
    pg_url = next(schemas)
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE settings(key TEXT PRIMARY KEY)"))
        with pytest.raises(UnversionedDatabaseError, match=r"already holds tables \(settings\)"):
            open_database(pg_url)
        assert inspect(engine).get_table_names() == ["settings"]
    finally:
        engine.dispose()
        schemas.close()  # drops the schema


def test_an_empty_version_record_is_refused_too(tmp_path):
    path = tmp_path / "lost.db"
    url = f"sqlite:///{path}"
    open_database(url).dispose()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM alembic_version")
    con.commit()
    con.close()
    with pytest.raises(UnversionedDatabaseError, match="no Herald schema version"):
        open_database(url)
