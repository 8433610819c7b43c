"""Schema upgrades (Alembic): to head in one transaction, a backup first, and a database made
by a newer Herald or by something else refused untouched."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.core.db_backup import backup_dir_for, backup_sqlite
from app.core.db_engine import write_transaction
from app.core.db_errors import NewerSchemaError, UnversionedDatabaseError
from app.core.db_urls import database_place, sqlite_path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: PostgreSQL advisory lock key held while the schema is upgraded ("HRLD")
PG_UPGRADE_LOCK = 0x48524C44


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def refuse_unversioned(tables: list[str], url: str) -> None:
    """Refuse a database holding tables but no alembic_version (not Herald's, or its version
    record lost): upgrading would fail on "table ... already exists" or damage it."""
    tables = [t for t in tables if t != "alembic_version"]  # an empty one says nothing
    if not tables:
        return
    shown = ", ".join(tables[:4]) + (", ..." if len(tables) > 4 else "")
    path = sqlite_path(url)
    if path is not None:
        what = f"The file {path}"
        todo = (
            "choose another file with --db (or HERALD_DB_URL), or, if this was Herald's "
            f"database, restore a backup from {backup_dir_for(path)}"
        )
    else:
        what = f"The database {database_place(url)}"
        todo = "choose another database with --db (or HERALD_DB_URL), or restore a backup of it"
    raise UnversionedDatabaseError(
        f"{what} already holds tables ({shown}) but no Herald schema version: it was not "
        f"made by Herald, or its version record (alembic_version) is gone. Nothing was "
        f"changed; {todo}."
    )


def upgrade(engine: Engine, url: str) -> Path | None:
    """Bring the schema to head. Refuses a database made by a newer Herald, and one with
    tables but no schema version, untouched.

    All pending migrations run in one transaction (SQLite and PostgreSQL both have
    transactional DDL): a kill leaves the schema either fully upgraded or not started.
    Returns the backup path when one was made (SQLite with an older schema).
    """
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    current = current_revision(engine)
    if current is not None and not _known(script, current):
        raise NewerSchemaError(
            f"This database was written by a newer version of Herald (schema {current}); "
            "update Herald to open it. Nothing was changed."
        )
    if current == head:
        return None
    if current is None:
        refuse_unversioned(_tables(engine), url)
    path = sqlite_path(url)
    # Two workers starting at once queue here (SQLite: BEGIN IMMEDIATE; PostgreSQL: a
    # transaction-scoped advisory lock); the second finds the schema already at head.
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_UPGRADE_LOCK})")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return None
        backup = None
        if path is not None and current is not None:
            # Under the write lock: readers (this copy) go on, nobody writes meanwhile.
            backup = backup_sqlite(path, f"before-{head}")
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        # Members get grants on the tables the upgrade added (issue 23), in its transaction.
        from app.core.members.regrant import regrant_after_upgrade

        regrant_after_upgrade(conn)
    return backup


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # noqa: BLE001 an unreadable revision is not ours
        return False
