from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from app.constants import Platform
from app.core.engine.maintenance import MaintenanceContext, refresh_expiring_tokens
from app.core.models import AccountStatus
from app.core.ports import AuthError
from tests.core.engine.fakes import FakeSource, connect


def test_refresh_refused_because_another_process_rotated_first_keeps_the_account(
    db, clock, ws, accounts, fakes, hub
):
    account_id = connect(accounts, ws, Platform.TWITTER, clock)
    old = accounts.credentials(account_id)
    accounts.save_credentials(account_id, replace(old, expires_at=clock.now() + timedelta(days=2)))

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
    accounts.save_credentials(account_id, replace(old, expires_at=clock.now() + timedelta(days=2)))

    def refused(ref):
        raise AuthError("Value passed for the token was invalid.")

    fakes[Platform.TWITTER].refresh = refused
    report = refresh_expiring_tokens(
        MaintenanceContext(db, clock, accounts, FakeSource(fakes), hub)
    )
    assert report.reauth == [account_id]
    assert accounts.get(account_id).status == AccountStatus.REQUIRES_REAUTH
