"""Best-time recommendations on synthetic history: peaks, luck, DST, cold start, cache."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core import besttime
from app.core.analytics import aggregates, priors
from app.core.analytics.scoring import K_MAX, Profile
from app.core.clock import FakeClock
from app.core.models import Checkpoint, RecommendationCache, Workspace
from app.core.timeutil import to_utc
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

LONDON = "Europe/London"
NOW = datetime(2026, 7, 6, 9, tzinfo=UTC)  # a Monday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def weekly_rows(zone, weeks, per_bucket, rate_of, rng, start=datetime(2026, 1, 5)):
    """(published_at, rate) for each bucket, `per_bucket` posts in different weeks."""
    rows = []
    for bucket in range(168):
        for i in range(per_bucket):
            week = (i * weeks) // per_bucket
            wall = start + timedelta(days=7 * week + bucket // 24, hours=bucket % 24)
            try:
                when = to_utc(wall, zone, fold=0)
            except ValueError:  # an hour skipped by DST in that week
                continue
            rows.append((when, rate_of(bucket, rng)))
    return rows


def test_known_peaks_are_recovered(db, clock):
    ws = h.workspace(db, zone=LONDON)
    x = h.account(db, ws, Platform.TWITTER)
    peaks = {2 * 24 + 12: 0.060, 4 * 24 + 17: 0.055, 6 * 24 + 10: 0.050}  # Wed 12, Fri 17, Sun 10

    def rate(bucket, rng):
        return peaks.get(bucket, 0.03) * rng.uniform(0.9, 1.1)

    h.bulk_measured(db, ws, x, weekly_rows(LONDON, 24, 6, rate, random.Random(1)))
    slots = besttime.recommend(db, ws, Platform.TWITTER, clock=clock)
    assert [(s.weekday, s.hour) for s in slots] == [(2, 12), (4, 17), (6, 10)]
    assert all(s.samples >= 5 for s in slots)
    assert slots[0].score == pytest.approx(0.06, rel=0.1)
    assert slots[0].confidence in ("medium", "high")


def test_two_lucky_posts_do_not_beat_twenty_good_ones(db, clock):
    ws = h.workspace(db, zone=LONDON)
    x = h.account(db, ws, Platform.TWITTER)
    prior = priors.load_priors()[Platform.TWITTER]
    lucky, good = 1 * 24 + 8, 2 * 24 + 8  # Tue 08 and Wed 08: the same prior weight
    assert prior.weights[lucky] == prior.weights[good]
    rng = random.Random(7)
    # The true profile follows the prior shape (+-10 % per bucket); each post is noisy
    # (coefficient of variation 40 %, as engagement is).
    truth = [0.03 * w / prior.mean_weight * rng.uniform(0.9, 1.1) for w in prior.weights]
    truth[lucky] = 0.03 * prior.weights[lucky] / prior.mean_weight
    truth[good] = truth[lucky] * 1.3

    def rate(bucket, r):
        return max(0.0, r.gauss(truth[bucket], 0.4 * truth[bucket]))

    rows = [
        row
        for row in weekly_rows(LONDON, 24, 8, rate, rng)
        if aggregates_bucket(row[0]) not in (lucky, good)
    ]
    base = datetime(2026, 1, 6, 8)
    rows += [(to_utc(base + timedelta(days=7 * i), LONDON), truth[lucky] * 1.8) for i in range(2)]
    rows += [(to_utc(base + timedelta(days=1 + 7 * i), LONDON), rate(good, rng)) for i in range(20)]
    h.bulk_measured(db, ws, x, rows)
    prof = besttime.profiles(db, ws, [Platform.TWITTER], clock)[Platform.TWITTER]
    assert prof.samples[lucky] == 2 and prof.samples[good] == 20
    assert prof.means[lucky] > prof.means[good]  # raw averages: luck wins...
    assert prof.scores[good] > prof.scores[lucky]  # ...shrunk scores: it does not
    assert prof.confidences[lucky] == "low"
    rank = prof.ranking()
    assert rank.index(good) < rank.index(lucky)


def aggregates_bucket(when):
    local = when.astimezone(priors_zone())
    return local.weekday() * 24 + local.hour


def priors_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(LONDON)


def test_dst_weeks_bucket_in_the_users_zone(db, clock):
    ws = h.workspace(db, zone="America/New_York")
    x = h.account(db, ws, Platform.LINKEDIN)
    rows = []
    day = datetime(2026, 1, 6, 9)  # Tuesdays 09:00 New York, across March's and November's change
    while day < datetime(2026, 7, 1):
        rows.append((to_utc(day, "America/New_York"), 0.08))
        rows.append((to_utc(day + timedelta(days=1, hours=2), "America/New_York"), 0.02))
        day += timedelta(days=7)
    h.bulk_measured(db, ws, x, rows)
    assert {r[0].hour for r in rows[::2]} == {13, 14}  # two different UTC hours
    best = besttime.recommend(db, ws, "linkedin", k=1, clock=clock)[0]
    assert (best.weekday, best.hour) == (1, 9)
    assert best.samples == len(rows) // 2


def test_a_new_workspace_gets_the_cold_start_profile(db, clock):
    ws = h.workspace(db, zone="Asia/Tokyo")
    for platform in Platform:
        slots = besttime.recommend(db, ws, platform, clock=clock)
        prior = priors.load_priors()[platform]
        expected = sorted(range(168), key=lambda b: (-prior.weights[b], b))[:3]
        assert [s.bucket for s in slots] == expected
        assert all(s.samples == 0 and s.confidence == "low" for s in slots)
        assert slots[0].score == pytest.approx(prior.rate(expected[0]))
    linkedin = besttime.recommend(db, ws, Platform.LINKEDIN, clock=clock)
    assert all(1 <= s.weekday <= 3 and 7 <= s.hour <= 11 for s in linkedin)  # Tue-Thu mornings
    x = besttime.recommend(db, ws, Platform.TWITTER, clock=clock)
    assert all(s.weekday < 5 and (7 <= s.hour <= 9 or 17 <= s.hour <= 20) for s in x)


def test_the_prior_is_blended_out_as_data_grows(db, clock):
    ws = h.workspace(db, zone=LONDON)
    ig = h.account(db, ws, Platform.INSTAGRAM)
    target = 0 * 24 + 6  # Monday 06:00, a weak hour in the Instagram prior

    def add(n):
        start = datetime(2026, 1, 5, 6)
        h.bulk_measured(
            db,
            ws,
            ig,
            [(to_utc(start + timedelta(days=7 * i), LONDON), 0.2) for i in range(n)]
            + [(to_utc(start + timedelta(days=7 * i, hours=14), LONDON), 0.05) for i in range(n)]
            + [
                (to_utc(start + timedelta(days=7 * i + 3, hours=5), LONDON), 0.06) for i in range(n)
            ],
        )

    add(1)
    prof = besttime.profiles(db, ws, [Platform.INSTAGRAM], clock)[Platform.INSTAGRAM]
    cold = priors.load_priors()[Platform.INSTAGRAM]
    data_weight_1 = (prof.scores[target] - prof.scale * cold.weights[target]) / (
        0.2 - prof.scale * cold.weights[target]
    )
    add(20)
    besttime.recompute(db, ws, clock)
    prof = besttime.profiles(db, ws, [Platform.INSTAGRAM], clock)[Platform.INSTAGRAM]
    data_weight_21 = (prof.scores[target] - prof.scale * cold.weights[target]) / (
        0.2 - prof.scale * cold.weights[target]
    )
    assert 0 < data_weight_1 < data_weight_21 <= 1
    assert prof.top(1)[0].bucket == target


def test_recommend_reads_the_cache(db, clock, monkeypatch):
    ws = h.workspace(db, zone=LONDON)
    first = besttime.recommend(db, ws, Platform.FACEBOOK, clock=clock)
    with db.session() as s:
        rows = s.scalars(select(RecommendationCache)).all()
        assert [(r.workspace_id, r.platform) for r in rows] == [(ws, Platform.FACEBOOK)]

    def boom(*a, **k):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(besttime, "heatmaps", boom)
    assert besttime.recommend(db, ws, Platform.FACEBOOK, clock=clock) == first
    monkeypatch.undo()
    # a zone change or an old cache means recomputing
    with db.session() as s:
        s.get(Workspace, ws).timezone = "Asia/Tokyo"
        s.commit()
    calls = []
    real = besttime.heatmaps
    monkeypatch.setattr(besttime, "heatmaps", lambda *a, **k: calls.append(1) or real(*a, **k))
    besttime.recommend(db, ws, Platform.FACEBOOK, clock=clock)
    besttime.recommend(db, ws, Platform.FACEBOOK, clock=clock)
    assert len(calls) == 1
    clock.advance(timedelta(hours=25))
    besttime.recommend(db, ws, Platform.FACEBOOK, clock=clock)
    assert len(calls) == 2


def test_recompute_covers_every_workspace_and_platform(db, clock):
    a = h.workspace(db, name="A", zone=LONDON)
    b = h.workspace(db, name="B", zone="Asia/Tokyo")
    result = besttime.recompute(db, clock=clock)
    assert set(result) == {(w, p) for w in (a, b) for p in Platform}
    with db.session() as s:
        assert len(s.scalars(select(RecommendationCache)).all()) == 2 * len(Platform)
    with pytest.raises(ValueError, match="No workspace"):
        besttime.recompute(db, 999, clock)


def test_only_the_last_year_counts(db, clock):
    ws = h.workspace(db, zone=LONDON)
    x = h.account(db, ws, Platform.TWITTER)
    old = NOW - besttime.LOOKBACK - timedelta(days=1)
    h.bulk_measured(db, ws, x, [(old, 0.5)])
    prof = besttime.profiles(db, ws, [Platform.TWITTER], clock)[Platform.TWITTER]
    assert prof.posts == 0


def test_payload_round_trip(db, clock):
    ws = h.workspace(db, zone=LONDON)
    x = h.account(db, ws, Platform.TWITTER)
    h.measured_post(db, ws, x, NOW - timedelta(days=3), 0.05)
    prof = besttime.recompute(db, ws, clock)[(ws, Platform.TWITTER)]
    back = Profile.from_payload(Platform.TWITTER, prof.computed_at, prof.to_payload())
    assert back == prof
    assert Profile.from_payload(Platform.TWITTER, NOW, {"format": 99}) is None
    assert json.loads(json.dumps(prof.to_payload()))["top"][0]["samples"] == prof.top(1)[0].samples


def test_suggest_times_for_one_platform(db, clock):
    ws = h.workspace(db, zone=LONDON)
    after = datetime(2026, 7, 7, 8, 30, tzinfo=UTC)  # Tue 09:30 BST
    suggestions = besttime.suggest_times(db, ws, [Platform.LINKEDIN], LONDON, after, clock=clock)
    slots = besttime.recommend(db, ws, Platform.LINKEDIN, clock=clock)
    assert len(suggestions) == 3
    for slot, sug in zip(slots, suggestions, strict=True):
        local = sug.when_utc.astimezone(priors_zone())
        assert (local.weekday(), local.hour, local.minute) == (slot.weekday, slot.hour, 0)
        assert after < sug.when_utc <= after + timedelta(days=7)
        assert "LinkedIn" in sug.explanation and "#" in sug.explanation
    # Tuesday 09:00 already passed this week: next week's
    assert suggestions[0].when_utc == datetime(2026, 7, 14, 8, tzinfo=UTC)
    assert suggestions[0].label == "Tue 14 Jul, 09:00"
    # labelled in another zone
    ny = besttime.suggest_times(db, ws, ["linkedin"], "America/New_York", after, clock=clock)
    assert ny[0].label == "Tue 14 Jul, 04:00"


def test_suggest_times_compromise_for_several_platforms(db, clock):
    ws = h.workspace(db, zone=LONDON)
    after = datetime(2026, 7, 6, 12, tzinfo=UTC)
    out = besttime.suggest_times(
        db, ws, [Platform.LINKEDIN, Platform.INSTAGRAM], LONDON, after, k=2, clock=clock
    )
    assert len(out) == 2
    assert out[0].explanation.startswith("Best compromise for LinkedIn and Instagram:")
    assert "LinkedIn #" in out[0].explanation and "Instagram #" in out[0].explanation
    li = besttime.profiles(db, ws, [Platform.LINKEDIN], clock)[Platform.LINKEDIN]
    ig = besttime.profiles(db, ws, [Platform.INSTAGRAM], clock)[Platform.INSTAGRAM]

    def combined(b):
        return li.scores[b] / max(li.scores) + ig.scores[b] / max(ig.scores)

    best = max(range(168), key=combined)
    local = out[0].when_utc.astimezone(priors_zone())
    assert local.weekday() * 24 + local.hour == best
    assert besttime.suggest_times(db, ws, [], LONDON, after) == []


def test_next_occurrence_over_dst_changes():
    # London springs forward at 01:00 on Sunday 29 March 2026: 01:30 does not exist.
    after = datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert besttime.next_occurrence(6, 1, LONDON, after) == datetime(2026, 3, 29, 1, tzinfo=UTC)
    # falls back on 25 October: 01:00 happens twice; the first is taken
    after = datetime(2026, 10, 24, 12, tzinfo=UTC)
    assert besttime.next_occurrence(6, 1, LONDON, after) == datetime(2026, 10, 25, 0, tzinfo=UTC)
    # strictly after
    at = datetime(2026, 7, 7, 8, tzinfo=UTC)
    assert besttime.next_occurrence(1, 9, LONDON, at) == at + timedelta(days=7)


def test_parse_platform():
    assert besttime.parse_platform("x") == Platform.TWITTER
    assert besttime.parse_platform(" Instagram ") == Platform.INSTAGRAM
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        besttime.parse_platform("myspace")


def test_priors_file_is_valid_and_validated(tmp_path, monkeypatch):
    loaded = priors.load_priors()
    assert set(loaded) == set(Platform)
    assert all(len(p.weights) == 168 and max(p.weights) == 1.0 for p in loaded.values())
    assert all(p.about != "no cold-start profile available" for p in loaded.values())
    with pytest.raises(ValueError, match="format"):
        priors.parse({"format": 2})
    with pytest.raises(ValueError, match="24 numbers"):
        week = {d: [1.0] * 24 for d in priors.WEEKDAYS}
        week["Friday"] = [1.0]
        priors.parse({"format": 1, "platforms": {"TWITTER": {"week": week}}})
    # HERALD_RESOURCES_DIR wins; a missing file falls back to flat profiles
    monkeypatch.setenv("HERALD_RESOURCES_DIR", str(tmp_path))
    assert priors.candidate_paths()[0] == tmp_path / priors.FILE_NAME
    monkeypatch.setattr(priors, "candidate_paths", lambda: [tmp_path / "missing.json"])
    priors.load_priors.cache_clear()
    try:
        flat = priors.load_priors()
        assert set(flat[Platform.TWITTER].weights) == {1.0}
    finally:
        priors.load_priors.cache_clear()


def test_k_is_large_when_buckets_do_not_differ(db, clock):
    ws = h.workspace(db, zone=LONDON)
    x = h.account(db, ws, Platform.TWITTER)
    prior = priors.load_priors()[Platform.TWITTER]

    def rate(bucket, rng):
        return 0.03 * prior.weights[bucket] / prior.mean_weight * rng.uniform(0.5, 1.5)

    h.bulk_measured(db, ws, x, weekly_rows(LONDON, 10, 3, rate, random.Random(3)))
    prof = besttime.profiles(db, ws, [Platform.TWITTER], clock)[Platform.TWITTER]
    assert prof.k >= 10
    assert prof.k <= K_MAX
    assert aggregates.BUCKETS == 168


def test_a_platform_without_impressions_still_gets_its_own_best_times(db, clock):
    ws = h.workspace(db, zone=LONDON)
    li = h.account(db, ws, Platform.LINKEDIN)
    rng = random.Random(11)
    rows = []
    for week in range(16):
        for day, hour, likes in ((0, 16, 40), (3, 12, 8), (4, 10, 8), (6, 9, 8)):
            when = to_utc(datetime(2026, 1, 5 + day, hour) + timedelta(days=7 * week), LONDON)
            rows.append((when, int(likes * rng.uniform(0.8, 1.2))))
    for when, likes in rows:
        _p, (t,) = h.publish(db, ws, li, when)
        h.snapshot(db, t, Checkpoint.H24, likes=likes, impressions=0)
    best = besttime.recommend(db, ws, Platform.LINKEDIN, k=1, clock=clock)[0]
    assert (best.weekday, best.hour) == (0, 16)  # Monday 16:00, not the prior's Tuesday
    assert best.measure == "engagement" and best.samples == 16
    assert best.score == pytest.approx(40, rel=0.3)
    assert "engagements per post" in besttime.describe_score(best)
