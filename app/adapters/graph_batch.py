"""Graph batch requests for metric look-ups (Facebook, Instagram, Threads).

developers.facebook.com/docs/graph-api/batch-requests: up to 50 requests in one POST to the
Graph root, answered in order, each `{"code", "headers", "body"}` (or null). One HTTP round
trip instead of 50, but "each call within the batch is counted separately" against the
rate limits: the read budget counts every post (descriptor `read_cost_per_id`).

`read_many` asks several posts' insights together and keeps what `read_insights` does for
one post: an answer that refuses a retired metric is asked again alone (which drops the
metric and reports it), a post Graph says is gone is left out, and an error that stops the
look-up (token, throttling, a transient failure) is raised as it would be for one post.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from app.adapters.graph_insights import insight_values, is_invalid_metric, read_insights
from app.adapters.http import as_int
from app.core.analytics.refusals import refused_now
from app.core.ports import AccountRef, PermanentError, PublishError, TransientError

if TYPE_CHECKING:
    from app.adapters.graph import GraphAdapter

BATCH_LIMIT = 50

#: per post: (metric values, the metric names Graph newly refused)
Insights = tuple[dict[str, Any], list[str]]


def get_many(adapter: GraphAdapter, account: AccountRef, urls: Sequence[str]) -> list[Any]:
    """GET each of `urls` (relative to the versioned Graph root, query included) in batch
    requests of up to 50. Per url: its JSON object, the PublishError it would have raised
    alone (classified as the adapter classifies), or None where Graph gave no answer."""
    out: list[Any] = []
    for start in range(0, len(urls), BATCH_LIMIT):
        part = list(urls[start : start + BATCH_LIMIT])
        batch = [{"method": "GET", "relative_url": u} for u in part]
        reply = adapter._call(
            "POST",
            "/",
            account,
            data={"batch": json.dumps(batch, separators=(",", ":")), "include_headers": "false"},
        )
        body = reply.json()
        if not isinstance(body, list) or len(body) != len(part):
            raise TransientError(
                f"{adapter.platform.label} answered a batch of {len(part)} requests "
                "with something else",
                code="malformed",
                status=reply.status,
            )
        out += [_answer(adapter, entry) for entry in body]
    return out


def _answer(adapter: GraphAdapter, entry: Any) -> Any:
    if not isinstance(entry, dict):
        return None  # Graph's null: this request got no answer
    code = as_int(entry.get("code"))
    text = entry.get("body")
    try:
        parsed = json.loads(text) if isinstance(text, str) and text else None
    except ValueError:
        parsed = None
    if 200 <= code < 300 and isinstance(parsed, dict):
        return parsed
    if 200 <= code < 300:
        return None
    resp = httpx.Response(code or 500, json=parsed if parsed is not None else {})
    return adapter.http.classify(resp, parsed, None, adapter.clock.now())


def read_many(
    adapter: GraphAdapter,
    account: AccountRef,
    ids: Sequence[str],
    wanted: Sequence[str],
    refused: set[str],
    alone: Callable[[str], Insights],
) -> dict[str, Insights]:
    """The insights of each post in `ids` (see the module's text). `alone(id)` is the
    one-post look-up (read_insights); `refused` gains what Graph newly refuses."""
    asking = [m for m in wanted if m not in refused]
    answers: list[Any] = [None] * len(ids)
    if len(ids) > 1 and asking:
        metric = ",".join(asking)
        answers = get_many(adapter, account, [f"{i}/insights?metric={metric}" for i in ids])
    out: dict[str, Insights] = {}
    for post_id, answer in zip(ids, answers, strict=True):
        if isinstance(answer, dict):
            out[post_id] = (insight_values(answer), [])
            continue
        if isinstance(answer, PermanentError) and not is_invalid_metric(answer):
            continue  # deleted, or too little data yet: left out, as alone
        if isinstance(answer, PublishError) and not isinstance(answer, PermanentError):
            raise answer  # token, throttling, a transient failure: as alone
        try:
            values, newly = alone(post_id)  # no answer, or a retired metric: ask it alone
        except PermanentError:
            continue
        refused.update(newly)
        out[post_id] = (values, newly)
    return out


def read_posts_insights(
    adapter: GraphAdapter, account: AccountRef, external_ids: Sequence[str], wanted: Sequence[str]
) -> dict[str, Insights]:
    """The `wanted` insights of each post (`GET /{id}/insights?metric=...`), several posts in
    one batch request (read_many), metrics the account's settings record as refused left out."""
    refused = refused_now(account.settings, adapter.clock.now())

    def alone(post_id: str) -> Insights:
        def ask(names: Sequence[str]) -> Any:
            params = {"metric": ",".join(names)}
            return adapter._call("GET", f"/{post_id}/insights", account, params=params).json_dict()

        # A metric Meta retires (as Instagram's `impressions` in v22) is dropped, not fatal.
        return read_insights(ask, wanted, refused)

    ids = list(dict.fromkeys(external_ids))
    return read_many(adapter, account, ids, wanted, refused, alone)
