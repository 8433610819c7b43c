"""A viewer (or approver) on PostgreSQL may only read: the best times and the client report,
which cache what they compute, still answer them instead of failing on the cache write
(issue 23: the client who approves is typically the one who looks at the results)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core import besttime
from app.core import models as m
from app.core.clock import SystemClock
from app.core.db import open_database
from app.core.report.gather import gather
from app.platforms.names import Platform
from app.ui.analytics.data import load_dashboard
from tests.core.members.test_walls_pg import _add, _seed, pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def _cached(db, ws: int, platform: Platform) -> int:
    with db.session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(m.RecommendationCache)
                .where(
                    m.RecommendationCache.workspace_id == ws,
                    m.RecommendationCache.platform == platform,
                )
            )
        )


@pytest.mark.parametrize("role", ["viewer", "approver"])
def test_a_read_only_member_gets_best_times_without_caching_them(pg, capsys, role):  # noqa: F811
    url, db = pg
    ws = _seed(db, "A")
    member = open_database(_add(url, capsys, "A", "Vic", role))
    try:
        assert _cached(db, ws, Platform.LINKEDIN) == 0
        found = besttime.profiles(member, ws, [Platform.LINKEDIN])
        assert found[Platform.LINKEDIN].top(3)  # an answer (the priors, no history yet)
        assert _cached(db, ws, Platform.LINKEDIN) == 0  # the walls held: nothing written
        # The Analytics view's data and the client report, as that member.
        now = datetime.now(UTC)
        load_dashboard(member, SystemClock(), ws, now - timedelta(days=90), now, None)
        today = date.today()
        assert gather(member, "A", today - timedelta(days=30), today).workspace == "A"
    finally:
        member.dispose()
    # The owner (the workers' maintenance) caches it as before.
    besttime.profiles(db, ws, [Platform.LINKEDIN])
    assert _cached(db, ws, Platform.LINKEDIN) == 1
