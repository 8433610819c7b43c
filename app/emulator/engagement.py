"""Simulated engagement: how many impressions, likes, shares and comments a post has "now".

A post's final reach and its engagement rate depend on when it was published, through a
per-platform hour-of-week profile w (168 weights, index = weekday * 24 + hour, Monday = 0,
in the audience time zone): impressions ∝ (0.4 + 0.6·w) and interactions ∝ impressions · w,
so both reach and engagement per impression peak at the profile's top hours.
Each profile is a broad, plausible shape (at most 0.6) plus three distinct peak cells (1.0,
0.93, 0.86) so that a recommender can recover the top three hours even through the noise
(each post's reach is scaled by a factor in [0.85, 1.15], so a peak post always beats an
off-peak one).

Growth follows a saturating curve of the post's age t (hours)::

    frac(t) = 0.85 * (1 - exp(-t / 6)) + 0.15 * (1 - exp(-t / 72))

about 88 % reached by 24 h and 98 % by 7 days. Every metric is
``floor(final * frac(age))``, a pure function of (post id, seed, created time, now): moving
the emulator clock forward makes metrics grow, never shrink.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.emulator.names import Network

PEAK_WEIGHTS = (1.0, 0.93, 0.86)
AUDIENCE_FLOOR = 0.4  # share of a peak hour's reach that a post gets at a dead hour
BASE_MAX = 0.6

# (day factors Mon..Sun, {hour: factor} for the hour-of-day shape, three (weekday, hour) peaks)
_SHAPES: dict[Network, tuple[tuple[float, ...], dict[int, float], tuple[tuple[int, int], ...]]] = {
    Network.TWITTER: (
        (0.9, 1.0, 1.0, 0.95, 0.85, 0.55, 0.5),
        {7: 0.7, 8: 1.0, 9: 0.75, 12: 0.7, 17: 0.75, 18: 0.95, 19: 1.0, 20: 0.9, 21: 0.6},
        ((1, 18), (2, 8), (3, 19)),
    ),
    Network.INSTAGRAM: (
        (0.75, 0.8, 0.85, 0.85, 0.9, 1.0, 1.0),
        {10: 0.6, 11: 0.7, 12: 0.6, 18: 0.7, 19: 0.9, 20: 1.0, 21: 0.9, 22: 0.6},
        ((5, 11), (2, 20), (6, 10)),
    ),
    Network.LINKEDIN: (
        (0.8, 1.0, 1.0, 0.95, 0.7, 0.25, 0.2),
        {7: 0.6, 8: 1.0, 9: 1.0, 10: 0.85, 11: 0.65, 12: 0.7, 13: 0.6, 17: 0.45},
        ((1, 8), (2, 9), (3, 8)),
    ),
    Network.MASTODON: (
        (0.9, 1.0, 1.0, 0.95, 0.9, 0.7, 0.7),
        {8: 0.7, 9: 0.9, 10: 1.0, 11: 0.8, 14: 0.7, 15: 0.75, 19: 0.8, 20: 0.9, 21: 0.7},
        ((0, 20), (2, 10), (3, 21)),
    ),
    Network.FACEBOOK: (
        (0.8, 0.85, 1.0, 1.0, 0.95, 0.7, 0.65),
        {9: 0.6, 11: 0.7, 12: 0.8, 13: 1.0, 14: 1.0, 15: 0.95, 16: 0.7, 19: 0.6},
        ((2, 13), (3, 14), (4, 15)),
    ),
    Network.BLUESKY: (
        (0.85, 0.95, 1.0, 1.0, 0.9, 0.7, 0.75),
        {8: 0.7, 9: 0.9, 10: 0.8, 12: 0.7, 17: 0.7, 19: 0.9, 20: 1.0, 21: 0.85, 22: 0.6},
        ((1, 21), (4, 9), (6, 20)),
    ),
    # Threads: the emulator's own guess (no published audience data), evenings and lunch
    Network.THREADS: (
        (0.85, 0.9, 0.95, 0.95, 0.9, 0.8, 0.8),
        {8: 0.6, 12: 0.8, 13: 0.7, 18: 0.8, 19: 0.9, 20: 1.0, 21: 0.85},
        ((1, 20), (3, 12), (2, 19)),
    ),
}

# Final expected counts for a post at weight 1.0.
_SCALE: dict[Network, dict[str, float]] = {
    Network.TWITTER: {"impressions": 2400, "likes": 96, "shares": 18, "comments": 9, "clicks": 30},
    Network.INSTAGRAM: {
        "impressions": 1800,
        "likes": 140,
        "shares": 12,
        "comments": 14,
        "clicks": 0,
    },
    Network.LINKEDIN: {
        "impressions": 1500,
        "likes": 45,
        "shares": 6,
        "comments": 8,
        "clicks": 40,
    },
    # The model's reach; the emulated Mastodon API, like the real one, reports no views.
    Network.MASTODON: {"impressions": 900, "likes": 30, "shares": 9, "comments": 5, "clicks": 0},
    Network.FACEBOOK: {"impressions": 1100, "likes": 40, "shares": 7, "comments": 6, "clicks": 25},
    # Bluesky counts no impressions; Herald never reads them there
    Network.BLUESKY: {"impressions": 900, "likes": 60, "shares": 12, "comments": 7, "clicks": 0},
    Network.THREADS: {"impressions": 900, "likes": 55, "shares": 9, "comments": 11, "clicks": 4},
}
METRICS = ("impressions", "likes", "shares", "comments", "clicks")


def _smooth_hours(points: dict[int, float]) -> list[float]:
    """24 hour-of-day factors: each listed hour's factor, spread +-1 h, floor 0.15 at night."""
    out = []
    for hour in range(24):
        value = 0.15 if hour < 6 or hour >= 23 else 0.35
        for h, f in points.items():
            value = max(value, f * (1.0 if h == hour else 0.75 if abs(h - hour) == 1 else 0.0))
        out.append(value)
    return out


