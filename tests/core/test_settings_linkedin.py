"""The LinkedIn API version is a setting with a tested default (issue 15.8)."""

from __future__ import annotations

import pytest

from app.commands.worker import PlatformAdapters
from app.core.accounts import AccountService
from app.core.ports import ConnectedAccount, Credentials
from app.core.settings import SettingsError, SettingsService
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.linkedin import LINKEDIN_API_VERSION, LINKEDIN_VERSION
from app.platforms.linkedin.adapter import LinkedInAdapter
from app.platforms.names import Platform


def test_the_default_is_the_version_herald_was_checked_against(db):
    assert LINKEDIN_VERSION == "202601"
    assert SettingsService(db).linkedin_version() == "202601"


def test_a_version_can_be_set_and_read_back(db):
    settings = SettingsService(db)
    settings.set(LINKEDIN_API_VERSION, " 202603 ")
    assert SettingsService(db).linkedin_version() == "202603"


@pytest.mark.parametrize("value", ["2026-03", "202613", "v202601", 202601, "", None])
def test_a_malformed_version_is_refused_and_changes_nothing(db, value):
    settings = SettingsService(db)
    with pytest.raises(SettingsError, match="year and month"):
        settings.set(LINKEDIN_API_VERSION, value)
    assert settings.linkedin_version() == LINKEDIN_VERSION


def test_the_worker_sends_the_configured_version(db, clock):
    SettingsService(db).set(LINKEDIN_API_VERSION, "202511")
    accounts = AccountService(db, Vault(db, environ={}), clock)
    ws = WorkspaceService(db, clock).create("Acme", "UTC").id
    account_id = accounts.save_connected(
        ws,
        ConnectedAccount(Platform.LINKEDIN, "urn:li:person:1", "Pat", Credentials("t")),
    )
    source = PlatformAdapters(clock, accounts)
    try:
        adapter = source.adapter(accounts.get(account_id))
        assert isinstance(adapter, LinkedInAdapter)
        assert adapter.version == "202511"
    finally:
        source.close()
