"""Issue 21 point 9: a message that went out to several networks as separate posts is one
week-view chip with every network's icon, not one narrow chip per network."""

from __future__ import annotations

from datetime import datetime

from app.core.models import TargetStatus
from app.ui.calendar.chips import describe
from tests.ui.calendar.helpers import add_account, schedule, set_targets

WHEN = datetime(2026, 1, 5, 10, 0)  # marked published below


def test_posts_published_together_share_one_week_chip(
    herald_window, herald_context, herald_workspace
):
    from app.platforms.names import Platform

    ws = herald_workspace
    ids = [
        add_account(herald_context, ws.id, platform, handle)
        for platform, handle in (
            (Platform.TWITTER, "@bakery"),
            (Platform.FACEBOOK, "Bakery page"),
            (Platform.LINKEDIN, "Bakery"),
        )
    ]
    published = [schedule(herald_context, ws.id, [account], WHEN) for account in ids]
    for post_id in published:
        set_targets(herald_context, post_id, TargetStatus.PUBLISHED)
    # Two separate upcoming posts at one time stay separate: each can be dragged on its own.
    later = datetime(2026, 1, 6, 10, 0)
    upcoming = [schedule(herald_context, ws.id, [account], later) for account in ids[:2]]

    view = herald_window.views["calendar"]
    view.set_mode("week")
    grid = view.week.grid
    chips = {c.post.id: c for c in grid.chips}
    assert sorted(chips) == sorted([published[0], *upcoming])
    grouped = chips[published[0]]
    assert [p.label for p in grouped.post.platforms] == ["X", "Facebook", "LinkedIn"]
    assert grid.members[published[0]] == published
    # Each platform's name is said, not only drawn as an icon.
    text = describe(grouped.post, grouped.local)
    assert all(name in text for name in ("X", "Facebook", "LinkedIn"))
    # Selecting any of the three (a toast's "Show", say) selects the shared chip.
    grid.select(published[2])
    assert grid.selected_id == published[0]
    assert grid.chip_of(published[1]) is grouped
    # The shared chip is as wide as a lone chip in its day column, not a third of it.
    assert grouped.rect.width() > grid.col_width() - 10
