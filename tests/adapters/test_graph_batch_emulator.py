"""Graph batch requests against the emulator (developers.facebook.com/docs/graph-api/
batch-requests): several posts' metrics in one round trip, each request inside still counted
against the Page's hourly calls, at most 50 requests a batch."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from app.core.analytics import budget
from app.platforms.names import Platform


@pytest.fixture
def platform():
    return Platform.FACEBOOK


def _page_calls(emu, account) -> int:
    """The Page's calls in the emulator's last hour (its log is pruned on every call)."""
    return len(emu.emulator.state.limits.logs.get(f"fb:page:{account.external_id}", []))


def test_three_posts_metrics_in_two_round_trips_counted_as_six_calls(adapter, account, emu, clock):
    posts = [adapter.publish(account, f"Loaf {i}", [], f"k{i}").external_id for i in range(3)]
    clock.advance(timedelta(hours=24))
    sent: list[httpx.Request] = []
    adapter.http.client.event_hooks["request"].append(sent.append)
    metrics = adapter.fetch_metrics(account, [*posts, f"{account.external_id}_404"])
    assert set(metrics) == set(posts)  # the unknown post is left out
    assert [r.method for r in sent] == ["POST", "POST"]  # insights batch, post-object batch
    # every request inside a batch counts (the publishes, a day ago, have left the hour):
    # two per post asked, the unknown one's insights too
    assert _page_calls(emu, account) == 2 * 3 + 1
    assert budget.call_cost(Platform.FACEBOOK, 4) == 8  # the budget counts them the same way


def test_a_batch_over_50_is_refused_and_a_throttled_request_inside_is_its_own(account, emu, cfg):
    emu.emulator.config.update(facebook_calls_per_hour=2)
    token = account.credentials.access_token
    url = cfg.graph("/")
    with httpx.Client() as client:

        def batch(n: int) -> httpx.Response:
            items = [{"method": "GET", "relative_url": f"{account.external_id}_1"}] * n
            return client.post(
                url,
                data={"batch": json.dumps(items)},
                headers={"Authorization": f"Bearer {token}"},
            )

        too_many = batch(51)
        assert too_many.status_code == 400
        assert "Maximum batch size is 50" in too_many.json()["error"]["message"]
        answers = batch(3).json()
        codes = [json.loads(a["body"]).get("error", {}).get("code") for a in answers]
        assert codes[-1] == 32  # the page's hour is spent: throttled inside the batch
        assert all(a["code"] in (200, 400) for a in answers)
