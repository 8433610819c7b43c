"""Issue 16.8 for Facebook and Instagram, against the emulator: crash recovery searches the
doubtful attempt's time window with the listing's own since/until and reads it to the end,
however busy the account; posts after the window are not read at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.emulator.state import Post
from app.platforms.facebook.adapter import FacebookAdapter
from app.platforms.instagram.adapter import InstagramAdapter
from app.platforms.names import Platform
from tests.adapters.emu_support import CountingClient

ADAPTER = {Platform.FACEBOOK: FacebookAdapter, Platform.INSTAGRAM: InstagramAdapter}
LISTING = {Platform.FACEBOOK: "/feed", Platform.INSTAGRAM: "/media"}
EMU_KEY = {Platform.FACEBOOK: "facebook", Platform.INSTAGRAM: "instagram"}
IN_WINDOW = 600  # 12 pages of 50: more than the old five-page cap ever read
AFTER_WINDOW = 150


@pytest.fixture(params=[Platform.FACEBOOK, Platform.INSTAGRAM], ids=lambda p: p.value)
def platform(request):
    return request.param


def _seed(emu, platform: Platform, account: str, start: float, count: int, prefix: str) -> None:
    state = emu.emulator.state
    for i in range(count):
        state.add_post(
            Post(
                platform=EMU_KEY[platform],
                account=account,
                external_id=f"{account}_{prefix}{i:05d}"
                if platform == Platform.FACEBOOK
                else f"9{len(prefix)}{i:07d}",
                text=f"{prefix} filler {i}",
                created_at=start + i,
            )
        )


def test_a_busy_account_is_searched_to_the_end_of_the_window(platform, emu, cfg, clock, account):
    since = clock.now()
    until = since + timedelta(minutes=20)
    state = emu.emulator.state
    state.add_post(
        Post(
            platform=EMU_KEY[platform],
            account=account.external_id,
            external_id=f"{account.external_id}_1" if platform == Platform.FACEBOOK else "8000001",
            text="the doubtful one",
            created_at=since.timestamp() + 1,
        )
    )
    _seed(emu, platform, account.external_id, since.timestamp() + 10, IN_WINDOW, "in")
    after = (until + timedelta(minutes=10)).timestamp()
    _seed(emu, platform, account.external_id, after, AFTER_WINDOW, "late")
    counting = CountingClient()
    try:
        with ADAPTER[platform](cfg, clock, counting.client) as adapter:
            found = adapter.find_existing(account, "k", "the doubtful one", since, until)
            assert adapter.find_existing(account, "k", "never posted", since, until) is None
    finally:
        counting.close()
    assert found is not None and found.endswith("1")
    listed = sum(n for (_m, path), n in counting.calls.items() if path.endswith(LISTING[platform]))
    pages = -(-(IN_WINDOW + 1) // 100)  # 100 a page; the 150 later posts never read
    assert listed == 2 * pages
