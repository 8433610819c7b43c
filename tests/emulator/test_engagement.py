"""Engagement model: growth with the emulator clock, hour-of-week profiles, seeded noise."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import httpx

from app.emulator import EmulatorServer
from app.emulator.engagement import PROFILES, EngagementModel, growth, top_hours
from app.platforms.names import Platform
from tests.emulator.conftest import START, TLS
from tests.emulator.helpers import FacebookLogin, bearer, fb_login, x_login

G = "/facebook/v25.0"


def test_model_endpoint_shape(client: httpx.Client) -> None:
    model = client.get("/_emulator/model").json()
    assert model["audience_timezone"] == "America/New_York"
    assert set(model["platforms"]) == {p.value for p in Platform}
    for entry in model["platforms"].values():
        weights = entry["hour_of_week"]
        assert len(weights) == 168
        assert all(isinstance(w, float) and 0 < w <= 1 for w in weights)
        assert entry["top"] == top_hours(weights)
        ranked = sorted(weights, reverse=True)
        assert ranked[2] > 1.3 * ranked[3], "the top three must stand clear of the rest"


def test_profiles_have_the_documented_peaks() -> None:
    tops = {p: {tuple(t) for t in top_hours(PROFILES[p])} for p in Platform}
    assert all(d in (1, 2, 3) and 8 <= h <= 10 for d, h in tops[Platform.LINKEDIN])
    assert all(d <= 4 and (h == 8 or 18 <= h <= 20) for d, h in tops[Platform.TWITTER])
    assert all((19 <= h <= 21) or (d >= 5 and 10 <= h <= 12) for d, h in tops[Platform.INSTAGRAM])
    assert all(d in (2, 3, 4) and 13 <= h <= 15 for d, h in tops[Platform.FACEBOOK])
    assert all((d, h) in {(0, 20), (2, 10), (3, 21)} for d, h in tops[Platform.MASTODON])
    assert all((d, h) in {(1, 20), (3, 12), (2, 19)} for d, h in tops[Platform.THREADS])
    assert len(set().union(*tops.values())) == 3 * len(tops), "each platform has its own peaks"


def test_growth_curve_saturates() -> None:
    assert growth(0) == 0 and growth(-5) == 0
    assert 0.85 < growth(24) < 0.9
    assert growth(24 * 7) > 0.97
    values = [growth(h) for h in (1, 6, 24, 72, 168, 1000)]
    assert values == sorted(values)


def test_metrics_are_seeded_and_per_post() -> None:
    created = datetime(2026, 1, 6, 23, 0, tzinfo=UTC)  # Tuesday 18:00 New York, X's top hour
    later = created + timedelta(days=7)
    a = EngagementModel(seed=1).metrics(Platform.TWITTER, "123", created, later)
    assert a == EngagementModel(seed=1).metrics(Platform.TWITTER, "123", created, later)
    assert a != EngagementModel(seed=2).metrics(Platform.TWITTER, "123", created, later)
    assert a != EngagementModel(seed=1).metrics(Platform.TWITTER, "124", created, later)
    assert a["impressions"] > a["likes"] > a["shares"] > 0


def test_audience_zone_moves_the_peaks() -> None:
    wed_13_new_york = datetime(2026, 1, 7, 18, 0, tzinfo=UTC)
    wed_13_paris = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)
    assert EngagementModel().weight(Platform.FACEBOOK, wed_13_new_york) == 1.0
    paris = EngagementModel(audience_tz="Europe/Paris")
    assert paris.weight(Platform.FACEBOOK, wed_13_paris) == 1.0
    assert paris.weight(Platform.FACEBOOK, wed_13_new_york) < 0.7


def test_top_hours_recoverable_from_noisy_posts() -> None:
    model = EngagementModel(seed=11)
    monday = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)  # Monday 00:00 New York
    for platform in Platform:
        totals: dict[int, int] = defaultdict(int)
        for hour in range(168):
            created = monday + timedelta(hours=hour)
            for n in range(3):
                mx = model.metrics(platform, f"{hour}-{n}", created, created + timedelta(days=7))
                totals[hour] += mx["impressions"]
        best = sorted(totals, key=lambda h: -totals[h])[:3]
        assert {(h // 24, h % 24) for h in best} == {
            tuple(t) for t in top_hours(PROFILES[platform])
        }


def test_x_metrics_grow_as_the_clock_moves(emu: EmulatorServer, client: httpx.Client) -> None:
    headers = bearer(x_login(client)["access_token"])
    tweet_id = client.post("/x/2/tweets", json={"text": "grow"}, headers=headers).json()["data"][
        "id"
    ]
    seen = []
    for hours in (0, 1, 6, 24, 24 * 7):
        emu.set_clock(START + timedelta(hours=hours))
        headers = bearer(x_login(client)["access_token"])  # access tokens only live 2 h
        resp = client.get(
            "/x/2/tweets",
            params={"ids": tweet_id, "tweet.fields": "public_metrics"},
            headers=headers,
        )
        seen.append(resp.json()["data"][0]["public_metrics"])
    impressions = [m["impression_count"] for m in seen]
    assert impressions[0] == 0
    assert impressions == sorted(impressions) and impressions[-1] > impressions[-2] > impressions[1]
    assert impressions[3] > 0.8 * impressions[4]  # mostly done by 24 h
    likes = [m["like_count"] for m in seen]
    assert likes == sorted(likes) and likes[-1] > 0


def _fb_impressions(client: httpx.Client, fb: FacebookLogin, post_id: str) -> int:
    params = {"metric": "post_media_view", "access_token": fb.page_token}
    return client.get(f"{G}/{post_id}/insights", params=params).json()["data"][0]["values"][0][
        "value"
    ]


def test_facebook_engagement_follows_the_profile() -> None:
    """One post per hour of a week, read back a week later: the best hours are the model's."""
    monday = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)  # Monday 00:00 New York
    with (
        EmulatorServer(now=lambda: monday, seed=5, facebook_calls_per_hour=10_000) as srv,
        httpx.Client(base_url=srv.base_url, verify=TLS) as client,
    ):
        fb = fb_login(client)
        posts = []
        for hour in range(168):
            srv.set_clock(monday + timedelta(hours=hour))
            resp = client.post(
                f"{G}/{fb.page_id}/feed",
                data={"message": f"hour {hour}", "access_token": fb.page_token},
            )
            posts.append(resp.json()["id"])
        srv.advance(8 * 86400)
        impressions = [_fb_impressions(client, fb, p) for p in posts]
        best = sorted(range(168), key=lambda h: -impressions[h])[:3]
        expected = client.get("/_emulator/model").json()["platforms"]["FACEBOOK"]["top"]
        assert sorted([h // 24, h % 24] for h in best) == sorted(expected)
