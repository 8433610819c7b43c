"""Crash recovery on X: was the post of a doubtful attempt made after all?

The user timeline (`GET /2/users/{id}/tweets`) is asked for exactly the attempt's time window
(`start_time` .. `end_time`) and paged with `pagination_token` to its end, however many pages
that takes: the window bounds the search, not a page count. A busy account gives more pages,
never a give-up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.adapters.base import same_text
from app.adapters.http import as_dict, as_list, as_str
from app.core.ports import AccountRef, TransientError

if TYPE_CHECKING:
    from app.platforms.twitter.adapter import TwitterAdapter

# Herald's and X's clocks differ a little: widen the window by this much on each side.
CLOCK_SLACK = timedelta(minutes=1)
# X refuses an end_time that is not in the past; one this close to now is left out.
END_TIME_MARGIN = timedelta(seconds=10)
# X serves only the newest 3,200 posts of a timeline, however it is paged.
TIMELINE_REACH = 3200
PAGE_SIZE = 100


def x_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_params(since: datetime, until: datetime | None, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"start_time": x_time(since - CLOCK_SLACK), "max_results": PAGE_SIZE}
    if until is not None:
        end = until + CLOCK_SLACK
        if end <= now - END_TIME_MARGIN:
            params["end_time"] = x_time(end)
    return params


def find_in_timeline(
    adapter: TwitterAdapter,
    account: AccountRef,
    text: str,
    since: datetime,
    until: datetime | None,
) -> str | None:
    params = window_params(since, until, adapter.clock.now())
    seen_tokens: set[str] = set()
    seen_posts = 0
    while True:
        reply = adapter._call(
            "GET", f"/2/users/{account.external_id}/tweets", account, params=params
        )
        body = reply.json_dict()
        for tweet in as_list(body.get("data")):
            tweet = as_dict(tweet)
            seen_posts += 1
            body_text = tweet.get("text")
            if same_text(body_text if isinstance(body_text, str) else None, text):
                return as_str(tweet.get("id"))
        token = as_str(as_dict(body.get("meta")).get("next_token"))
        if token is None:
            break
        if token in seen_tokens:
            raise TransientError(
                "X's timeline sent the same page twice; will check for the post again later",
                code="lookup_loop",
            )
        seen_tokens.add(token)
        params["pagination_token"] = token
    if seen_posts >= TIMELINE_REACH:
        # The window holds more posts than X lets anyone read back: absence proves nothing.
        raise TransientError(
            "X shows only the newest 3,200 posts and the window holds more; "
            "check the account on x.com",
            code="lookup_truncated",
        )
    return None
