"""Best-time scores: empirical-Bayes shrinkage of each hour-of-week bucket toward the prior.

Pure functions of a Heatmap and a Prior (no database); docs/besttime.md explains every
constant below. In short, for bucket b with n_b posts of mean engagement rate m_b:

    prior_b = w_b * scale                       (w_b: the platform's cold-start weight)
    scale   = sum(n_b * m_b) / sum(n_b * w_b)   (the user's level at the hours they posted;
                                                 typical_rate / mean(w) with no data)
    k       = sigma^2 / tau^2, clamped to [K_MIN, K_MAX]  (K_DEFAULT when not estimable)
    score_b = (n_b * m_b + k * prior_b) / (n_b + k)

sigma^2 is the pooled within-bucket variance of post rates (noise), tau^2 the variance of
the buckets' true means around the prior (signal), by the method of moments weighted by
posts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from app.core.analytics.aggregates import BUCKETS, WEEKDAYS, Heatmap
from app.core.analytics.priors import Prior
from app.platforms.names import Platform

Confidence = Literal["low", "medium", "high"]

K_DEFAULT = 10.0  # prior strength in posts when the data cannot tell
K_MIN = 2.0
K_MAX = 50.0
MIN_BUCKETS_FOR_K = 3  # buckets with posts needed to estimate k from the data

HIGH_MIN_POSTS, HIGH_MIN_WEIGHT, HIGH_MAX_RSE = 12, 0.5, 0.10
MEDIUM_MIN_POSTS, MEDIUM_MIN_WEIGHT, MEDIUM_MAX_RSE = 5, 0.25, 0.20
PSEUDO_VARIANCE_POSTS = 2  # how many posts' worth of the pooled variance a bucket's spread gets

PAYLOAD_FORMAT = 1


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 = Monday
    hour: int  # 0..23 in the workspace's time zone
    score: float  # shrunk engagement rate (0.05 = 5 %); engagements per post if measure says
    confidence: Confidence
    samples: int  # posts behind it
    measure: str = "rate"  # "engagement" for platforms whose posts report no impressions

    @property
    def bucket(self) -> int:
        return self.weekday * 24 + self.hour

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"


@dataclass(frozen=True)
class Profile:
    """Scores for all 168 buckets of one workspace and platform."""

    platform: Platform
    zone: str
    computed_at: datetime
    k: float
    scale: float
    posts: int
    scores: tuple[float, ...]
    samples: tuple[int, ...]
    means: tuple[float | None, ...]
    confidences: tuple[Confidence, ...]
    measure: str = "rate"

    @property
    def source(self) -> str:
        return "prior" if self.posts == 0 else "data"

    def slot(self, bucket: int) -> Slot:
        return Slot(
            bucket // 24,
            bucket % 24,
            self.scores[bucket],
            self.confidences[bucket],
            self.samples[bucket],
            self.measure,
        )

    def ranking(self) -> list[int]:
        """Buckets best first: score, then more posts, then earlier in the week."""
        return sorted(range(BUCKETS), key=lambda b: (-self.scores[b], -self.samples[b], b))

    def top(self, k: int = 3) -> list[Slot]:
        return [self.slot(b) for b in self.ranking()[: max(0, k)]]

    def to_payload(self) -> dict[str, Any]:
        return {
            "format": PAYLOAD_FORMAT,
            "zone": self.zone,
            "k": self.k,
            "scale": self.scale,
            "posts": self.posts,
            "measure": self.measure,
            "scores": list(self.scores),
            "samples": list(self.samples),
            "means": list(self.means),
            "confidence": list(self.confidences),
            "top": [
                {
                    "weekday": s.weekday,
                    "hour": s.hour,
                    "score": s.score,
                    "confidence": s.confidence,
                    "samples": s.samples,
                }
                for s in self.top(3)
            ],
        }

    @classmethod
    def from_payload(
        cls, platform: Platform, computed_at: datetime, payload: dict[str, Any]
    ) -> Profile | None:
        """None when the payload is from another format (recompute instead)."""
        try:
            if payload.get("format") != PAYLOAD_FORMAT:
                return None
            return cls(
                platform=Platform(platform),
                zone=str(payload["zone"]),
                computed_at=computed_at,
                k=float(payload["k"]),
                scale=float(payload["scale"]),
                posts=int(payload["posts"]),
                measure=str(payload.get("measure", "rate")),
                scores=tuple(float(v) for v in payload["scores"]),
                samples=tuple(int(v) for v in payload["samples"]),
                means=tuple(None if v is None else float(v) for v in payload["means"]),
                confidences=tuple(payload["confidence"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def pooled_variance(counts: Sequence[int], stds: Sequence[float | None]) -> float | None:
    num = den = 0.0
    for n, sd in zip(counts, stds, strict=True):
        if n >= 2 and sd is not None:
            num += (n - 1) * sd * sd
            den += n - 1
    return num / den if den > 0 else None


def prior_strength(
    counts: Sequence[int],
    means: Sequence[float | None],
    prior: Sequence[float],
    sigma2: float | None,
) -> float:
    """k = sigma^2 / tau^2, clamped; K_DEFAULT when not estimable.

    tau^2 by the method of moments, each bucket weighted by its posts:
    E[sum n_b (m_b - p_b)^2] = N tau^2 + B sigma^2 (B buckets with posts, N posts), so one
    lucky bucket with two posts cannot make the data look more varied than it is."""
    used = [
        (n, m, p) for n, m, p in zip(counts, means, prior, strict=True) if n > 0 and m is not None
    ]
    if sigma2 is None or len(used) < MIN_BUCKETS_FOR_K:
        return K_DEFAULT
    total = sum(n for n, _m, _p in used)
    tau2 = (sum(n * (m - p) ** 2 for n, m, p in used) - len(used) * sigma2) / total
    if tau2 <= 0:
        return K_MAX
    return min(K_MAX, max(K_MIN, sigma2 / tau2))


def confidence(
    n: int, k: float, score: float, sd: float | None, sigma2: float | None
) -> Confidence:
    """How far to trust a bucket's score (see docs/besttime.md, "Confidence")."""
    if n <= 0 or score <= 0:
        return "low"
    pooled = sigma2 if sigma2 is not None else (sd * sd if sd is not None else None)
    if pooled is None:
        return "low"
    own = (n - 1) * sd * sd if (sd is not None and n >= 2) else 0.0
    spread = math.sqrt(
        (own + PSEUDO_VARIANCE_POSTS * pooled) / (max(n - 1, 0) + PSEUDO_VARIANCE_POSTS)
    )
    rse = spread / math.sqrt(n) / score
    weight = n / (n + k)
    if n >= HIGH_MIN_POSTS and weight >= HIGH_MIN_WEIGHT and rse <= HIGH_MAX_RSE:
        return "high"
    if n >= MEDIUM_MIN_POSTS and weight >= MEDIUM_MIN_WEIGHT and rse <= MEDIUM_MAX_RSE:
        return "medium"
    return "low"


