from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.commands.worker import PlatformAdapters
from app.core.accounts import AccountService
from app.core.ports import ConnectedAccount, Credentials, PermanentError
from app.core.vault import Vault
from app.core.workspaces import WorkspaceService
from app.platforms.facebook.adapter import FacebookPagePhotoHost
from app.platforms.names import Platform


def _service(db, clock):
    return AccountService(db, Vault(db), clock)


def test_real_instagram_can_use_a_connected_facebook_page_as_media_host(db, clock):
    accounts = _service(db, clock)
    ws = WorkspaceService(db, clock).create("Shop", "UTC")
    page_id = "4242"
    account_id = accounts.save_connected(
        ws.id,
        ConnectedAccount(
            Platform.FACEBOOK,
            page_id,
            "Shop Page",
            Credentials("page-token-value", expires_at=datetime(2030, 1, 1, tzinfo=UTC)),
        ),
    )
    source = PlatformAdapters(clock, accounts)
    try:
        # Any real (non-emulator) account gets the real adapters; ask for Instagram's.
        instagram = source.adapter(replace(accounts.get(account_id), platform=Platform.INSTAGRAM))
        router = instagram.media_host
        host = router.hosts["facebook_page_photo"]
        assert isinstance(host, FacebookPagePhotoHost)
        assert source._page_account(page_id).external_id == page_id
        with pytest.raises(PermanentError, match="no longer connected"):
            source._page_account("gone")
    finally:
        source.close()
