"""A Herald database at agency/SaaS scale, generated inside PostgreSQL (generate_series), not
row by row: posts spread over a year, most of them still to come, the past ones published
with their analytics snapshots at every checkpoint and their metric tasks.

Shape (issue 24): 200 workspaces of 10 accounts; each post goes to 4 of its workspace's
accounts; `published` of the posts (the oldest) are published; a few targets are due now.
Used by the EXPLAIN test (tests/core/test_query_plans.py, 100,000 posts) and by
`make bench-scale` (1,000,000 posts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, text

TARGETS_PER_POST = 4
ACCOUNTS_PER_WORKSPACE = 10


@dataclass(frozen=True)
class Shape:
    posts: int = 1_000_000
    workspaces: int = 200
    published: float = 0.10  # the oldest tenth of the year is in the past
    due_posts: int = 50  # posts (x4 targets) due now, queued in the last 10 minutes
    deleted_every: int = 997  # one published post in this many is soft-deleted
    span: timedelta = timedelta(days=365)
    #: no generated post falls due this soon after `now`: the generated accounts have no
    #: credentials, and a benchmark's burst must be the only work due while it runs
    quiet: timedelta = timedelta(hours=1)


# Enum columns hold the enum *names* (SQLAlchemy non-native Enum): Checkpoint.H1 is "H1".
_STEPS = [
    text("""
INSERT INTO workspaces (id, name, timezone, created_at)
SELECT g, 'scale ws ' || g, 'UTC', :start FROM generate_series(1, :workspaces) g"""),
    text("""
INSERT INTO accounts (id, workspace_id, platform, handle, external_id, status, settings,
                      created_at)
SELECT g, (g - 1) / :per_ws + 1,
       (ARRAY['TWITTER','LINKEDIN','FACEBOOK','INSTAGRAM'])[g % 4 + 1],
       'scale' || g, 'scale-ext-' || g, 'ACTIVE', '{}', :start
FROM generate_series(1, :workspaces * :per_ws) g"""),
    text("""
INSERT INTO posts (id, workspace_id, base_text, scheduled_at, scheduled_tz, status,
                   created_at, updated_at, deleted_at, content_version)
SELECT g, g % :workspaces + 1, 'scale post ' || g || ' #herald',
       CASE WHEN g > :n_published AND g <= :n_published + :due_posts
            THEN CAST(:now AS timestamptz) - (g % 600) * interval '1 second'
            WHEN g <= :n_published
            THEN CAST(:start AS timestamptz) + ((g - 0.5) * :span_s / :posts) * interval '1 second'
            ELSE CAST(:start AS timestamptz) + ((g - 0.5) * :span_s / :posts + :quiet_s)
                 * interval '1 second'
       END,
       'UTC',
       CASE WHEN g <= :n_published THEN 'PUBLISHED' ELSE 'SCHEDULED' END,
       :start, :start,
       CASE WHEN g <= :n_published AND g % :deleted_every = 0 THEN CAST(:now AS timestamptz) END,
       0
FROM generate_series(1, :posts) g"""),
    text("""
INSERT INTO targets (post_id, account_id, status, attempts, next_attempt_at, idempotency_key,
                     external_id, published_at, updated_at)
SELECT p.id,
       (p.workspace_id - 1) * :per_ws + (p.id / :workspaces + j) % :per_ws + 1,
       CASE WHEN p.status = 'PUBLISHED' THEN 'PUBLISHED' ELSE 'QUEUED' END,
       CASE WHEN p.status = 'PUBLISHED' THEN 1 ELSE 0 END,
       CASE WHEN p.status = 'PUBLISHED' THEN NULL ELSE p.scheduled_at END,
       md5(p.id || ':' || j),
       CASE WHEN p.status = 'PUBLISHED' THEN 'ext-' || p.id || '-' || j END,
       CASE WHEN p.status = 'PUBLISHED' THEN p.scheduled_at END,
       p.scheduled_at
FROM posts p CROSS JOIN generate_series(0, :per_post - 1) j"""),
    text("""
INSERT INTO analytics_snapshots (target_id, checkpoint, likes, shares, comments, impressions,
                                 fetched_at)
SELECT t.id, c.name, t.id % 97, t.id % 13, t.id % 29, t.id % 5003, t.published_at + c.after
FROM targets t
CROSS JOIN (VALUES ('H1', interval '1 hour'), ('H6', interval '6 hours'),
                   ('H24', interval '24 hours'), ('D7', interval '7 days')) c(name, after)
WHERE t.status = 'PUBLISHED' AND t.published_at + c.after <= :now"""),
    # Every checkpoint has its task: done when its snapshot exists, queued otherwise (the
    # ones that fell due in the last few minutes are the analytics claim's work).
    text("""
INSERT INTO metric_tasks (target_id, checkpoint, due_at, status, attempts, done_at)
SELECT t.id, c.name, t.published_at + c.after,
       CASE WHEN t.published_at + c.after <= CAST(:now AS timestamptz) - interval '5 minutes'
            THEN 'DONE' ELSE 'QUEUED' END,
       0,
       CASE WHEN t.published_at + c.after <= CAST(:now AS timestamptz) - interval '5 minutes'
            THEN t.published_at + c.after END
FROM targets t
CROSS JOIN (VALUES ('H1', interval '1 hour'), ('H6', interval '6 hours'),
                   ('H24', interval '24 hours'), ('D7', interval '7 days')) c(name, after)
WHERE t.status = 'PUBLISHED'"""),
    text("""
INSERT INTO rate_limit_budgets (account_id, scope, "limit", remaining, window_s, reset_at,
                                updated_at)
SELECT a.id, s.scope, 10000000, 10000000, 900, CAST(:now AS timestamptz) + interval '15 minutes',
       :now
FROM accounts a CROSS JOIN (VALUES ('publish'), ('read')) s(scope)"""),
]

_SEQUENCES = ("workspaces", "accounts", "posts", "targets", "analytics_snapshots", "metric_tasks")


def generate(conn: Connection, now: datetime, shape: Shape = Shape()) -> None:
    """Fill an empty, migrated schema (the connection's search_path) with `shape`, then
    ANALYZE so the planner sees the real distribution."""
    n_published = int(shape.posts * shape.published)
    params = {
        "now": now,
        "start": now - shape.span * shape.published,
        "span_s": shape.span.total_seconds(),
        "quiet_s": shape.quiet.total_seconds(),
        "posts": shape.posts,
        "workspaces": shape.workspaces,
        "per_ws": ACCOUNTS_PER_WORKSPACE,
        "per_post": TARGETS_PER_POST,
        "n_published": n_published,
        "due_posts": shape.due_posts,
        "deleted_every": shape.deleted_every,
    }
    for step in _STEPS:
        names = {k: v for k, v in params.items() if f":{k}" in step.text}
        conn.execute(step, names)
    for table in _SEQUENCES:  # later inserts (the app's own) continue after the bulk ids
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        )
    for table in (
        "workspaces",
        "accounts",
        "posts",
        "targets",
        "analytics_snapshots",
        "metric_tasks",
        "rate_limit_budgets",
    ):
        conn.execute(text(f"ANALYZE {table}"))
