"""Threads post insights: views, likes, replies, reposts, quotes
(GET /{threads-media-id}/insights?metric=..., developers.facebook.com/docs/threads/insights).

Herald's Metrics: likes; comments = replies; shares = reposts + quotes; impressions = views.
Meta calls `views` "in development": when it is missing, impressions is None ("not
reported"), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.adapters.graph_insights import read_insights
from app.adapters.http import as_int
from app.core.analytics.refusals import refused_now
from app.core.ports import AccountRef, Metrics, PermanentError

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
    result: dict[str, Metrics] = {}
    refused = refused_now(account.settings, adapter.clock.now())
    for media_id in dict.fromkeys(external_ids):

        def ask(names: Sequence[str], media_id: str = media_id) -> Any:
            params = {"metric": ",".join(names)}
            return adapter._call("GET", f"/{media_id}/insights", account, params=params).json_dict()

        try:
            values, newly = read_insights(ask, INSIGHT_METRICS, refused)
        except PermanentError:
            continue  # deleted, or a repost facade with no insights
        refused.update(newly)
        result[media_id] = metrics_from(values, newly)
    return result
