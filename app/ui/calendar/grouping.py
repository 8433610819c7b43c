"""One chip per moment, not per network: posts that went out together are shown together.

Publishing one message to several networks is often stored as several posts (one per network,
as the demo's history and imported posts are). In the week view that read as a row of narrow
chips ("M…"), one per network. Posts that can no longer move (published or publishing) and share
the same minute and status are merged into one summary carrying every network; posts that can
still move keep their own chip, since each one can be dragged, edited or deleted on its own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.core.posts import PostSummary
from app.core.timeutil import from_utc, zone_info


def local_times(posts: list[PostSummary], zone: str) -> dict[int, datetime]:
    """{post id: its naive wall time in `zone`} for the dated posts. The zone is looked up
    once; a time that would leave the calendar (years 1-9999) is left to `from_utc`, which
    says so clearly."""
    tz = zone_info(zone)
    combine = datetime.combine
    try:
        # combine(date, time) is the naive wall time with its fold, like replace(tzinfo=None),
        # at half the cost (a month holds a thousand posts: issue 20)
        return {
            p.id: combine((local := p.scheduled_at.astimezone(tz)).date(), local.time())
            for p in posts
            if p.scheduled_at is not None
        }
    except OverflowError:
        return {
            p.id: from_utc(p.scheduled_at, zone).replace(tzinfo=None)
            for p in posts
            if p.scheduled_at is not None
        }


def group_posts(
    posts: list[PostSummary], locals_: dict[int, datetime]
) -> tuple[list[PostSummary], dict[int, list[int]]]:
    """(the summaries to show, {shown id: every post id it stands for}).

    The shown summary keeps the earliest post's id and excerpt; its platforms, handles and
    failure reasons are the union, in first-seen order."""
    shown: list[PostSummary] = []
    members: dict[int, list[int]] = {}
    lead: dict[tuple[datetime, str], int] = {}  # (minute, status) -> index in shown
    for post in sorted(posts, key=lambda p: p.id):
        local = locals_.get(post.id)
        if post.movable or local is None:
            shown.append(post)
            members[post.id] = [post.id]
            continue
        if local.second or local.microsecond:  # replace() costs; most times are whole minutes
            local = local.replace(second=0, microsecond=0)
        key = (local, post.display_status)
        index = lead.get(key)
        if index is None:
            lead[key] = len(shown)
            shown.append(post)
            members[post.id] = [post.id]
            continue
        first = shown[index]
        shown[index] = replace(
            first,
            platforms=_union(first.platforms, post.platforms),
            handles=_union(first.handles, post.handles),
            failed_reasons=_union(first.failed_reasons, post.failed_reasons),
        )
        members[first.id].append(post.id)
    return shown, members


def _union(first: list, more: list) -> list:
    return first + [item for item in more if item not in first]
