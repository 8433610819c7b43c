"""The report's figures on SQLite and on PostgreSQL (the agencies' shared engine)."""

from __future__ import annotations

import pytest

from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def db(request, db_url):
    yield from sqlite_or_postgres(request.param, db_url)
