"""media containers made but not yet published: publish_containers

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-05 08:30:00

Threads and Instagram publish in two calls (make a container, then publish it). The container
made for an attempt is stored here, against its target, before it is published, so a crash
between the two calls leaves it known: the retry asks it first (published: adopt the post;
finished: publish it; expired or failed: make a new one) instead of searching the account's
posts. On PostgreSQL the table is walled like the targets (migration 0010).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
# The brief assigns "0021" on top of "0019"; the coordinator re-chains at merge.
down_revision = "0020"
branch_labels = None
depends_on = None

READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")
WRITE_POSTS = ("ADMIN", "EDITOR")


def _via_target(roles: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "target_id IN (SELECT t.id FROM targets t JOIN posts p ON p.id = t.post_id "
        "WHERE p.workspace_id IN (SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})))"
    )


def upgrade() -> None:
    op.create_table(
        "publish_containers",
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("container_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["targets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    op.create_index("ix_publish_containers_target_id", "publish_containers", ["target_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE publish_containers ENABLE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY herald_read ON publish_containers FOR SELECT "
            f"USING ({_via_target(READ)})"
        )
        op.execute(
            "CREATE POLICY herald_write ON publish_containers FOR ALL "
            f"USING ({_via_target(WRITE_POSTS)}) WITH CHECK ({_via_target(WRITE_POSTS)})"
        )


def downgrade() -> None:
    op.drop_table("publish_containers")
