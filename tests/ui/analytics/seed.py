"""A workspace with weeks of measured posts on every platform, for the UI tests and the
screenshots (bulk inserts: fast)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert

from app.core.db import Database
from app.core.models import AnalyticsSnapshot, Checkpoint, Post, PostStatus, Target, TargetStatus
from app.core.timeutil import to_utc
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

# Per platform: (hours of the week that do twice as well, base engagement rate)
PATTERNS = {
    Platform.TWITTER: ({(1, 8), (2, 8), (3, 18)}, 0.03),
    Platform.INSTAGRAM: ({(5, 11), (2, 20), (6, 10)}, 0.07),
    Platform.LINKEDIN: ({(1, 9), (2, 9), (3, 8)}, 0.035),
    Platform.FACEBOOK: ({(2, 13), (3, 14)}, 0.04),
    Platform.BLUESKY: ({(1, 20), (3, 21)}, 0.03),
    Platform("MASTODON"): ({(0, 20), (2, 10), (3, 21)}, 0.03),
    Platform.THREADS: ({(1, 20), (3, 12)}, 0.05),
}
#: networks that report no impressions (Bluesky, Mastodon): their snapshots have none
NO_IMPRESSIONS = {Platform.BLUESKY, Platform("MASTODON")}
TEXTS = [
    "Sourdough is back on the shelves this morning",
    "Meet Ana, our new pastry chef",
    "Weekend special: cinnamon knots, two for one",
    "Behind the scenes: 4 a.m. at the bakery",
    "Gluten-free loaves now every Thursday",
    "Thank you for 1,000 followers!",
]
CHECKPOINTS = (
    (Checkpoint.H1, timedelta(hours=1), 0.45),
    (Checkpoint.H6, timedelta(hours=6), 0.8),
    (Checkpoint.H24, timedelta(hours=24), 0.92),
    (Checkpoint.D7, timedelta(days=7), 1.0),
)


def seed_dashboard(
    db: Database, now: datetime, zone: str = "Europe/London", weeks: int = 12
) -> dict:
    """Two posts a day per platform at daytime hours for `weeks` weeks before `now`, each
    with the snapshots its age allows. Returns the workspace, accounts and post ids."""
    shared = random.Random(5)
    # Threads draws from its own stream, so the other networks' seeded posts stay as they were.
    own = random.Random(19)
    ws = h.workspace(db, name="Corner Bakery", zone=zone)
    accounts = {p: h.account(db, ws, p) for p in Platform}
    first_day = (now - timedelta(weeks=weeks)).date()
    posts: list[int] = []
    snaps: list[dict] = []
    with db.engine.begin() as conn:
        for d in range(weeks * 7):
            day = first_day + timedelta(days=d)
            for platform, (peaks, base) in PATTERNS.items():
                rng = own if platform == Platform.THREADS else shared
                for hour in sorted(rng.sample(range(7, 22), 2)):
                    when = to_utc(datetime(day.year, day.month, day.day, hour), zone, fold=0)
                    if when > now - timedelta(hours=2):
                        continue
                    text = rng.choice(TEXTS)
                    post_id = conn.execute(
                        insert(Post)
                        .values(
                            workspace_id=ws,
                            base_text=text,
                            scheduled_at=when,
                            scheduled_tz=zone,
                            status=PostStatus.PUBLISHED,
                            created_at=when,
                            updated_at=when,
                        )
                        .returning(Post.id)
                    ).scalar_one()
                    target_id = conn.execute(
                        insert(Target)
                        .values(
                            post_id=post_id,
                            account_id=accounts[platform],
                            status=TargetStatus.PUBLISHED,
                            attempts=1,
                            idempotency_key=f"seed-{post_id}",
                            external_id=f"ext-{post_id}",
                            published_at=when,
                            updated_at=when,
                        )
                        .returning(Target.id)
                    ).scalar_one()
                    posts.append(post_id)
                    rate = base * (2.0 if (day.weekday(), hour) in peaks else 1.0)
                    rate *= rng.uniform(0.75, 1.25)
                    reach = rng.randint(500, 3000)
                    for checkpoint, age, share in CHECKPOINTS:
                        if when + age > now:
                            break
                        imp = int(reach * share)
                        eng = int(rate * imp)
                        likes, shares = int(eng * 0.7), int(eng * 0.2)
                        snaps.append(
                            {
                                "target_id": target_id,
                                "checkpoint": checkpoint,
                                "likes": likes,
                                "shares": shares,
                                "comments": eng - likes - shares,
                                "impressions": None if platform in NO_IMPRESSIONS else imp,
                                "fetched_at": when + age,
                            }
                        )
        conn.execute(insert(AnalyticsSnapshot), snaps)
    return {"workspace": ws, "accounts": accounts, "posts": posts}
