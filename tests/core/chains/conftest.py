from __future__ import annotations

import pytest

from tests.integration.pg import pg_schema_url


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    yield from pg_schema_url()
