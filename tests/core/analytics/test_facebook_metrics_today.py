"""Issue 15.1 done-when: a Facebook post in the emulator, which serves Page insights as
Graph does today (the retired `post_impressions` refused), gets likes, comments, shares and
views in Analytics, through the collector, over real loopback sockets. A metric Facebook
refuses is stored as "not reported" (NULL), remembered on the account, and not asked again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core.analytics import aggregates
from app.core.analytics.collector import MetricsCollector
from app.core.analytics.refusals import REFUSED_SETTING
from app.core.analytics.selection import Scope
from app.core.models import Account, AnalyticsSnapshot, Checkpoint, Target
from app.platforms.facebook import adapter as facebook
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.names import Platform
from tests.adapters.emu_support import CountingClient, connect_account, emulator_config
from tests.core.analytics import helpers as h


@pytest.fixture
def emu(clock):
    from app.emulator import EmulatorServer

    with EmulatorServer(port=0, seed=0, now=clock.now) as srv:
        yield srv


@pytest.fixture
def world(db, clock, emu):
    """A connected Page (as AccountRef from the real OAuth flow), its account row, one post
    published through the adapter, and a collector reading with a request-counting client."""
    cfg = emulator_config(emu)
    ref = connect_account(Platform.FACEBOOK, cfg, clock)
    counting = CountingClient()
    adapter = FacebookAdapter(cfg, clock, counting.client)
    ws = h.workspace(db)
    acc = h.account(db, ws, Platform.FACEBOOK)
    clock.advance(timedelta(hours=8))  # Monday noon in New York, the emulator's audience
    published = clock.now()
    external = adapter.publish(ref, "Sourdough is back", [], "k-1").external_id
    _post, (target,) = h.publish(db, ws, acc, published, plan=True)
    with db.session() as s:
        s.execute(update(Target).where(Target.id == target).values(external_id=external))
        s.commit()

    def lookup(account_id: int):
        # As AccountService.account_ref: the stored settings come back on every fetch.
        with db.session() as s:
            settings = s.scalar(select(Account.settings).where(Account.id == account_id))
        return adapter, type(ref)(
            ref.platform, ref.external_id, ref.handle, ref.credentials, ref.app, settings
        )

    yield ws, acc, target, MetricsCollector(db, clock, lookup), counting
    adapter.close()
    counting.close()


def _snapshots(db) -> list[AnalyticsSnapshot]:
    with db.session() as s:
        return list(s.scalars(select(AnalyticsSnapshot).order_by(AnalyticsSnapshot.id)))


def test_a_facebook_post_gets_likes_comments_shares_and_views(db, clock, world):
    ws, _acc, _target, collector, _counting = world
    clock.advance(timedelta(hours=24))
    result = collector.run_until_idle()
    assert result.stored == 3  # 1 h, 6 h and 24 h are due
    day = [s for s in _snapshots(db) if s.checkpoint == Checkpoint.H24][0]
    assert day.likes > 0 and day.comments > 0 and day.shares > 0
    assert day.impressions is not None and day.impressions > 0
    (totals,) = aggregates.platform_totals(db, Scope(ws, platforms=(Platform.FACEBOOK,)))
    assert totals.impressions_reported and totals.impressions > 0 and totals.likes > 0


def test_a_refused_metric_is_not_reported_and_not_asked_again(db, clock, world, monkeypatch):
    """The adapter as before the fix (asking the retired `post_impressions` for views):
    the other numbers still arrive, views are NULL, and the refusal is remembered."""
    ws, acc, _target, collector, counting = world
    monkeypatch.setattr(facebook, "VIEWS_METRIC", "post_impressions")
    monkeypatch.setattr(
        facebook,
        "INSIGHT_METRICS",
        ("post_impressions", "post_reactions_by_type_total", "post_clicks"),
    )
    clock.advance(timedelta(hours=1))
    assert collector.run_until_idle().stored == 1
    (first,) = _snapshots(db)
    assert first.impressions is None  # not reported by Facebook, not 0
    assert first.likes > 0
    with db.session() as s:
        remembered = s.scalar(select(Account.settings).where(Account.id == acc))
    assert set(remembered[REFUSED_SETTING]) == {"post_impressions"}
    (totals,) = aggregates.platform_totals(db, Scope(ws, platforms=(Platform.FACEBOOK,)))
    assert not totals.impressions_reported

    insights_calls = sum(n for (m, p), n in counting.calls.items() if p.endswith("/insights"))
    clock.advance(timedelta(hours=5))
    assert collector.run_until_idle().stored == 1
    again = sum(n for (m, p), n in counting.calls.items() if p.endswith("/insights"))
    assert again - insights_calls == 1  # straight to the metrics Graph still serves
    assert _snapshots(db)[-1].impressions is None
