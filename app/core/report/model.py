"""What a client report says: plain frozen values, filled by `gather` and drawn by the PDF
renderer (no Qt, no database here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.core.analytics.scoring import Slot
from app.platforms.names import Platform


@dataclass(frozen=True)
class NetworkFigures:
    """One network's published posts in the period and their latest figures."""

    platform: Platform
    published: int  # published posts (targets), measured or not yet
    measured: int  # of which have figures
    impressions: int | None  # None: the network does not report them
    likes: int
    shares: int
    comments: int
    rate: float | None  # mean engagement rate of the posts; None without impressions

    @property
    def engagement(self) -> int:
        return self.likes + self.shares + self.comments

    @property
    def label(self) -> str:
        return self.platform.label


@dataclass(frozen=True)
class BestPlatform:
    platform: Platform
    why: str  # one or two sentences, in words


@dataclass(frozen=True)
class BestTimesMap:
    """A network's 7 x 24 best-time scores, as the Best times view colours them."""

    platform: Platform
    measure: str  # "rate", or "engagement" (per post) where impressions are not reported
    scores: tuple[float, ...]  # 168, index = weekday * 24 + hour (Monday 0)
    samples: tuple[int, ...]  # the workspace's own posts behind each hour (12 months)
    own_posts: int  # the workspace's posts behind the whole map
    top: tuple[Slot, ...]  # the three recommended hours, best first
    basis: str  # where the scores come from, honestly: own data vs the typical week

    @property
    def from_prior_only(self) -> bool:
        return self.own_posts == 0


@dataclass(frozen=True)
class TopPostRow:
    post_id: int
    excerpt: str
    networks: tuple[Platform, ...]
    published_local: datetime  # first publication, in the workspace's zone
    engagement: int
    impressions: int | None  # None: none of its networks report impressions
    rate: float | None


@dataclass(frozen=True)
class ClientReport:
    workspace_id: int
    workspace: str
    zone: str
    first: date  # the period, both days included, in the workspace's zone
    last: date
    start: datetime  # the period as UTC instants: [start, end)
    end: datetime
    generated_at: datetime  # UTC
    filters: str  # "" or what the figures were limited to ("X only; 2 accounts")
    published: int
    measured: int
    impressions: int | None  # summed over the networks that report them; None: none does
    engagement: int
    rate: float | None  # engagements / impressions on the networks that report both
    networks: tuple[NetworkFigures, ...]
    best: BestPlatform | None
    best_times: tuple[BestTimesMap, ...]
    top_posts: tuple[TopPostRow, ...]

    @property
    def empty(self) -> bool:
        return self.published == 0

    @property
    def empty_message(self) -> str:
        return (
            f"No posts were published in {self.workspace} between {self.first:%d %b %Y} "
            f"and {self.last:%d %b %Y}."
        )
