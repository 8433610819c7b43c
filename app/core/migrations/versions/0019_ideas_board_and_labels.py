"""ideas board and labels: labels, post_labels, idea_columns, idea_cards

Revision ID: 0019
Revises: 0012
Create Date: 2026-12-05 05:10:00

The ideas board's columns and the place of each undated draft on it, and the labels (named
colours) on posts and cards (issue 22). Nothing existing changes: with no columns stored, a
workspace's board starts with Ideas, In progress and Ready. On PostgreSQL the new tables are
walled like the posts they belong to (row-level security, as in migration 0010).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
# The brief assigns "0019" on top of "0012"; the coordinator re-chains at merge.
down_revision = "0018"
branch_labels = None
depends_on = None

READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")
WRITE = ("ADMIN", "EDITOR")


def _mine(roles: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})"
    )


def _direct(roles: tuple[str, ...]) -> str:
    return f"workspace_id IN ({_mine(roles)})"


def _via_post(roles: tuple[str, ...]) -> str:
    return f"post_id IN (SELECT p.id FROM posts p WHERE p.workspace_id IN ({_mine(roles)}))"


WALLED = {
    "labels": _direct,
    "post_labels": _via_post,
    "idea_columns": _direct,
    "idea_cards": _via_post,
}


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_table(
        "post_labels",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["label_id"], ["labels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "label_id"),
    )
    op.create_index("ix_post_labels_label", "post_labels", ["label_id"])
    op.create_table(
        "idea_columns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_idea_columns_workspace", "idea_columns", ["workspace_id", "position"])
    op.create_table(
        "idea_cards",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["column_id"], ["idea_columns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_index("ix_idea_cards_column", "idea_cards", ["column_id", "position"])
    if op.get_bind().dialect.name == "postgresql":
        for table, predicate in WALLED.items():
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY herald_read ON {table} FOR SELECT USING ({predicate(READ)})"
            )
            op.execute(
                f"CREATE POLICY herald_write ON {table} FOR ALL "
                f"USING ({predicate(WRITE)}) WITH CHECK ({predicate(WRITE)})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WALLED:
            op.execute(f"DROP POLICY IF EXISTS herald_read ON {table}")
            op.execute(f"DROP POLICY IF EXISTS herald_write ON {table}")
    op.drop_index("ix_idea_cards_column", table_name="idea_cards")
    op.drop_table("idea_cards")
    op.drop_index("ix_idea_columns_workspace", table_name="idea_columns")
    op.drop_table("idea_columns")
    op.drop_index("ix_post_labels_label", table_name="post_labels")
    op.drop_table("post_labels")
    op.drop_table("labels")
