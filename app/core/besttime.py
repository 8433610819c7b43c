"""Best times to post, per workspace and platform (see docs/besttime.md).

- `recompute(db, workspace_id=None, clock=...)`: score every workspace x platform from the
  last year of published posts (24 h checkpoint, else the latest) and cache the result in
  `recommendation_cache`. Run by the maintenance job and on demand.
- `recommend(db, workspace_id, platform, k=3)`: the top slots, read from the cache (one
  primary-key read); computed on a miss, when the workspace's zone changed, or when the cache
  is older than MAX_AGE.
- `suggest_times(...)`: the next occurrences of the top slots for the composer's "Suggest a
  time", with the best compromise for several platforms, explained.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from app.core.analytics.aggregates import heatmaps, workspace_zone
from app.core.analytics.priors import load_priors
from app.core.analytics.scoring import Profile, Slot, score_profile
from app.core.analytics.selection import Scope
from app.core.clock import Clock, SystemClock
from app.core.db import Database
from app.core.models import RecommendationCache, Workspace
from app.core.timeutil import NonexistentTimeError, from_utc, to_utc
from app.platforms.names import Platform

log = logging.getLogger(__name__)
#: PostgreSQL's insufficient_privilege: a viewer's or approver's login may not write
READ_ONLY_STATE = "42501"

__all__ = [
    "LOOKBACK",
    "BestTimes",
    "Profile",
    "Slot",
    "Suggestion",
    "describe_score",
    "next_occurrence",
    "parse_platform",
    "profiles",
    "recommend",
    "recompute",
    "suggest_times",
]

LOOKBACK = timedelta(days=365)
MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class Suggestion:
    when_utc: datetime
    label: str  # e.g. "Tue 13 Jan, 09:00" in the zone asked for
    explanation: str


def parse_platform(text: str) -> Platform:
    """A network's name or display name, any case -> Platform; ValueError naming the choices."""
    return Platform.parse(text)


# ------------------------------------------------------------------ computing and caching


def _compute(
    db: Database, workspace_id: int, zone: str, now: datetime, platforms: Sequence[Platform]
) -> dict[Platform, Profile]:
    scope = Scope(workspace_id, now - LOOKBACK, now + timedelta(seconds=1), tuple(platforms))
    maps = heatmaps(db, scope, zone)
    priors = load_priors()
    return {p: score_profile(maps[p], priors[p], now) for p in platforms}


def _store(db: Database, workspace_id: int, computed: dict[Platform, Profile]) -> None:
    with db.session() as s:
        for platform, profile in computed.items():
            row = s.get(RecommendationCache, (workspace_id, platform))
            if row is None:
                s.add(
                    RecommendationCache(
                        workspace_id=workspace_id,
                        platform=platform,
                        computed_at=profile.computed_at,
                        payload=profile.to_payload(),
                    )
                )
            else:
                row.computed_at = profile.computed_at
                row.payload = profile.to_payload()
        s.commit()


def _store_if_allowed(db: Database, workspace_id: int, computed: dict[Platform, Profile]) -> None:
    """Cache what was computed, unless this login may only read (a viewer or an approver on
    PostgreSQL, issue 23): they still get the answer, the workers' maintenance caches it."""
    try:
        _store(db, workspace_id, computed)
    except StaleDataError:  # row-level security let it read the row, not update it
        log.info("best times computed but not cached: this database login may only read")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != READ_ONLY_STATE:
            raise
        log.info("best times computed but not cached: this database login may only read")


def recompute(
    db: Database, workspace_id: int | None = None, clock: Clock | None = None
) -> dict[tuple[int, Platform], Profile]:
    """Recompute and cache every platform of one workspace (or of all workspaces)."""
    now = (clock or SystemClock()).now()
    with db.session() as s:
        q = select(Workspace.id, Workspace.timezone).order_by(Workspace.id)
        if workspace_id is not None:
            q = q.where(Workspace.id == workspace_id)
        workspaces = s.execute(q).all()
    if workspace_id is not None and not workspaces:
        raise ValueError(f"No workspace with id {workspace_id}.")
    out: dict[tuple[int, Platform], Profile] = {}
    for ws_id, zone in workspaces:
        computed = _compute(db, ws_id, zone, now, tuple(Platform))
        _store(db, ws_id, computed)
        out.update({(ws_id, p): prof for p, prof in computed.items()})
    return out


def profiles(
    db: Database,
    workspace_id: int,
    platforms: Sequence[Platform],
    clock: Clock | None = None,
) -> dict[Platform, Profile]:
    """Cached profiles, recomputed (and re-cached) where missing, stale or for another zone."""
    now = (clock or SystemClock()).now()
    wanted = [Platform(p) for p in platforms]
    zone = workspace_zone(db, workspace_id)
    found: dict[Platform, Profile] = {}
    with db.session() as s:
        rows = s.execute(
            select(
                RecommendationCache.platform,
                RecommendationCache.computed_at,
                RecommendationCache.payload,
            ).where(
                RecommendationCache.workspace_id == workspace_id,
                RecommendationCache.platform.in_(wanted),
            )
        ).all()
    for platform, computed_at, payload in rows:
        prof = Profile.from_payload(Platform(platform), computed_at, payload)
        fresh = computed_at <= now and now - computed_at <= MAX_AGE
        if prof is not None and prof.zone == zone and fresh:
            found[prof.platform] = prof
    missing = [p for p in wanted if p not in found]
    if missing:
        computed = _compute(db, workspace_id, zone, now, missing)
        _store_if_allowed(db, workspace_id, computed)
        found.update(computed)
    return {p: found[p] for p in wanted}


