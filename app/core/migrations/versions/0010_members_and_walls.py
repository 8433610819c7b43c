"""members per workspace, audit log, and (PostgreSQL) row-level security walls

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-04 16:00:00

On PostgreSQL every table holding a workspace's data gets row-level security: a member's own
login role (members.login = current_user) sees only the rows of the workspaces they belong
to, and writes only where their role there allows it. The table owner (Herald's
administrator, the headless workers) is not subject to these policies (RLS is enabled, not
forced), so nothing else changes. SQLite: the tables only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
# The brief assigns "0003"; 0004..0008 are already merged on top of it, so this branch
# chains to the current head to keep a single head. The coordinator re-chains at merge.
down_revision = "0009"
branch_labels = None
depends_on = None

READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")
WRITE_POSTS = ("ADMIN", "EDITOR")
WRITE_ACCOUNTS = ("ADMIN",)
AUDITED = ("ADMIN", "EDITOR", "APPROVER")


def _mine(roles: tuple[str, ...]) -> str:
    """The workspaces where the connecting login has one of `roles`."""
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})"
    )


def _direct(roles: tuple[str, ...]) -> str:
    return f"workspace_id IN ({_mine(roles)})"


def _via_post(roles: tuple[str, ...]) -> str:
    return f"post_id IN (SELECT p.id FROM posts p WHERE p.workspace_id IN ({_mine(roles)}))"


def _via_account(roles: tuple[str, ...]) -> str:
    return f"account_id IN (SELECT a.id FROM accounts a WHERE a.workspace_id IN ({_mine(roles)}))"


def _via_target(roles: tuple[str, ...]) -> str:
    return (
        "target_id IN (SELECT t.id FROM targets t JOIN posts p ON p.id = t.post_id "
        f"WHERE p.workspace_id IN ({_mine(roles)}))"
    )


def _workspace(roles: tuple[str, ...]) -> str:
    return f"id IN ({_mine(roles)})"


# table -> (predicate builder, roles that may write its rows)
WALLED = {
    "workspaces": (_workspace, WRITE_ACCOUNTS),
    "accounts": (_direct, WRITE_ACCOUNTS),
    "account_queues": (_via_account, WRITE_ACCOUNTS),
    "queue_slots": (_via_account, WRITE_ACCOUNTS),
    "rate_limit_budgets": (_via_account, WRITE_POSTS),
    "media": (_direct, WRITE_POSTS),
    "posts": (_direct, WRITE_POSTS),
    "post_media": (_via_post, WRITE_POSTS),
    "targets": (_via_post, WRITE_POSTS),
    "queued_posts": (_direct, WRITE_POSTS),
    "analytics_snapshots": (_via_target, WRITE_POSTS),
    "metric_tasks": (_via_target, WRITE_POSTS),
    "recommendation_cache": (_direct, WRITE_POSTS),
}


def _install_walls() -> None:
    for table, (predicate, writers) in WALLED.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY herald_read ON {table} FOR SELECT USING ({predicate(READ)})")
        op.execute(
            f"CREATE POLICY herald_write ON {table} FOR ALL "
            f"USING ({predicate(writers)}) WITH CHECK ({predicate(writers)})"
        )
    # The audit log: read like the rest, appended to by anyone who acts; never rewritten.
    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY herald_read ON audit_log FOR SELECT USING ({_direct(READ)})")
    op.execute(
        f"CREATE POLICY herald_append ON audit_log FOR INSERT WITH CHECK ({_direct(AUDITED)})"
    )
    # A member sees their own memberships (what the policies above read), nobody else's;
    # only the administrator (the owner) adds or removes members.
    op.execute("ALTER TABLE members ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY herald_read ON members FOR SELECT USING (login = current_user::text)")


def _remove_walls() -> None:
    for table in ("members", "audit_log", *WALLED):
        op.execute(f"DROP POLICY IF EXISTS herald_read ON {table}")
        op.execute(f"DROP POLICY IF EXISTS herald_write ON {table}")
        op.execute(f"DROP POLICY IF EXISTS herald_append ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*READ, name="member_role", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("login", sa.String(length=63), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "name"),
    )
    op.create_index("ix_members_login", "members", ["login"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_workspace_at", "audit_log", ["workspace_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        _install_walls()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _remove_walls()
    op.drop_index("ix_audit_log_workspace_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_members_login", table_name="members")
    op.drop_table("members")
