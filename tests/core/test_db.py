import sqlite3
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, select

from app.core.db import (
    NewerSchemaError,
    alembic_config,
    current_revision,
    head_revision,
    open_database,
    resolve_url,
)
from app.core.models import Post, PostStatus, Workspace

EXPECTED_TABLES = {
    "workspaces",
    "accounts",
    "posts",
    "targets",
    "media",
    "post_media",
    "analytics_snapshots",
    "settings",
}


def test_migrations_create_schema_from_empty(db):
    names = set(inspect(db.engine).get_table_names())
    assert names >= EXPECTED_TABLES
    assert current_revision(db.engine) == head_revision()
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("targets")}
    assert "ix_targets_status_due" in indexes
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("posts")}
    assert "ix_posts_workspace_scheduled" in indexes


def test_migrations_are_reversible(db, db_url):
    cfg = alembic_config(db_url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not (EXPECTED_TABLES & set(inspect(db.engine).get_table_names()))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert set(inspect(db.engine).get_table_names()) >= EXPECTED_TABLES


def test_sqlite_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    url = f"sqlite:///{path}"
    open_database(url).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer version of Herald"):
        open_database(url)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_upgrade_backs_up_an_older_database(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    database = open_database(url)
    cfg = alembic_config(url)
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    assert current_revision(database.engine) not in (None, head_revision())
    database.dispose()
    database = open_database(url)
    assert current_revision(database.engine) == head_revision()
    database.dispose()
    backups = list((tmp_path / "backups").glob("old-*.db"))
    assert len(backups) == 1


def test_timestamps_round_trip_as_aware_utc(db):
    when = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    with db.session() as s:
        ws = Workspace(name="W", timezone="UTC", created_at=when)
        s.add(ws)
        s.flush()
        s.add(
            Post(
                workspace_id=ws.id,
                base_text="hi",
                scheduled_at=when,
                scheduled_tz="UTC",
                status=PostStatus.DRAFT,
                created_at=when,
                updated_at=when,
            )
        )
        s.commit()
    with db.session() as s:
        post = s.scalar(select(Post))
        assert post.scheduled_at == when
        assert post.scheduled_at.tzinfo is not None


def test_naive_datetime_is_refused(db):
    with db.session() as s:
        s.add(Workspace(name="W", timezone="UTC", created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            s.commit()


def test_db_url_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HERALD_DB_URL", "sqlite:///from-env.db")
    assert resolve_url("sqlite:///from-cli.db") == "sqlite:///from-cli.db"
    assert resolve_url(None) == "sqlite:///from-env.db"
    monkeypatch.delenv("HERALD_DB_URL")
    assert resolve_url(None).endswith("herald.db")
    assert str(tmp_path) in resolve_url(None)


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path) -> None:
    """The schema check at start-up reads the head from the migration files and the
    database's alembic_version row; Alembic is loaded only to upgrade."""
    import subprocess
    import sys

    from app.core.db_head import head_from_files
    from app.core.db_schema import head_revision

    assert head_from_files() == head_revision()
    url = f"sqlite:///{tmp_path / 'h.db'}"
    open_database(url).dispose()  # created (and migrated) here
    code = (
        "import sys; from app.core.db import open_database; "
        f"open_database({url!r}).dispose(); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
