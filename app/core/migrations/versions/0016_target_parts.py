"""chains of posts and first comments: target_parts

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-05 05:00:00

One row per extra part of a post on one target: chain parts 2..n (kind "part") and the first
comment (kind "comment", position 0). Posts without rows here publish exactly as before. On
PostgreSQL the table is walled like the targets it belongs to (migration 0010).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
# The brief assigns "0012"; the coordinator re-chains at merge.
down_revision = "0013"
branch_labels = None
depends_on = None

STATUSES = (
    "DRAFT",
    "QUEUED",
    "IN_FLIGHT",
    "PUBLISHED",
    "FAILED",
    "NEEDS_CONFIRMATION",
    "MISSED",
)


def _via_target(roles: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "target_id IN (SELECT t.id FROM targets t JOIN posts p ON p.id = t.post_id "
        "WHERE p.workspace_id IN (SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})))"
    )


READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")
WRITE_POSTS = ("ADMIN", "EDITOR")


def upgrade() -> None:
    op.create_table(
        "target_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="target_status", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("external_url", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=80), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("maybe_sent_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["target_id"], ["targets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("target_id", "kind", "position"),
    )
    op.create_index("ix_target_parts_target_id", "target_parts", ["target_id"])
    op.create_index("ix_target_parts_status_due", "target_parts", ["status", "next_attempt_at"])
    op.create_index("ix_target_parts_lease", "target_parts", ["status", "lease_until"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE target_parts ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY herald_read ON target_parts FOR SELECT USING ({_via_target(READ)})"
        )
        op.execute(
            "CREATE POLICY herald_write ON target_parts FOR ALL "
            f"USING ({_via_target(WRITE_POSTS)}) WITH CHECK ({_via_target(WRITE_POSTS)})"
        )


def downgrade() -> None:
    op.drop_table("target_parts")
