"""Chains and first comments on X (issue 19): both are replies to one's own post,
`POST /2/tweets` with `reply.in_reply_to_tweet_id` (docs.x.com, "Create a post"; PLATFORM-APIS
§ X). An interrupted reply is looked up in the user timeline like a post (lookup.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.adapters.base import IDEMPOTENCY_HEADER
from app.adapters.http import OUTCOME_UNKNOWN, as_dict, as_str
from app.core.ports import AccountRef, PublishResult, TransientError
from app.platforms.twitter.lookup import find_in_timeline

if TYPE_CHECKING:
    from app.platforms.twitter.adapter import TwitterAdapter


def post_reply(
    adapter: TwitterAdapter, account: AccountRef, text: str, parent_id: str, key: str
) -> PublishResult:
    payload: dict[str, Any] = {"text": text, "reply": {"in_reply_to_tweet_id": parent_id}}
    reply = adapter._call(
        "POST",
        "/2/tweets",
        account,
        json=payload,
        headers={IDEMPOTENCY_HEADER: key},
        scope="publish",
        unsafe=True,
    )
    data = as_dict(reply.json_dict(outcome_unknown=True).get("data"))
    post_id = as_str(data.get("id"))
    if post_id is None:
        raise TransientError(
            "X accepted the reply but sent no id", code=OUTCOME_UNKNOWN, status=reply.status
        )
    handle = account.handle.lstrip("@") or "i/web"
    return PublishResult(post_id, f"https://x.com/{handle}/status/{post_id}", reply.rate_limit)


def find_reply(
    adapter: TwitterAdapter, account: AccountRef, text: str, since: datetime, until: datetime
) -> str | None:
    return find_in_timeline(adapter, account, text, since, until)
