"""targets.maybe_sent_since: when an attempt whose outcome Herald never learned fell due

The look-up before a re-send searches the platform from this instant, so a post made by the
first attempt is still found when the fourth attempt runs twenty minutes later.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "targets", sa.Column("maybe_sent_since", sa.DateTime(timezone=True), nullable=True)
    )
    # Targets mid-retry when Herald was updated: before, every retry looked up first. Keep
    # that for them, searching from the post's scheduled time.
    op.execute(
        """
        UPDATE targets SET maybe_sent_since = (
            SELECT posts.scheduled_at FROM posts WHERE posts.id = targets.post_id
        )
        WHERE status IN ('QUEUED', 'IN_FLIGHT', 'NEEDS_CONFIRMATION')
          AND (attempts > 0 OR error_code IS NOT NULL)
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("maybe_sent_since")