def score_profile(heatmap: Heatmap, prior: Prior, computed_at: datetime) -> Profile:
    counts, means, stds = heatmap.counts, heatmap.means, heatmap.stds
    weights = prior.weights
    total = sum(counts)
    level = sum(n * m for n, m in zip(counts, means, strict=True) if n and m is not None)
    at_hours = sum(n * w for n, w in zip(counts, weights, strict=True) if n)
    if total > 0 and at_hours > 0 and level > 0:
        scale = level / at_hours
    else:
        scale = prior.typical_rate / prior.mean_weight
    prior_rates = [w * scale for w in weights]
    sigma2 = pooled_variance(counts, stds)
    k = prior_strength(counts, means, prior_rates, sigma2)
    scores: list[float] = []
    levels: list[Confidence] = []
    for b in range(BUCKETS):
        n, m = counts[b], means[b]
        s = prior_rates[b] if not n or m is None else (n * m + k * prior_rates[b]) / (n + k)
        scores.append(s)
        levels.append(confidence(n, k, s, stds[b], sigma2))
    return Profile(
        platform=heatmap.platform,
        zone=heatmap.zone,
        computed_at=computed_at,
        k=k,
        scale=scale,
        posts=total,
        scores=tuple(scores),
        samples=tuple(counts),
        means=tuple(means),
        confidences=tuple(levels),
        measure=heatmap.measure if total else "rate",
    )
