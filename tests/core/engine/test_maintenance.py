from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens
from app.core.models import AccountStatus
from app.core.ports import AuthError
from app.platforms.names import Platform
from tests.core.engine.fakes import FakeSource, connect


def test_refresh_refused_because_another_process_rotated_first_keeps_the_account(
    db, clock, ws, accounts, fakes, hub
):
    account_id = connect(accounts, ws, Platform.TWITTER, clock)
    old = accounts.credentials(account_id)
    accounts.save_credentials(account_id, replace(old, expires_at=clock.now() - timedelta(days=31)))

    def rotated_elsewhere_then_refused(ref):
        # Another worker refreshed a moment ago: X refuses our (now used) refresh token.
        fresh = replace(ref.credentials, access_token="new-at", refresh_token="new-rt")
        accounts.save_credentials(account_id, fresh)
        raise AuthError("Value passed for the token was invalid.")

    fakes[Platform.TWITTER].refresh = rotated_elsewhere_then_refused
    report = refresh_expiring_tokens(
        MaintenanceContext(db, clock, accounts, FakeSource(fakes), hub)
    )
    assert report.reauth == [] and report.refreshed == [account_id]
    assert accounts.get(account_id).status == AccountStatus.ACTIVE


def test_refresh_refused_with_unchanged_credentials_needs_reauth(
    db, clock, ws, accounts, fakes, hub
):
    account_id = connect(accounts, ws, Platform.TWITTER, clock)
    old = accounts.credentials(account_id)
    accounts.save_credentials(account_id, replace(old, expires_at=clock.now() - timedelta(days=31)))

    def refused(ref):
        raise AuthError("Value passed for the token was invalid.")

    fakes[Platform.TWITTER].refresh = refused
    report = refresh_expiring_tokens(
        MaintenanceContext(db, clock, accounts, FakeSource(fakes), hub)
    )
    assert report.reauth == [account_id]
    assert accounts.get(account_id).status == AccountStatus.REQUIRES_REAUTH


def test_the_daily_job_leaves_short_lived_x_tokens_to_on_demand_refresh(
    db, clock, ws, accounts, fakes, hub
):
    """X access tokens last 2 h and its refresh tokens are single-use: refreshing them daily
    only risks a lost answer that disconnects the account (31 X accounts in the PostgreSQL
    soak). Long-lived tokens expiring within 30 days are refreshed."""
    x = connect(accounts, ws, Platform.TWITTER, clock)
    li = connect(accounts, ws, Platform.LINKEDIN, clock)
    for account_id, expires in ((x, timedelta(hours=1)), (li, timedelta(days=20))):
        creds = accounts.credentials(account_id)
        accounts.save_credentials(account_id, replace(creds, expires_at=clock.now() + expires))
    report = refresh_expiring_tokens(
        MaintenanceContext(db, clock, accounts, FakeSource(fakes), hub)
    )
    assert report.refreshed == [li]
    assert fakes[Platform.TWITTER].refresh_counter == 0


def test_a_throttle_on_a_platform_without_a_documented_budget_only_waits_for_its_reset(db, clock):
    from datetime import UTC, datetime

    from app.core.engine.ratelimits import UNKNOWN_LIMIT, apply_info
    from app.core.models import RateLimitBudget
    from app.core.ports import RateLimitInfo
    from app.core.workspaces import WorkspaceService

    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with db.write_session() as s:
        from app.core.models import Account

        ws = WorkspaceService(db, clock).create("W", "UTC")
        acc = Account(
            workspace_id=ws.id,
            platform=Platform.FACEBOOK,
            handle="page",
            external_id="p1",
            status=AccountStatus.ACTIVE,
            settings={},
            created_at=now,
        )
        s.add(acc)
        s.flush()
        info = RateLimitInfo(None, 0, now + timedelta(minutes=1))
        apply_info(s, acc.id, Platform.FACEBOOK, info, now, {})
        s.commit()
        row = s.get(RateLimitBudget, (acc.id, "publish"))
        assert (row.limit, row.remaining, row.window_s) == (UNKNOWN_LIMIT, 0, 60)