def recommend(
    db: Database,
    workspace_id: int,
    platform: Platform | str,
    k: int = 3,
    clock: Clock | None = None,
) -> list[Slot]:
    """The best `k` hours of the week for this workspace and platform, best first."""
    p = parse_platform(platform) if isinstance(platform, str) else Platform(platform)
    return profiles(db, workspace_id, [p], clock)[p].top(k)


# ------------------------------------------------------------------ suggestions


def next_occurrence(weekday: int, hour: int, zone: str, after_utc: datetime) -> datetime:
    """The first instant strictly after `after_utc` that is `weekday` `hour`:00 in `zone`.

    An hour skipped by a DST change moves to the first valid time after it; an hour that
    happens twice takes its first occurrence."""
    local = from_utc(after_utc, zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    for week in range(3):
        wall = datetime(day.year, day.month, day.day, hour) + timedelta(days=7 * week)  # noqa: DTZ001 a wall time in the zone, made aware by to_utc
        try:
            when = to_utc(wall, zone, fold=0)
        except NonexistentTimeError as gap:
            when = to_utc(gap.next_valid, zone, fold=0)
        if when > after_utc:
            return when
    raise AssertionError("unreachable: a weekly slot always occurs within three weeks")


def _label(when: datetime, zone: str) -> str:
    local = from_utc(when, zone)
    return f"{local:%a %d %b, %H:%M}"


def describe_score(slot: Slot) -> str:
    """ "5.1% engagement rate", or "14.2 engagements per post" when impressions are unknown."""
    if slot.measure == "engagement":
        return f"{slot.score:.1f} engagements per post"
    return f"{slot.score * 100:.1f}% engagement rate"


def _single(profile: Profile, slot: Slot) -> str:
    name = profile.platform.label
    rank = profile.ranking().index(slot.bucket) + 1
    if slot.samples == 0:
        return (
            f"{name}: {slot.label} is #{rank} in the typical {name} week "
            f"(no posts of yours at this hour yet; low confidence)."
        )
    posts = "post" if slot.samples == 1 else "posts"
    return (
        f"{name}: {slot.label} is your #{rank} hour, expected {describe_score(slot)} "
        f"from {slot.samples} {posts} ({slot.confidence} confidence)."
    )


def suggest_times(
    db: Database,
    workspace_id: int,
    platforms: Sequence[Platform | str],
    zone: str,
    after_utc: datetime,
    k: int = 3,
    clock: Clock | None = None,
) -> list[Suggestion]:
    """Next occurrences of the best slots for the selected platforms, best first.

    One platform: its top `k` slots. Several: the slots with the best average of each
    platform's score relative to that platform's best hour (every platform counts the same,
    whatever its usual engagement level), each explained per platform. Times are computed
    in the workspace's zone (where the slots are defined) and labelled in `zone`."""
    chosen = list(
        dict.fromkeys(parse_platform(p) if isinstance(p, str) else Platform(p) for p in platforms)
    )
    if not chosen or k <= 0:
        return []
    ws_zone = workspace_zone(db, workspace_id)
    profs = profiles(db, workspace_id, chosen, clock)
    if len(chosen) == 1:
        prof = profs[chosen[0]]
        out = []
        for slot in prof.top(k):
            when = next_occurrence(slot.weekday, slot.hour, ws_zone, after_utc)
            out.append(Suggestion(when, _label(when, zone), _single(prof, slot)))
        return out
    best = {p: max(profs[p].scores) or 1.0 for p in chosen}
    combined = [sum(profs[p].scores[b] / best[p] for p in chosen) / len(chosen) for b in range(168)]
    order = sorted(range(168), key=lambda b: (-combined[b], b))[:k]
    names = " and ".join([", ".join(p.label for p in chosen[:-1]), chosen[-1].label])
    out = []
    for b in order:
        when = next_occurrence(b // 24, b % 24, ws_zone, after_utc)
        parts = []
        for p in chosen:
            prof = profs[p]
            rank = prof.ranking().index(b) + 1
            parts.append(
                f"{p.label} #{rank} ({prof.scores[b] / best[p]:.0%} of its best hour, "
                f"{prof.confidences[b]} confidence)"
            )
        slot_label = profs[chosen[0]].slot(b).label
        explanation = (
            f"Best compromise for {names}: {slot_label} scores {combined[b]:.0%} of each "
            f"platform's best hour on average — " + "; ".join(parts) + "."
        )
        out.append(Suggestion(when, _label(when, zone), explanation))
    return out


class BestTimes:
    """`suggest_times` bound to one database and clock: what a view is handed to offer
    "Suggest a time" without holding the database itself."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()

    def suggest(
        self, workspace_id: int, platforms: Sequence[Platform | str], zone: str, *, k: int = 3
    ) -> list[Suggestion]:
        """The next best slots from now for the chosen networks, labelled in `zone`."""
        return suggest_times(
            self.db, workspace_id, platforms, zone, self.clock.now(), k=k, clock=self.clock
        )
