"""Writing posts: one from the composer, many at once from a CSV import, an edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.core import approvals, audit
from app.core.engine.handoff import announce_due
from app.core.models import Post, PostMedia, Target
from app.core.posts.compose import Composer, Plan
from app.core.posts.media_files import Lookups
from app.core.posts.store import PostContext, read_detail
from app.core.posts.values import PostBatchError, PostDetail, PostDraft, SchedulingError

INSERT_BATCH = 2000  # posts per round of bulk INSERTs in create_many (bounds the memory)


class PostWriter:
    def __init__(self, ctx: PostContext) -> None:
        self.ctx = ctx
        self.composer = Composer(ctx.clock)

    def create(self, workspace_id: int, draft: PostDraft) -> PostDetail:
        with self.ctx.db.write_session() as s:
            post = self.create_in(s, workspace_id, draft)
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "create", post, self.ctx.clock.now())
            s.commit()
            detail = read_detail(s, post.id)
        self.ctx.changed(workspace_id)
        return detail

    def create_in(self, session: Session, workspace_id: int, draft: PostDraft) -> Post:
        """`create` inside the caller's transaction; flushes but does not commit."""
        with session.no_autoflush:
            post = self.composer.new_post(session, Lookups.load(session, workspace_id), draft)
        session.add(post)
        session.flush()
        return post

    def create_many(
        self, session: Session, workspace_id: int, drafts: Sequence[PostDraft]
    ) -> list[int]:
        """Every draft as a new post inside the caller's transaction (the CSV import's
        all-or-nothing), or none; returns the new posts' ids, in order. Each draft is checked
        as `create` checks it; if any is refused, PostBatchError names every refused draft by
        its index and nothing was written to the database (a new picture may already be
        copied into the media folder, as with `create`). Does not commit, publishes no event.

        Made for tens of thousands of rows: the workspace and its accounts are read once, a
        picture used by many drafts is hashed and looked up once (and still stored as one
        Media row), and the rows go in as bulk INSERTs, one per table per INSERT_BATCH posts,
        without building ORM objects (they would not be in the session's identity map). SQLite
        runs the posts' INSERT row by row inside (RETURNING's order is not promised there)."""
        found = Lookups.load(session, workspace_id)
        plans: list[Plan] = []
        problems: list[tuple[int, str]] = []
        with session.no_autoflush:  # nothing is written until every draft passed
            for index, draft in enumerate(drafts):
                zone = draft.zone or found.workspace.timezone
                try:
                    plans.append(self.composer.plan(session, found, replace(draft, zone=zone)))
                except SchedulingError as exc:
                    problems.extend((index, m) for m in exc.messages)
                except ValueError as exc:  # PostError, DST gaps and repeated hours
                    problems.append((index, str(exc)))
        if problems:
            raise PostBatchError(problems)
        session.add_all(m for m in found.media.values() if m.id is None)
        session.flush()  # the new Media rows' ids, for the links below
        ids: list[int] = []
        approval = approvals.initial_state(found.workspace.approval_required)
        tables = Post.metadata.tables  # Core: the ORM's bulk path costs more per row than SQL
        posts = tables[Post.__tablename__]
        for first in range(0, len(plans), INSERT_BATCH):
            chunk = plans[first : first + INSERT_BATCH]
            new_ids = session.scalars(
                insert(posts).returning(posts.c.id, sort_by_parameter_order=True),
                [{**plan.post_row(workspace_id), "approval": approval} for plan in chunk],
            ).all()
            targets = [
                row for i, plan in zip(new_ids, chunk, strict=True) for row in plan.target_rows(i)
            ]
            links = [
                row for i, plan in zip(new_ids, chunk, strict=True) for row in plan.media_rows(i)
            ]
            for table, rows in (
                (tables[Target.__tablename__], targets),
                (tables[PostMedia.__tablename__], links),
            ):
                if rows:
                    session.execute(insert(table), rows)
            now = self.ctx.clock.now()
            audit.record_many(session, "create", "post", workspace_id, new_ids, now)
            ids.extend(new_ids)
        announce_due(session)  # delivered at the caller's commit
        return ids

    def update(self, post_id: int, draft: PostDraft) -> PostDetail:
        """Write the draft over the post; `draft.zone` None keeps the post's own zone."""
        with self.ctx.db.write_session() as s:
            post = self.ctx.lock(
                s, post_id, "This post is being published right now; edit it afterwards."
            )
            post.content_version += 1
            approvals.on_edit(post)
            draft = replace(draft, zone=draft.zone or post.scheduled_tz)
            self.composer.apply(s, post, Lookups.load(s, post.workspace_id), draft)
            workspace_id = post.workspace_id
            announce_due(s)  # wakes workers elsewhere at commit
            audit.record(s, "update", post, self.ctx.clock.now())
            s.commit()
            detail = read_detail(s, post_id)
        self.ctx.changed(workspace_id)
        return detail
