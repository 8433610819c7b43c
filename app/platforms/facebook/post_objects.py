"""A Facebook post's object (comments, shares, reactions): the counts insights do not give,
read for each post whose metrics are fetched; several in one Graph batch request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from app.adapters.graph_batch import get_many
from app.adapters.http import as_dict, as_int
from app.core.ports import AccountRef, PermanentError, PublishError, TransientError

if TYPE_CHECKING:
    from app.platforms.facebook.adapter import FacebookAdapter

POST_FIELDS = "shares,comments.limit(0).summary(true),reactions.limit(0).summary(total_count)"


def post_objects(
    adapter: FacebookAdapter, account: AccountRef, ids: list[str]
) -> dict[str, dict[str, Any] | None]:
    """The posts' objects; None where unreadable (an optional extra: the insights gave the
    main numbers). A token or throttling error is raised."""
    answers: list[Any] = []
    if len(ids) > 1:
        fields = urlencode({"fields": POST_FIELDS})
        answers = get_many(adapter, account, [f"{i}?{fields}" for i in ids])
    for post_id in ids if len(ids) <= 1 else ():
        try:
            reply = adapter._call("GET", f"/{post_id}", account, params={"fields": POST_FIELDS})
            answers.append(reply.json_dict())
        except (PermanentError, TransientError):
            answers.append(None)
    out: dict[str, dict[str, Any] | None] = {}
    for post_id, answer in zip(ids, answers, strict=True):
        if isinstance(answer, PublishError) and not isinstance(
            answer, (PermanentError, TransientError)
        ):
            raise answer
        out[post_id] = answer if isinstance(answer, dict) else None
    return out


def engagement_of(body: dict[str, Any] | None) -> tuple[int, int, int]:
    """Comment, share and reaction counts from a post object; 0 where it does not say."""
    body = body or {}
    comments = as_int(as_dict(as_dict(body.get("comments")).get("summary")).get("total_count"))
    shares = as_int(as_dict(body.get("shares")).get("count"))
    reactions = as_int(as_dict(as_dict(body.get("reactions")).get("summary")).get("total_count"))
    return comments, shares, reactions
