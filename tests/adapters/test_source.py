"""The engine's adapter sources (app/adapters/source.py): the real platforms, or one emulator,
chosen at composition and never per account."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.adapters.source import API_BASE, EMULATOR_APP, EmulatorAdapters, RealAdapters
from app.core.accounts import AccountService
from app.core.ports import ConnectedAccount, Credentials, PermanentError
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.facebook.adapter import FacebookPagePhotoHost
from app.platforms.names import Platform


def _service(db, clock):
    return AccountService(db, Vault(db), clock)


def _connected(accounts, clock, platform=Platform.FACEBOOK, external_id="4242", settings=None):
    ws = WorkspaceService(accounts.db, clock).create("Shop", "UTC")
    account = ConnectedAccount(
        platform,
        external_id,
        "Shop Page",
        Credentials("page-token-value", expires_at=datetime(2030, 1, 1, tzinfo=UTC)),
        settings=settings or {},
    )
    return accounts.get(accounts.save_connected(ws.id, account))


def test_real_instagram_can_use_a_connected_facebook_page_as_media_host(db, clock):
    accounts = _service(db, clock)
    page = _connected(accounts, clock)
    source = RealAdapters(clock, accounts)
    try:
        # Any account gets the real adapters; ask for Instagram's.
        instagram = source.adapter(replace(page, platform=Platform.INSTAGRAM))
        router = instagram.media_host
        host = router.hosts["facebook_page_photo"]
        assert isinstance(host, FacebookPagePhotoHost)
        assert host.page_account(page.external_id).external_id == page.external_id
        with pytest.raises(PermanentError, match="no longer connected"):
            host.page_account("gone")
    finally:
        source.close()


def test_the_real_source_does_not_reroute_an_account_that_names_an_emulator(db, clock):
    """Where requests go is decided when Herald is composed (app.bootstrap), not per account:
    the real source sends every account to the real hosts with the user's own app."""
    accounts = _service(db, clock)
    info = _connected(
        accounts, clock, Platform.TWITTER, "1", settings={API_BASE: "http://127.0.0.1:9"}
    )
    source = RealAdapters(clock, accounts)
    try:
        assert source.adapter(info).config.x_api_base == "https://api.x.com"
        assert source.app_credentials(info) is None
    finally:
        source.close()


def test_the_emulator_source_sends_every_account_to_its_emulator(db, clock):
    accounts = _service(db, clock)
    info = _connected(accounts, clock, Platform.TWITTER, "1")  # no emulator in its settings
    source = EmulatorAdapters(clock, "http://127.0.0.1:8700/")
    try:
        adapter = source.adapter(info)
        assert adapter.config.x_api_base == "http://127.0.0.1:8700/x"
        assert adapter.config.emulator
        assert source.app_credentials(info) == EMULATOR_APP
        source.close()
        # closed adapters are built again when next used (the GUI's scheduler restarts)
        assert source.adapter(info) is not adapter
    finally:
        source.close()


@pytest.mark.parametrize(
    "url", ["https://api.x.com", "http://198.51.100.7:8700", "ftp://127.0.0.1:21", ""]
)
def test_the_emulator_source_refuses_an_address_off_this_computer(clock, url):
    with pytest.raises(ValueError, match="must run on this computer"):
        EmulatorAdapters(clock, url)
