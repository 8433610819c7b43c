"""Threads post insights: views, likes, replies, reposts, quotes
(GET /{threads-media-id}/insights?metric=..., developers.facebook.com/docs/threads/insights).

Herald's Metrics: likes; comments = replies; shares = reposts + quotes; impressions = views.
Meta calls `views` "in development": when it is missing, impressions is None ("not
reported"), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.adapters.graph_batch import read_posts_insights
from app.adapters.http import as_int
from app.core.ports import AccountRef, Metrics

if TYPE_CHECKING:
    from app.platforms.threads.adapter import ThreadsAdapter

INSIGHT_METRICS = ("views", "likes", "replies", "reposts", "quotes")


def metrics_from(values: dict[str, Any], refused: Sequence[str] = ()) -> Metrics:
    views = values.get("views")
    return Metrics(
        likes=as_int(values.get("likes")),
        comments=as_int(values.get("replies")),
        shares=as_int(values.get("reposts")) + as_int(values.get("quotes")),
        impressions=None if views is None else as_int(views),
        refused_metrics=tuple(refused),
    )


def fetch(
    adapter: ThreadsAdapter, account: AccountRef, external_ids: Sequence[str]
) -> dict[str, Metrics]:
    """Each post's insights; several in one Graph batch request (app.adapters.graph_batch).
    A post without insights (deleted, a repost facade) is left out."""
    found = read_posts_insights(adapter, account, external_ids, INSIGHT_METRICS)
    return {media_id: metrics_from(values, newly) for media_id, (values, newly) in found.items()}
