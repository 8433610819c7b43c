"""What the demo posts: the history's days (each platform in 2-4 of the day's slots, some
with a photo) and the coming week (every network with per-network edits, and two drafts)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.core.accounts import AccountInfo
from app.core.clock import FakeClock, SystemClock
from app.core.db import Database
from app.demo.content import TextMaker
from app.demo.timeline import METRIC, POST, Timeline
from app.platforms.names import Platform

if TYPE_CHECKING:
    from app.core.workspaces import WorkspaceInfo

UPCOMING_DAYS = 7
#: posts fall on quarter hours, so their checkpoints share the clock's stops
GRID_MINUTES = 15
#: a bakery's posting day, 07:00-19:00 local: the first post of a pair goes out in one of these
#: hours (weight: how often), the second an hour later. Busiest before opening, at lunch and
#: before closing; the emulator's audience peaks (X 08/18, LinkedIn 08-09, Facebook 13-15,
#: Instagram 10-11) all fall inside, so the best times found from the history mean something.
FIRST_HOURS = {7: 3, 8: 3, 9: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 1, 15: 1, 16: 2, 17: 2, 18: 1}
LAST_POST = wall_time(19, 0)
POSTS_PER_DAY = (2, 4)  # per platform, inclusive
#: the platforms post in the same few slots a day, two pairs an hour apart (fewer stops)
PAIRS_PER_DAY = 2
#: how late a checkpoint may be measured when that saves a stop of the clocks
CHECKPOINT_SLACK = {
    timedelta(hours=1): timedelta(minutes=10),
    timedelta(hours=6): timedelta(minutes=75),
    timedelta(hours=24): timedelta(hours=3),
    timedelta(days=7): timedelta(hours=12),
}
PHOTO_SHARE = {Platform.INSTAGRAM: 1.0, Platform.FACEBOOK: 0.3}
UPCOMING_TIMES = ((8, 30), (12, 0), (17, 30), (19, 15))


class DemoPosting:
    """The posting half of a demo run (app.demo.seed), sharing the run's state: its random
    numbers (one sequence, so a seed gives the same demo), texts, pictures and accounts."""

    db: Database
    clock: FakeClock
    rng: random.Random
    texts: TextMaker
    images: list[Path]
    workspace: WorkspaceInfo
    zone: ZoneInfo
    by_platform: dict[Platform, AccountInfo]

    def write_day(self, slots: list[datetime], timeline: Timeline) -> int:
        """The day's posts, each platform posting in 2-4 of its slots, written in one
        transaction as one batch (`create_many`: checked like `create`, stored with bulk
        INSERTs); their publish times and checkpoints go on the timeline."""
        from app.core.posts import PostDraft, PostService

        service = PostService(self.db, self.clock)
        now = self.clock.now()
        slots = [t for t in slots if now < t < timeline.end]
        plan = []
        for platform, account in self.by_platform.items():
            count = min(len(slots), self.rng.randint(*POSTS_PER_DAY))
            plan += [(when, platform, account.id) for when in self.rng.sample(slots, count)]
        plan.sort()
        drafts = [
            PostDraft(
                self.texts.text(platform),
                [account_id],
                media_paths=self._photos(platform),
                scheduled_local=when,
                action="schedule",
            )
            for when, platform, account_id in plan
        ]
        with self.db.session() as s:
            service.create_many(s, self.workspace.id, drafts)
            s.commit()
        for when in {when for when, _, _ in plan}:
            timeline.add(when, POST)
            for delay, slack in CHECKPOINT_SLACK.items():
                timeline.add(when + delay, METRIC, slack=slack)
        return len(plan)

    def _slots(self, day: date) -> list[datetime]:
        """The day's posting times: pairs an hour apart at varied hours of the bakery's day
        (07:00-19:00 local), so an hour-old post is measured when the next one goes out."""
        slots: set[datetime] = set()
        for _ in range(PAIRS_PER_DAY):
            hour = self.rng.choices(list(FIRST_HOURS), weights=list(FIRST_HOURS.values()))[0]
            minute = self.rng.randrange(0, 60, GRID_MINUTES)
            if hour + 1 >= LAST_POST.hour:
                minute = 0  # the pair's second post at 19:00 at the latest
            local = datetime.combine(day, wall_time(hour, minute), tzinfo=self.zone)
            first = local.astimezone(UTC)
            slots.update((first, first + timedelta(hours=1)))
        return sorted(slots)

    def _photos(self, platform: Platform) -> list[Path]:
        if self.rng.random() < PHOTO_SHARE.get(platform, 0.0):
            return [self.rng.choice(self.images)]
        return []

    # -------------------------------------------------------- the coming week

    def upcoming(self, real_now: datetime) -> tuple[int, int]:
        """Posts scheduled from the real now on (the scheduler publishes them when due), some
        for every network with per-network edits, and two drafts."""
        from app.core.posts import PostService

        service = PostService(self.db, SystemClock())
        acc = self.by_platform
        everywhere = [acc[p].id for p in Platform]
        today = real_now.astimezone(self.zone).date()
        earliest = datetime.now(UTC) + timedelta(minutes=10)
        count = 0
        with self.db.session() as s:
            for offset in range(UPCOMING_DAYS + 1):
                day = today + timedelta(days=offset)
                picks = self.rng.sample(UPCOMING_TIMES, 2)
                for n, (hour, minute) in enumerate(sorted(picks)):
                    local = datetime.combine(day, wall_time(hour, minute), tzinfo=self.zone)
                    when = local.astimezone(UTC)
                    if when < earliest or (offset == UPCOMING_DAYS and n > 0):
                        continue  # past already; the last day gets one post
                    if (offset + n) % 2 == 0:
                        service.create_in(
                            s,
                            self.workspace.id,
                            self.texts.text(Platform.FACEBOOK),
                            everywhere,
                            overrides={
                                acc[Platform.TWITTER].id: self.texts.text(Platform.TWITTER),
                                acc[Platform.INSTAGRAM].id: self.texts.text(Platform.INSTAGRAM),
                            },
                            media_paths=[self.rng.choice(self.images)],
                            scheduled_local=when,
                            action="schedule",
                        )
                    else:
                        platform = self.rng.choice((Platform.TWITTER, Platform.LINKEDIN))
                        service.create_in(
                            s,
                            self.workspace.id,
                            self.texts.text(platform),
                            [acc[platform].id],
                            scheduled_local=when,
                            action="schedule",
                        )
                    count += 1
            for platform in (Platform.LINKEDIN, Platform.TWITTER):
                service.create_in(
                    s, self.workspace.id, self.texts.text(platform), [acc[platform].id]
                )
            s.commit()
        from app.demo.formats import schedule_formats  # a thread and a first comment

        count += schedule_formats(self.db, self.workspace.id, acc, self.zone, today)
        return count, 2
