"""Chains on Threads (issue 19): each next part is a TEXT container with `reply_to_id` the
part before, then threads_publish (developers.facebook.com/documentation/threads/
retrieve-and-manage-replies/create-replies; reference/publishing: "reply_to_id — Required if
replying to a post"). The adapter's `reply` does both.

Threads takes no idempotency key. A part an interrupted attempt may have published is found
among the user's own replies (`GET /{threads-user-id}/replies`, fields id, timestamp, text,
replied_to), newest first within since..until: the one whose `replied_to.id` is the parent
and whose text is the part's.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.adapters.base import parse_time, same_text
from app.adapters.http import as_dict, as_list, as_str
from app.core.ports import AccountRef, PublishResult

if TYPE_CHECKING:
    from app.platforms.threads.adapter import ThreadsAdapter

REPLY_FIELDS = "id,timestamp,text,replied_to"
#: how far around the doubtful window a reply is still looked for (clock skew)
SLACK_S = 300


def publish_reply(
    adapter: ThreadsAdapter, account: AccountRef, text: str, parent_id: str, key: str
) -> PublishResult:
    return adapter.reply(account, text, parent_id, key)


def find_reply(
    adapter: ThreadsAdapter,
    account: AccountRef,
    parent_id: str,
    text: str,
    since: datetime,
    until: datetime,
) -> str | None:
    floor = since.timestamp() - SLACK_S
    params: dict[str, Any] = {
        "fields": REPLY_FIELDS,
        "since": int(floor),
        "until": int(until.timestamp() + SLACK_S),
        "limit": 100,
    }
    for body in adapter._graph_pages(account, f"/{account.external_id}/replies", params):
        older_seen = False
        for raw in as_list(body.get("data")):
            item = as_dict(raw)
            when = parse_time(item.get("timestamp"))
            if when is not None and when.timestamp() < floor:
                older_seen = True  # newest first: the rest is older still
                continue
            parent = as_str(as_dict(item.get("replied_to")).get("id"))
            value = item.get("text")
            if parent == parent_id and same_text(value if isinstance(value, str) else "", text):
                return as_str(item.get("id"))
        if older_seen:
            return None
    return None
