"""PostgreSQL for tests: each test gets its own schema (search_path), dropped afterwards, so
tests never see each other's rows. Skips with a visible reason without a reachable server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

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
