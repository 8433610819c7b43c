"""Which database: one place decides the URL (`--db URL` beats `HERALD_DB_URL`, which beats
the embedded SQLite file in the user-data folder), and names it for a person."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from app.core import paths
from app.core.db_errors import DatabaseError


def resolve_url(cli_url: str | None = None) -> str:
    url = cli_url or os.environ.get("HERALD_DB_URL") or paths.default_db_url()
    try:
        make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL inside
        raise DatabaseError(
            "the database URL is not valid (expected e.g. sqlite:///file.db)"
        ) from exc
    return url


def is_sqlite_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def database_place(url: str) -> str:
    """Where the database lives, for a person: the SQLite file, or PostgreSQL's host/db."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        return str(path) if path is not None else "in memory"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{host}{port}/{parsed.database or ''}"
