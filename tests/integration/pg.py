"""PostgreSQL for tests: each test gets its own schema (search_path), dropped afterwards, so
tests never see each other's rows. Skips with a visible reason without a reachable server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from app.core.db import Database, open_database

ENV = "HERALD_TEST_PG_URL"


def pg_schema_url() -> Iterator[str]:
    base = os.environ.get(ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {ENV} (set by .ci/run)")
    admin = create_engine(base)
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {ENV} is unreachable: {type(exc).__name__}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def sqlite_or_postgres(kind: str, sqlite_url: str) -> Iterator[Database]:
    """The body of a fixture parametrised over ["sqlite", "postgres"]: an open database on
    `sqlite_url`, or on a fresh PostgreSQL schema (dropped afterwards)."""
    schema = pg_schema_url() if kind == "postgres" else None
    database = open_database(next(schema) if schema is not None else sqlite_url)
    try:
        yield database
    finally:
        database.dispose()
        if schema is not None:
            schema.close()  # drops the schema


#: params for such a fixture: PostgreSQL's case carries the `postgres` mark
SQLITE_AND_POSTGRES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
