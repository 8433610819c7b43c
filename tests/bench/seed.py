"""Bulk data for benchmarks: a workspace, one account per platform and N posts with targets.

Uses executemany on plain tables (not the ORM) so 10,000 posts take a second, not a minute.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app.core.db import open_database
from app.core.models import (
    Account,
    AccountStatus,
    Post,
    PostStatus,
    Target,
    TargetStatus,
    Workspace,
)
from app.platforms.names import Platform


def seed_posts(
    url: str, n_posts: int = 10_000, *, around: datetime | None = None, spread_days: int = 365
) -> int:
    """Returns the workspace id. Posts spread over +/- spread_days/2 around `around`."""
    around = around or datetime.now(UTC)
    rng = random.Random(7)
    db = open_database(url)
    try:
        with db.session() as s:
            ws = Workspace(name="Bench", timezone="Europe/London", created_at=around)
            s.add(ws)
            s.flush()
            accounts = []
            for p in Platform:
                acc = Account(
                    workspace_id=ws.id,
                    platform=p,
                    handle=f"bench_{p.value.lower()}",
                    external_id=f"ext-{p.value}",
                    status=AccountStatus.ACTIVE,
                    settings={},
                    created_at=around,
                )
                s.add(acc)
                accounts.append(acc)
            s.flush()
            workspace_id = ws.id
            account_ids = [a.id for a in accounts]
            s.commit()
        start = around - timedelta(days=spread_days / 2)
        post_rows = []
        for i in range(n_posts):
            when = start + timedelta(minutes=rng.randrange(spread_days * 24 * 60))
            when = when.replace(second=0, microsecond=0)
            status = PostStatus.PUBLISHED if when < around else PostStatus.SCHEDULED
            post_rows.append(
                {
                    "workspace_id": workspace_id,
                    "base_text": f"Benchmark post {i}: fresh bread and coffee, see you soon!",
                    "scheduled_at": when,
                    "scheduled_tz": "Europe/London",
                    "status": status,
                    "created_at": around,
                    "updated_at": around,
                }
            )
        with db.engine.begin() as conn:
            conn.execute(insert(Post), post_rows)
            posts = conn.execute(
                select(Post.id, Post.scheduled_at, Post.status).where(
                    Post.workspace_id == workspace_id
                )
            ).all()
            target_rows = []
            for post_id, when, status in posts:
                for k, account_id in enumerate(account_ids):
                    if (post_id + k) % 2:
                        continue
                    published = status == PostStatus.PUBLISHED
                    target_rows.append(
                        {
                            "post_id": post_id,
                            "account_id": account_id,
                            "status": TargetStatus.PUBLISHED if published else TargetStatus.QUEUED,
                            "attempts": 1 if published else 0,
                            "next_attempt_at": None if published else when,
                            "idempotency_key": f"bench-{post_id}-{account_id}",
                            "published_at": when if published else None,
                            "external_id": f"x{post_id}-{account_id}" if published else None,
                            "updated_at": around,
                        }
                    )
            conn.execute(insert(Target), target_rows)
        return workspace_id
    finally:
        db.dispose()
