"""Accounts says plainly when LinkedIn does not let Herald read an account's statistics."""

from __future__ import annotations

from app.core.accounts import AccountInfo
from app.core.models import AccountStatus
from app.core.ports import AppCredentials
from app.platforms.linkedin import access
from app.platforms.names import Platform
from app.ui.accounts.model import notes_text
from tests.ui.accounts.helpers import StubConnect, connected


def _linkedin(external_id: str, scopes: list[str] | None) -> AccountInfo:
    settings = {"scopes": scopes} if scopes is not None else {}
    return AccountInfo(
        1, 1, Platform.LINKEDIN, "Pat", external_id, AccountStatus.ACTIVE, None, None, settings
    )


def test_a_write_only_profile_says_why_it_has_no_statistics():
    account = _linkedin("urn:li:person:1", ["openid", "profile", "w_member_social"])
    assert notes_text(account) == access.LINKEDIN_PROFILE_STATS_REASON


def test_a_readable_or_unknown_account_has_no_note():
    assert notes_text(_linkedin("urn:li:person:1", ["w_member_social", "r_member_social"])) == ""
    assert notes_text(_linkedin("urn:li:person:1", None)) == ""


def test_a_page_without_statistics_permission_says_so():
    page = _linkedin("urn:li:organization:2414183", ["w_organization_social"])
    assert notes_text(page) == access.LINKEDIN_PAGE_STATS_REASON


def test_the_company_page_entry_asks_linkedin_for_the_pages(qtbot, make_view, clock, workspace):
    stub = StubConnect([connected(clock, Platform.LINKEDIN, "Pat", "urn:li:person:1")])
    view = make_view(connect_fn=stub)
    view.service.set_app_credentials(Platform.LINKEDIN, AppCredentials("li-id", "li-secret"))
    view.connect_pages_action.trigger()
    qtbot.waitUntil(lambda: view.job is None, timeout=10_000)
    assert stub.calls[0]["platform"] == Platform.LINKEDIN
    assert stub.calls[0]["linkedin_pages"] is True
    view.connect_actions[Platform.LINKEDIN].trigger()
    qtbot.waitUntil(lambda: view.job is None, timeout=10_000)
    assert "linkedin_pages" not in stub.calls[1]
