"""PostgreSQL login roles for members: created with a generated password, granted what their
roles allow, and cut off at once on removal. The walls themselves (row-level security) are
installed by migration 0010; this module only manages who may connect and with which
table privileges.

Every statement here runs in the administrator's transaction: a failure changes nothing.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

#: PostgreSQL's identifier limit is 63 bytes; the slug keeps names readable in pg_stat_activity
_SLUG_LEN = 24
#: readable by every member although not walled: no workspace data in them
_SHARED = ("settings", "alembic_version")
#: walled, but only the administrator writes them (the wrapped workspace keys, issue 23)
_READ_ONLY = ("workspace_keys",)


def new_login_name(person: str) -> str:
    """A cluster-wide unique role name: roles are shared by every database on the server."""
    slug = re.sub(r"[^a-z0-9]+", "_", person.lower()).strip("_")[:_SLUG_LEN] or "member"
    return f"herald_{slug}_{secrets.token_hex(4)}"


def _quoted(s: Session, name: str) -> str:
    return str(s.scalar(text("SELECT quote_ident(:n)"), {"n": name}))


def create_login(s: Session, login: str) -> str:
    """Create the login role; returns its generated password (shown once, stored nowhere)."""
    password = secrets.token_urlsafe(24)
    role = _quoted(s, login)
    literal = s.scalar(text("SELECT quote_literal(:p)"), {"p": password})
    # CREATE ROLE takes no bind parameters; both parts are quoted by the server itself.
    s.execute(text(f"CREATE ROLE {role} LOGIN NOINHERIT PASSWORD {literal}"))
    return password


def grant(s: Session, login: str, *, writes: bool) -> None:
    """Read every table of Herald's schema (the rows are filtered by row-level security);
    write only the walled tables, and only when the person may write somewhere."""
    role = _quoted(s, login)
    schema = _quoted(s, str(s.scalar(text("SELECT current_schema()"))))
    s.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}"))
    s.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}"))
    s.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
    # Fails closed: a table without row-level security (one added later and not walled yet)
    # is not readable at all, except the app's own settings and the schema version.
    walled = _walled_tables(s)
    for table in [*walled, "members", *_SHARED]:
        s.execute(text(f"GRANT SELECT ON {schema}.{table} TO {role}"))
    if not writes:
        return
    for table in walled:
        if table in _READ_ONLY:
            continue
        s.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {schema}.{table} TO {role}"))
    s.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"))


def _walled_tables(s: Session) -> list[str]:
    """Tables with row-level security in Herald's schema, members aside (read-only)."""
    return list(
        s.scalars(
            text(
                "SELECT quote_ident(c.relname) FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind = 'r' AND c.relrowsecurity AND c.relname <> 'members' "
                "ORDER BY c.relname"
            )
        )
    )


def drop_login(s: Session, login: str) -> None:
    """Cut the login off now: no new connections, no privileges, open sessions ended, role
    dropped. The REVOKEs alone make an open session's next query fail even before it ends."""
    role = _quoted(s, login)
    schema = _quoted(s, str(s.scalar(text("SELECT current_schema()"))))
    s.execute(text(f"ALTER ROLE {role} NOLOGIN"))
    s.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}"))
    s.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}"))
    s.execute(text(f"REVOKE ALL ON SCHEMA {schema} FROM {role}"))
    terminate_sessions(s, login)
    s.execute(text(f"DROP ROLE {role}"))


def terminate_sessions(s: Session, login: str) -> None:
    # Signalling another role's backend needs that role's privileges: CREATEROLE lets the
    # administrator grant itself membership first (PostgreSQL 15; 16+ gives it on creation).
    role = _quoted(s, login)
    s.execute(text(f"GRANT {role} TO current_user"))
    s.execute(
        text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :login"),
        {"login": login},
    )


def member_url(admin_url: str, login: str, password: str) -> str:
    """The administrator's URL (same server, database and options) with the member's login."""
    url = make_url(admin_url).set(username=login, password=password)
    return url.render_as_string(hide_password=False)
