"""targets: the due-work index ends with the id, so a claim reads only the rows it takes

The engine claims `status = 'QUEUED' AND next_attempt_at <= now ORDER BY next_attempt_at, id
LIMIT n FOR UPDATE SKIP LOCKED`. On (status, next_attempt_at) PostgreSQL had to read and sort
every target of the earliest due time before the LIMIT: a burst of 4,000 targets due at the
same second cost 25 ms per claim of 8 (all 4,000 joined to their posts), 20,000 at a million
posts far more. With the id in the index the rows come in claim order and the scan stops
after the first n unlocked ones (tests/core/test_query_plans.py checks the plan).

Same name, one more column: rebuilt once. On a large PostgreSQL database the rebuild blocks
writes to targets for its duration (seconds per million targets); stop the workers first
(docs/operations.md, Upgrade).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 09:00:00
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch_op:
        batch_op.drop_index("ix_targets_status_due")
        batch_op.create_index("ix_targets_status_due", ["status", "next_attempt_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch_op:
        batch_op.drop_index("ix_targets_status_due")
        batch_op.create_index("ix_targets_status_due", ["status", "next_attempt_at"])
