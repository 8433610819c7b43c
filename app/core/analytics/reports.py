"""What the analytics aggregates answer: plain frozen values for the dashboard, the best-time
recommender and reports (see app.core.analytics.aggregates for how they are computed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.analytics.engagement import engagement, engagement_rate
from app.core.analytics.selection import Scope
from app.core.models import Checkpoint
from app.platforms.names import Platform

BUCKETS = 168
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Heatmap:
    """Average engagement rate per hour of the week (index = weekday * 24 + hour, Monday 0),
    from each post's 24 h snapshot (or its latest when the 24 h one is missing).

    `measure` is "rate" (engagement / impressions) unless most of the platform's posts report
    no impressions at all (LinkedIn personal profiles: the API gives likes and comments
    only); then it is "engagement" (likes + shares + comments per post), so those accounts
    still get their own best times."""

    platform: Platform
    zone: str
    means: tuple[float | None, ...]
    counts: tuple[int, ...]
    stds: tuple[float | None, ...]  # sample standard deviation of the values (n >= 2)
    measure: str = "rate"

    @property
    def samples(self) -> int:
        return sum(self.counts)

    def mean(self, weekday: int, hour: int) -> float | None:
        return self.means[weekday * 24 + hour]

    def count(self, weekday: int, hour: int) -> int:
        return self.counts[weekday * 24 + hour]

    @classmethod
    def empty(cls, platform: Platform, zone: str) -> Heatmap:
        return cls(platform, zone, (None,) * BUCKETS, (0,) * BUCKETS, (None,) * BUCKETS)


@dataclass(frozen=True)
class PlatformTotals:
    platform: Platform
    posts: int  # measured posts (published, with at least one snapshot)
    impressions: int
    likes: int
    shares: int
    comments: int
    avg_rate: float | None  # mean of the posts' engagement rates
    published: int = 0  # published posts, measured or not yet
    # False when measured posts exist but the platform reported impressions for none of them
    # (it refused the metric): Analytics says "not reported by <platform>", not 0.
    impressions_reported: bool = True

    @property
    def engagement(self) -> int:
        return engagement(self.likes, self.shares, self.comments)


@dataclass(frozen=True)
class ReachComparison:
    week_start: datetime  # this week's Monday 00:00 in the workspace zone (UTC instant)
    this_week: int  # impressions of posts published this week, so far
    last_week: int  # impressions of posts published in the same span one week earlier

    @property
    def change(self) -> float | None:
        """Relative change (0.25 = +25 %), None when last week had no reach."""
        if self.last_week <= 0:
            return None
        return (self.this_week - self.last_week) / self.last_week


@dataclass(frozen=True)
class TopPost:
    post_id: int
    text: str
    first_published_at: datetime
    engagement: int
    impressions: int
    platforms: tuple[Platform, ...]


@dataclass(frozen=True)
class WorkspaceSummary:
    workspace_id: int
    zone: str
    scope: Scope
    published: int  # published targets in scope
    measured: int  # of which have at least one snapshot
    reach: ReachComparison
    platforms: list[PlatformTotals]
    best_platform: Platform | None
    heatmaps: dict[Platform, Heatmap]
    top_posts: list[TopPost]


@dataclass(frozen=True)
class SnapshotPoint:
    checkpoint: Checkpoint
    fetched_at: datetime
    likes: int
    shares: int
    comments: int
    impressions: int | None  # None: not reported by the platform

    @property
    def engagement(self) -> int:
        return engagement(self.likes, self.shares, self.comments)

    @property
    def rate(self) -> float | None:
        return engagement_rate(self.likes, self.shares, self.comments, self.impressions)


@dataclass(frozen=True)
class TargetReport:
    target_id: int
    platform: Platform
    handle: str
    published_at: datetime | None
    points: list[SnapshotPoint] = field(default_factory=list)  # in fetch order

    @property
    def latest(self) -> SnapshotPoint | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class PostReport:
    post_id: int
    text: str
    targets: list[TargetReport]

    @property
    def most_engaged(self) -> Platform | None:
        """The platform whose latest numbers have the most engagement (None without data)."""
        best = max(
            (t for t in self.targets if t.latest is not None),
            key=lambda t: (t.latest.engagement if t.latest else -1, -t.target_id),
            default=None,
        )
        return best.platform if best is not None else None
