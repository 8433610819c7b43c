"""First comments need their own permission (issue 19): Instagram
`instagram_business_manage_comments`, Facebook `pages_manage_engagement`. The descriptors ask
for them; an account connected without them gets one clear "reconnect to allow comments"
refusal of the comment (not Graph's raw error, and not an AuthError that would stop the
account's posts too). On the emulator, whose tokens remember the granted scopes."""

from __future__ import annotations

import pytest

from app import platforms
from app.adapters.graph_comments import COMMENT_PERMISSION
from app.core.ports import PermanentError
from app.emulator.comments import comments_on
from app.emulator.state import Post
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from app.platforms.scopes import SCOPES_KEY
from tests.contract.graph_support import graph_emulator as running_emulator

OLD_IG = "instagram_business_basic,instagram_business_content_publish"
OLD_FB = "pages_show_list,pages_read_engagement,pages_manage_posts,read_insights"


@pytest.fixture
def emu(clock):
    with running_emulator(clock) as running:
        yield running


def _published(emu, platform: str, account: str, external_id: str) -> None:
    core = emu.server.emulator
    with core.lock:
        core.state.add_post(Post(platform, account, external_id, "the post", core.now_ts()))


def _grant(emu, account, scope: str) -> None:
    """What the token was granted (as a connection made before Herald asked for comments)."""
    core = emu.server.emulator
    with core.lock:
        token = core.state.tokens[account.credentials.access_token]
        token.scope = scope
        if token.page_token:
            core.state.tokens[token.page_token].scope = scope


def test_the_descriptors_ask_for_the_comment_permissions():
    assert "instagram_business_manage_comments" in platforms.get("INSTAGRAM").auth.scopes
    assert "pages_manage_engagement" in platforms.get("FACEBOOK").auth.scopes


def test_a_fresh_connection_comments(emu, clock):
    ig = emu.instagram
    _published(emu, "instagram", ig.external_id, "17846368219941692")
    with InstagramAdapter(emu.config, clock, sleep=lambda s: None) as adapter:
        made = adapter.publish_comment(ig, "Link in bio", "17846368219941692", "k1")
    assert made.external_id


@pytest.mark.parametrize("net", ["instagram", "facebook"])
def test_an_old_connection_is_told_to_reconnect(emu, clock, net):
    account = getattr(emu, net)
    if net == "instagram":
        parent, cls, old, permission = (
            "17846368219941692",
            InstagramAdapter,
            OLD_IG,
            ("instagram_business_manage_comments"),
        )
    else:
        parent, cls, old, permission = (
            f"{account.external_id}_122100000000000001", FacebookAdapter, OLD_FB,
            "pages_manage_engagement",
        )  # fmt: skip
    _published(emu, net, account.external_id, parent)
    _grant(emu, account, old)
    with (
        cls(emu.config, clock, sleep=lambda s: None) as adapter,
        pytest.raises(PermanentError) as caught,
    ):
        adapter.publish_comment(account, "Link in bio", parent, "k1")
    label = Platform(net.upper()).label
    assert caught.value.code == COMMENT_PERMISSION
    assert str(caught.value.message) == (
        f"{label} did not allow Herald to comment: reconnect the account in Accounts to "
        f"allow comments ({label} permission {permission})."
    )
    assert comments_on(emu.server.emulator, net) == []  # nothing was made


def test_known_scopes_without_the_permission_refuse_before_any_call(emu, clock):
    from dataclasses import replace

    ig = replace(emu.instagram, settings={SCOPES_KEY: OLD_IG.split(",")})
    with (
        InstagramAdapter(emu.config, clock, sleep=lambda s: None) as adapter,
        pytest.raises(PermanentError, match="reconnect the account in Accounts"),
    ):
        adapter.publish_comment(ig, "Link in bio", "1", "k1")


def test_instagram_keeps_the_granted_permissions_and_refuses_early(emu, clock):
    """Business Login answers the permissions granted; an account connected without the
    comment permission is refused before any request (nothing reaches Instagram)."""
    from dataclasses import replace

    from app.platforms.scopes import granted_scopes
    from tests.adapters.emu_support import connect_account

    assert "instagram_business_manage_comments" in granted_scopes(emu.instagram.settings)
    old_app = replace(emu.config, scope_overrides={"INSTAGRAM": tuple(OLD_IG.split(","))})
    old = connect_account(Platform.INSTAGRAM, old_app, clock)
    assert granted_scopes(old.settings) == frozenset(OLD_IG.split(","))
    _published(emu, "instagram", old.external_id, "17846368219941692")
    with (
        InstagramAdapter(emu.config, clock, sleep=lambda s: None) as adapter,
        pytest.raises(PermanentError, match="reconnect the account in Accounts") as caught,
    ):
        adapter.publish_comment(old, "Link in bio", "17846368219941692", "k1")
    assert caught.value.status is None  # refused here, not by Instagram
