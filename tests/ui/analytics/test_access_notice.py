"""Analytics says why a LinkedIn profile has no numbers instead of showing zeros (15.2)."""

from __future__ import annotations

from sqlalchemy import update

from app.core import platform_access
from app.core.models import Account
from app.platforms.linkedin import access
from app.platforms.names import Platform
from tests.ui.analytics.seed import seed_dashboard
from tests.ui.analytics.test_dashboard import ZONE, open_view


def _write_only(db, account_id: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(settings={"scopes": ["openid", "profile", "w_member_social"]})
        )


def test_a_linkedin_profile_without_read_permission_is_explained(qtbot, db, clock):
    seeded = seed_dashboard(db, clock.now(), ZONE, weeks=1)
    _write_only(db, seeded["accounts"][Platform.LINKEDIN])
    notices = platform_access.analytics_notices(db, seeded["workspace"])
    assert len(notices) == 1 and notices[0].startswith("LinkedIn")
    assert access.LINKEDIN_PROFILE_STATS_REASON in notices[0]
    view = open_view(qtbot, db, clock, seeded["workspace"])
    assert view.access_notice.isVisible()
    assert access.LINKEDIN_PROFILE_STATS_REASON in view.access_notice.text()


def test_no_notice_when_every_account_can_be_read(qtbot, db, clock):
    seeded = seed_dashboard(db, clock.now(), ZONE, weeks=1)
    assert platform_access.analytics_notices(db, seeded["workspace"]) == []
    view = open_view(qtbot, db, clock, seeded["workspace"])
    assert not view.access_notice.isVisible()
