"""`members regrant`: every member's table privileges applied again (issue 23).

`logins.grant` gives a member SELECT on the walled tables that exist when it runs; a table a
later migration adds is not readable to existing members until their grants are applied
again. Herald's schema upgrade does this itself (app.core.db_schema.upgrade calls
`regrant_all` in the upgrade's transaction); `python main.py members regrant` does it on
demand (after restoring a backup, or a migration run by the `alembic` command).
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.core.members import logins
from app.core.models import Member, MemberRole


def regrant_all(s: Session) -> list[str]:
    """Re-apply the privileges of every member login that still exists, in the caller's
    transaction; returns the logins done. PostgreSQL only (nothing to do on SQLite)."""
    if s.get_bind().dialect.name != "postgresql":
        return []
    roles: dict[str, set[MemberRole]] = {}
    for login, role in s.execute(
        select(Member.login, Member.role).where(Member.login.is_not(None))
    ):
        roles.setdefault(str(login), set()).add(MemberRole(role))
    names = {"names": list(roles)}
    existing = set(
        s.scalars(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), names)
    )
    done = []
    for login in sorted(roles):
        if login in existing:
            logins.grant(s, login, writes=roles[login] != {MemberRole.VIEWER})
            done.append(login)
    return done


def regrant_after_upgrade(conn: Connection) -> None:
    """The schema upgrade's hook: in its transaction, so a failure undoes the upgrade too."""
    if conn.dialect.name != "postgresql":
        return
    with Session(bind=conn) as s:
        regrant_all(s)
        s.flush()
