"""target_measures: each target's representative snapshot numbers, kept by the database;
an index of the targets with their own text (search)

Revision ID: 0018
Revises: 0012
Create Date: 2026-12-05 05:10:00

The analytics (best times, the dashboard, top posts) read, per published target, its latest
snapshot and its 24 h snapshot (else the latest). Choosing those at read time cost two
correlated index look-ups per target: most of a best-time recompute over a million
snapshots. `target_measures` holds one row per measured target with both choices and their
numbers, kept by a trigger on every snapshot insert (whatever writes it: the collector, the
demo, a test, a bulk load), so a read is one primary-key look-up per target. "Latest" and
"24 h" mean the highest snapshot id, as before (snapshots are stored as they are fetched);
an insert with a lower id than the one recorded does not replace it. Existing snapshots
are folded in by this migration. On PostgreSQL the table is walled like the snapshots
(row-level security as in migration 0010), and the trigger function runs as its owner
(SECURITY DEFINER), so a member who may store a snapshot also keeps its measures.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
# The brief assigns "0018" on "0012"; the coordinator re-chains at merge.
down_revision = "0017"
branch_labels = None
depends_on = None

READ = ("ADMIN", "EDITOR", "APPROVER", "VIEWER")
WRITE_POSTS = ("ADMIN", "EDITOR")

ENG = "(NEW.likes + NEW.shares + NEW.comments)"
IS_DAY = "NEW.checkpoint = 'H24'"

# One upsert for both engines (SQLite 3.24+ and PostgreSQL both have ON CONFLICT; the
# current row is "target_measures", the proposed one "excluded").
UPSERT = f"""
INSERT INTO target_measures (target_id, latest_id, likes, shares, comments, impressions,
    day_id, chosen_engagement, chosen_impressions)
VALUES (NEW.target_id, NEW.id, NEW.likes, NEW.shares, NEW.comments, NEW.impressions,
    CASE WHEN {IS_DAY} THEN NEW.id END, {ENG}, NEW.impressions)
ON CONFLICT (target_id) DO UPDATE SET
    latest_id = CASE WHEN NEW.id > target_measures.latest_id THEN NEW.id
        ELSE target_measures.latest_id END,
    likes = CASE WHEN NEW.id > target_measures.latest_id THEN NEW.likes
        ELSE target_measures.likes END,
    shares = CASE WHEN NEW.id > target_measures.latest_id THEN NEW.shares
        ELSE target_measures.shares END,
    comments = CASE WHEN NEW.id > target_measures.latest_id THEN NEW.comments
        ELSE target_measures.comments END,
    impressions = CASE WHEN NEW.id > target_measures.latest_id THEN NEW.impressions
        ELSE target_measures.impressions END,
    day_id = CASE WHEN {IS_DAY} AND NEW.id > coalesce(target_measures.day_id, 0) THEN NEW.id
        ELSE target_measures.day_id END,
    chosen_engagement = CASE
        WHEN {IS_DAY} AND NEW.id > coalesce(target_measures.day_id, 0) THEN {ENG}
        WHEN target_measures.day_id IS NULL AND NEW.id > target_measures.latest_id THEN {ENG}
        ELSE target_measures.chosen_engagement END,
    chosen_impressions = CASE
        WHEN {IS_DAY} AND NEW.id > coalesce(target_measures.day_id, 0) THEN NEW.impressions
        WHEN target_measures.day_id IS NULL AND NEW.id > target_measures.latest_id
            THEN NEW.impressions
        ELSE target_measures.chosen_impressions END
"""

BACKFILL = """
INSERT INTO target_measures (target_id, latest_id, likes, shares, comments, impressions,
    day_id, chosen_engagement, chosen_impressions)
SELECT l.target_id, l.id, l.likes, l.shares, l.comments, l.impressions, d.id,
    coalesce(d.likes + d.shares + d.comments, l.likes + l.shares + l.comments),
    CASE WHEN d.id IS NULL THEN l.impressions ELSE d.impressions END
FROM (SELECT target_id, max(id) AS latest, max(CASE WHEN checkpoint = 'H24' THEN id END) AS day
      FROM analytics_snapshots GROUP BY target_id) AS m
JOIN analytics_snapshots l ON l.id = m.latest
LEFT JOIN analytics_snapshots d ON d.id = m.day
"""


def _mine(roles: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{r}'" for r in roles)
    return (
        "target_id IN (SELECT t.id FROM targets t JOIN posts p ON p.id = t.post_id "
        "WHERE p.workspace_id IN (SELECT m.workspace_id FROM members m "
        f"WHERE m.login = current_user::text AND m.role IN ({listed})))"
    )


def upgrade() -> None:
    op.create_table(
        "target_measures",
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("latest_id", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("impressions", sa.Integer(), nullable=True),
        sa.Column("day_id", sa.Integer(), nullable=True),
        sa.Column("chosen_engagement", sa.Integer(), nullable=False),
        sa.Column("chosen_impressions", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["targets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("target_id"),
    )
    op.execute(BACKFILL)
    # Search (PostQuery.find): the posts whose targets carry their own text, found from the
    # few targets that have one instead of a scan of every target.
    op.create_index(
        "ix_targets_overrides",
        "targets",
        ["post_id"],
        sqlite_where=sa.text("content_override IS NOT NULL"),
        postgresql_where=sa.text("content_override IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION herald_keep_measures() RETURNS trigger LANGUAGE plpgsql "
            f"SECURITY DEFINER SET search_path FROM CURRENT AS $$ BEGIN {UPSERT}; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER herald_keep_measures AFTER INSERT ON analytics_snapshots "
            "FOR EACH ROW EXECUTE FUNCTION herald_keep_measures()"
        )
        op.execute("ALTER TABLE target_measures ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY herald_read ON target_measures FOR SELECT USING ({_mine(READ)})")
        op.execute(
            "CREATE POLICY herald_write ON target_measures FOR ALL "
            f"USING ({_mine(WRITE_POSTS)}) WITH CHECK ({_mine(WRITE_POSTS)})"
        )
    else:
        op.execute(
            "CREATE TRIGGER herald_keep_measures AFTER INSERT ON analytics_snapshots "
            f"FOR EACH ROW BEGIN {UPSERT}; END"
        )


def downgrade() -> None:
    op.drop_index("ix_targets_overrides", table_name="targets")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS herald_keep_measures ON analytics_snapshots")
        op.execute("DROP FUNCTION IF EXISTS herald_keep_measures()")
    else:
        op.execute("DROP TRIGGER IF EXISTS herald_keep_measures")
    op.drop_table("target_measures")
