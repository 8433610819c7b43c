"""The metric-read budget starts from each network's descriptor (app/platforms)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app import platforms
from app.core.analytics import budget
from app.platforms.names import Platform

from .helpers import account, workspace

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("platform", list(Platform))
def test_first_reservation_spends_the_descriptors_read_budget(db, platform):
    acc = account(db, workspace(db), platform)
    read = platforms.get(platform).rate_budgets.read
    with db.write_session() as s:
        granted, reset_at = budget.reserve(s.connection(), acc, platform, NOW, read.limit + 5)
        s.commit()
    assert granted == read.limit
    if read.utc_day:  # LinkedIn: the window ends at the next midnight UTC, not 24 h from now
        assert reset_at.replace(tzinfo=UTC) == datetime(2026, 3, 5, tzinfo=UTC)
    else:
        assert (reset_at.replace(tzinfo=UTC) - NOW).total_seconds() == read.window_s
