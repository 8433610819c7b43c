"""A database with one workspace and four accounts for the `import` tests, and the ways to tell
that a refused import changed nothing (SQLite: the file's bytes; PostgreSQL: every table's rows)."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, select, text

from app.cli import main as cli_main
from app.core.db import Database, open_database, sqlite_path
from app.core.models import Account, AccountStatus, Post
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform

WORKSPACE = "Corpus"
HANDLES = {
    Platform.TWITTER: "corpus_x",
    Platform.INSTAGRAM: "corpus.ig",
    Platform.LINKEDIN: "Corpus Page",
    Platform.FACEBOOK: "Corpus FB",
}


def make_world(url: str) -> None:
    db = open_database(url)
    try:
        ws = WorkspaceService(db).create(WORKSPACE, "UTC")
        with db.session() as s:
            for platform, handle in HANDLES.items():
                s.add(
                    Account(
                        workspace_id=ws.id,
                        platform=platform,
                        handle=handle,
                        external_id=f"ext-{platform.value}",
                        status=AccountStatus.ACTIVE,
                        settings={},
                        created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    )
                )
            s.commit()
    finally:
        db.dispose()


def run_import(url: str, path: Path) -> int:
    return cli_main(["import", str(path), "--db", url, "--workspace", WORKSPACE])


def sqlite_digest(url: str) -> str:
    """sha256 of the database file with everything in the WAL written into it."""
    path = sqlite_path(url)
    assert path is not None
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order (for PostgreSQL, where bytes say nothing)."""
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            found = {}
            for table in sorted(inspect(conn).get_table_names()):
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                found[table] = sorted((tuple(r) for r in rows), key=repr)
            return found
    finally:
        db.dispose()


def posts(url: str) -> list[Post]:
    db: Database = open_database(url)
    try:
        with db.session() as s:
            found = list(s.scalars(select(Post).order_by(Post.id)))
            for post in found:
                _ = post.targets  # loaded before the session closes
            return found
    finally:
        db.dispose()
