"""The demo's post formats (issue 19): one thread of four parts for X, Bluesky, Mastodon and
Threads, and one post with a first comment (LinkedIn and Facebook), both scheduled in the
coming days, so `make run` shows them in the calendar and the composer's thread tab."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

from app.core import chains
from app.core.accounts import AccountInfo
from app.core.clock import SystemClock
from app.core.db import Database
from app.core.posts import PostService
from app.platforms.names import Platform

CHAIN = [
    "How we bake 400 loaves a week with two ovens and one mixer 🧵 1/4",
    "It starts the night before: the levain is fed at 21:00 and the dough mixed at 05:00. 2/4",
    "Then a long cold proof, 14 hours at 4 °C, which gives the crust its blisters. 3/4",
    "Come taste the result on Saturday at the market, stall 12. 🥖 4/4",
]
CHAIN_NETWORKS = (Platform.TWITTER, Platform.BLUESKY, Platform.MASTODON, Platform.THREADS)
COMMENTED = "Our winter menu is here: rye, spelt and a new seeded loaf."
COMMENT = "Order ahead: https://example.com/order #bakery #sourdough"
COMMENT_NETWORKS = (Platform.LINKEDIN, Platform.FACEBOOK)


def schedule_formats(
    db: Database,
    workspace_id: int,
    accounts: dict[Platform, AccountInfo],
    zone: ZoneInfo,
    today: date,
) -> int:
    """The demo's thread (tomorrow 10:30) and post with a first comment (the day after,
    13:00); returns how many posts were scheduled."""
    clock = SystemClock()
    service = PostService(db, clock)
    made = 0
    for days, (hour, minute), text, networks, parts, comment in (
        (1, (10, 30), CHAIN[0], CHAIN_NETWORKS, CHAIN, None),
        (2, (13, 0), COMMENTED, COMMENT_NETWORKS, [], COMMENT),
    ):
        ids = [accounts[p].id for p in networks if p in accounts]
        if not ids:
            continue
        local = datetime.combine(today + timedelta(days=days), wall_time(hour, minute), zone)
        post = service.create(
            workspace_id,
            text,
            ids,
            scheduled_local=local.astimezone(UTC),
            action="schedule",
        )
        chains.set_chain(db, post.id, parts, comment, clock.now())
        made += 1
    return made
