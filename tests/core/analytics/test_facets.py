"""Analytics filtered by account and by label (issue 22): the same facets as the calendar."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.analytics import aggregates as agg
from app.core.ideas import IdeasService
from app.core.labelfilter import facet_choices
from app.core.models import Target
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

NOW = datetime(2026, 1, 14, 12, tzinfo=UTC)


@pytest.fixture
def ws(db):
    return h.workspace(db)


def post_of(db, target_id: int) -> int:
    with db.session() as s:
        return s.scalar(select(Target.post_id).where(Target.id == target_id))


def test_summary_narrowed_to_accounts_and_labels(db, ws):
    shop = h.account(db, ws, Platform.TWITTER)
    cafe = h.account(db, ws, Platform.TWITTER, handle="cafe")
    ig = h.account(db, ws, Platform.INSTAGRAM)
    a = h.measured_post(db, ws, shop, datetime(2026, 1, 12, 10, tzinfo=UTC), 0.02, 1000)
    h.measured_post(db, ws, cafe, datetime(2026, 1, 12, 11, tzinfo=UTC), 0.04, 2000)
    c = h.measured_post(db, ws, ig, datetime(2026, 1, 13, 10, tzinfo=UTC), 0.10, 500)
    ideas = IdeasService(db)
    promo = ideas.add_label(ws, "Promo", "#dc2626")
    for target in (a, c):
        ideas.set_labels(post_of(db, target), [promo.id])

    everything = agg.workspace_summary(db, ws, None, None, None, NOW)
    assert everything.published == 3
    only_cafe = agg.workspace_summary(db, ws, None, None, None, NOW, accounts=[cafe])
    assert only_cafe.published == 1
    assert [p.engagement for p in only_cafe.top_posts] == [80]
    promos = agg.workspace_summary(db, ws, None, None, None, NOW, labels=[promo.id])
    assert promos.published == 2
    assert sorted(p.engagement for p in promos.top_posts) == [20, 50]
    both = agg.workspace_summary(
        db, ws, None, None, [Platform.TWITTER], NOW, labels=[promo.id], accounts=[shop, cafe]
    )
    assert [p.engagement for p in both.top_posts] == [20]

    accounts, labels = facet_choices(db, ws)
    assert {i for i, _ in accounts} == {shop, cafe, ig}
    assert labels == [(promo.id, "Promo")]
