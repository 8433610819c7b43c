"""Partial indexes on the active states, so the hot queries stay index scans at a million posts

At scale nearly every target is QUEUED for the future or long PUBLISHED; the work is the few
due, in flight or deleted rows. Indexes that hold only those rows stay small and let the
planner read just them (tests/core/test_query_plans.py EXPLAINs the real statements):
- targets (next_attempt_at, id) WHERE QUEUED: the claim's ordered read and the next wake-up;
- targets (lease_until) WHERE IN_FLIGHT: expired leases;
- posts (id) WHERE deleted: the analytics claim cancels tasks of deleted posts;
- metric_tasks (due_at, id) WHERE QUEUED and (lease_until) WHERE IN_FLIGHT: the analytics
  claim and its next due time.
Both dialects support partial indexes (SQLite since 3.8).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (name, table, columns, condition)
INDEXES = [
    ("ix_targets_queued_due", "targets", ["next_attempt_at", "id"], "status = 'QUEUED'"),
    ("ix_targets_in_flight_lease", "targets", ["lease_until"], "status = 'IN_FLIGHT'"),
    ("ix_posts_deleted", "posts", ["id"], "deleted_at IS NOT NULL"),
    ("ix_metric_tasks_queued_due", "metric_tasks", ["due_at", "id"], "status = 'QUEUED'"),
    ("ix_metric_tasks_in_flight_lease", "metric_tasks", ["lease_until"], "status = 'IN_FLIGHT'"),
]


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        condition = sa.text(where)
        op.create_index(name, table, columns, postgresql_where=condition, sqlite_where=condition)


def downgrade() -> None:
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
