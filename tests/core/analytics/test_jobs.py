"""The maintenance jobs: metric collection and best-time recompute, on the engine's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.accounts import AccountService
from app.core.analytics import jobs
from app.core.engine.maintenance import MaintenanceContext, registered_jobs
from app.core.events import EventHub
from app.core.models import AnalyticsSnapshot, RecommendationCache
from app.core.ports import AuthError, ConnectedAccount, Credentials
from app.core.vault import Vault
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

VAULT_KEY = "qvFSFfF1M4kDMPspTffT3utL6MAqjaI4Jkya1RzfkEs="


@dataclass
class Adapter(h.FakeAdapter):
    refreshed: list[str] = field(default_factory=list)

    def refresh(self, account):
        self.refreshed.append(account.credentials.access_token)
        return Credentials(access_token=f"fresh-{len(self.refreshed)}", refresh_token="r2")


class Source:
    """The engine's AdapterSource: one fake adapter for every account."""

    def __init__(self, adapter: Adapter) -> None:
        self._adapter = adapter

    def adapter(self, _info):
        return self._adapter

    def app_credentials(self, _info):
        return None


@pytest.fixture
def ctx(db, clock, monkeypatch):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    adapter = Adapter()
    accounts = AccountService(db, Vault(db), clock)
    return MaintenanceContext(db, clock, accounts, Source(adapter), EventHub()), adapter


def connect(ctx, ws, expires_in: timedelta | None):
    context, _adapter = ctx
    creds = Credentials(
        access_token="old",
        refresh_token="r1",
        expires_at=None if expires_in is None else context.clock.now() + expires_in,
    )
    return context.accounts.save_connected(
        ws, ConnectedAccount(Platform.TWITTER, "x-1", "shop", creds)
    )


def test_register_adds_both_jobs():
    jobs.register()
    ids = {j.id for j in registered_jobs()}
    assert {"analytics-collect", "besttime-recompute"} <= ids


def test_collect_metrics_job_fetches_what_is_due(db, clock, ctx):
    context, adapter = ctx
    ws = h.workspace(db)
    acc = connect(ctx, ws, None)
    h.publish(db, ws, acc, clock.now(), plan=True)
    clock.advance(timedelta(hours=1))
    result = jobs.collect_metrics(context)
    assert result.stored == 1
    assert adapter.refreshed == []
    with db.session() as s:
        assert len(s.scalars(select(AnalyticsSnapshot)).all()) == 1


def test_expiring_token_is_refreshed_before_fetching(db, clock, ctx):
    context, adapter = ctx
    ws = h.workspace(db)
    acc = connect(ctx, ws, timedelta(minutes=2))
    h.publish(db, ws, acc, clock.now() - timedelta(hours=1), plan=True)
    assert jobs.collect_metrics(context).stored == 1
    assert adapter.refreshed == ["old"]
    assert context.accounts.credentials(acc).access_token == "fresh-1"


def test_auth_error_gets_one_refresh(db, clock, ctx):
    context, adapter = ctx
    ws = h.workspace(db)
    acc = connect(ctx, ws, None)
    h.publish(db, ws, acc, clock.now() - timedelta(hours=1), plan=True)
    adapter.errors = [AuthError("token revoked", status=401)]
    assert jobs.collect_metrics(context).stored == 1
    assert adapter.refreshed == ["old"]


def test_recompute_job_fills_the_cache(db, clock, ctx):
    context, _adapter = ctx
    h.workspace(db)
    assert jobs.recompute_recommendations(context) == len(Platform)  # one per network
    with db.session() as s:
        assert len(s.scalars(select(RecommendationCache)).all()) == len(Platform)


def test_access_reads_an_account_once_per_run_while_its_token_is_good(db, clock, ctx, monkeypatch):
    context, adapter = ctx
    ws = h.workspace(db)
    acc = connect(ctx, ws, timedelta(hours=2))
    reads: list[int] = []
    real = context.accounts.account_ref
    monkeypatch.setattr(
        context.accounts,
        "account_ref",
        lambda a, app, **kw: reads.append(a) or real(a, app, **kw),
    )
    access = jobs.AccountAccess(context)
    first = access.lookup(acc)
    assert access.lookup(acc) == first and reads == [acc]  # remembered
    clock.advance(timedelta(hours=1, minutes=56))  # within the refresh margin: refreshed
    _adapter, ref = access.lookup(acc)
    assert adapter.refreshed == ["old"] and ref.credentials.access_token == "fresh-1"
    assert access.on_auth_error(acc, AuthError("revoked", status=401))  # forgets the account
    _adapter, ref = access.lookup(acc)
    assert ref.credentials.access_token == "fresh-2" and len(reads) >= 4