def build_profile(platform: Network) -> list[float]:
    days, hours, peaks = _SHAPES[platform]
    hour_factors = _smooth_hours(hours)
    raw = [days[d] * hour_factors[h] for d in range(7) for h in range(24)]
    top = max(raw)
    weights = [round(BASE_MAX * v / top, 4) for v in raw]
    for (day, hour), peak in zip(peaks, PEAK_WEIGHTS, strict=True):
        weights[day * 24 + hour] = peak
    return weights


PROFILES: dict[Network, list[float]] = {p: build_profile(p) for p in Network}


def top_hours(weights: list[float], n: int = 3) -> list[list[int]]:
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))[:n]
    return [[i // 24, i % 24] for i in order]


def growth(age_hours: float) -> float:
    if age_hours <= 0:
        return 0.0
    return 0.85 * (1 - math.exp(-age_hours / 6.0)) + 0.15 * (1 - math.exp(-age_hours / 72.0))


def _unit(seed: int, key: str) -> float:
    """A deterministic uniform number in [0, 1) from the seed and a key."""
    digest = hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class EngagementModel:
    seed: int = 0
    audience_tz: str = "America/New_York"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.audience_tz)

    def weight(self, platform: Network, created_at: datetime) -> float:
        local = created_at.astimezone(self.zone)
        return PROFILES[platform][local.weekday() * 24 + local.hour]

    def final(self, platform: Network, post_id: str, created_at: datetime) -> dict[str, float]:
        """The counts a post tends to (a pure function, cached: lookups ask again and again)."""
        return _final(self, platform, post_id, created_at.timestamp())

    def metrics(
        self, platform: Network, post_id: str, created_at: datetime, now: datetime
    ) -> dict[str, int]:
        """impressions, likes, shares, comments, clicks of a post at `now` (0 before it exists)."""
        frac = growth((now - created_at).total_seconds() / 3600.0)
        return {k: int(v * frac) for k, v in self.final(platform, post_id, created_at).items()}

    def describe(self) -> dict[str, Any]:
        return {
            "audience_timezone": self.audience_tz,
            "growth": "0.85*(1-exp(-t/6h)) + 0.15*(1-exp(-t/72h))",
            "platforms": {
                p.value: {"hour_of_week": list(PROFILES[p]), "top": top_hours(PROFILES[p])}
                for p in Network
            },
        }


@functools.lru_cache(maxsize=100_000)
def _final(
    model: EngagementModel, platform: Network, post_id: str, created_ts: float
) -> dict[str, float]:
    w = model.weight(platform, datetime.fromtimestamp(created_ts, UTC))
    reach = 0.85 + 0.3 * _unit(model.seed, f"{platform}:{post_id}:reach")
    # Some audience sees a post at any hour; at the profile's good hours more people see it
    # AND the people who see it interact more, so the engagement *rate* follows the profile.
    seen = (AUDIENCE_FLOOR + (1 - AUDIENCE_FLOOR) * w) * reach
    out = {}
    for metric in METRICS:
        if metric == "impressions":
            out[metric] = _SCALE[platform][metric] * seen
            continue
        noise = 0.8 + 0.4 * _unit(model.seed, f"{platform}:{post_id}:{metric}")
        out[metric] = _SCALE[platform][metric] * seen * w * noise
    return out
