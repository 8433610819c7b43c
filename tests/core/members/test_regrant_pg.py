"""`members regrant` (issue 23): a table a later migration adds is readable to members who
were added before it, once their privileges are applied again (the schema upgrade does this
itself), and still only their workspace's rows."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.core.members.regrant import regrant_after_upgrade
from tests.core.members.test_walls_pg import _add, _seed, pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def _new_walled_table(db) -> None:  # type: ignore[no-untyped-def]
    """What a migration adding a table of workspace data does (like 0019's)."""
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE notes (id serial PRIMARY KEY, workspace_id integer NOT NULL "
                "REFERENCES workspaces(id) ON DELETE CASCADE, body text NOT NULL)"
            )
        )
        conn.execute(text("ALTER TABLE notes ENABLE ROW LEVEL SECURITY"))
        conn.execute(
            text(
                "CREATE POLICY herald_read ON notes FOR SELECT USING (workspace_id IN "
                "(SELECT m.workspace_id FROM members m WHERE m.login = current_user::text))"
            )
        )
        conn.execute(text("INSERT INTO notes (workspace_id, body) SELECT id, name FROM workspaces"))


def _notes(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT body FROM notes ORDER BY body")))


def test_regrant_lets_an_earlier_member_read_a_new_table_under_its_wall(pg, capsys):  # noqa: F811
    url, db = pg
    _seed(db, "A")
    _seed(db, "B")
    ann = create_engine(_add(url, capsys, "A", "Ann", "viewer"))
    try:
        _new_walled_table(db)
        with pytest.raises(DBAPIError, match="permission denied for table notes"):
            _notes(ann)
        assert main(["members", "regrant", "--db", url]) == 0
        assert capsys.readouterr().out == "privileges applied again for 1 member login(s)\n"
        assert _notes(ann) == ["A"]  # B's row stays behind the wall
        with ann.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM notes"))  # a viewer still writes nothing
    finally:
        ann.dispose()


def test_the_schema_upgrades_hook_regrants_in_its_transaction(pg, capsys):  # noqa: F811
    url, db = pg
    _seed(db, "A")
    ann = create_engine(_add(url, capsys, "A", "Ann", "editor"))
    try:
        _new_walled_table(db)
        with db.engine.connect() as conn:
            regrant_after_upgrade(conn)
            conn.rollback()  # an upgrade that fails later takes its grants back with it
        with pytest.raises(DBAPIError, match="permission denied"):
            _notes(ann)
        with db.engine.begin() as conn:
            regrant_after_upgrade(conn)
        assert _notes(ann) == ["A"]
    finally:
        ann.dispose()
