"""A draft turned into a post: checked against the content rules, its time resolved, its
media stored, and written into a new or existing post's row and targets.

A local wall time that falls in a DST gap or happens twice raises the time utilities' own
NonexistentTimeError / AmbiguousTimeError: the composer asks the person, it never guesses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core import approvals
from app.core.clock import Clock
from app.core.constraints import effective_text, validate
from app.core.models import Account, Media, Post, PostMedia, PostStatus, Target, TargetStatus
from app.core.posts.alt_texts import check_alt_texts, with_alt_texts
from app.core.posts.media_files import Lookups, media_list
from app.core.posts.shapes import account_label, facts_of
from app.core.posts.targets import queue, refresh_status
from app.core.posts.values import MediaFacts, PostDraft, PostError, SchedulingError
from app.core.poststatus import derive_post_status
from app.core.timeutil import ensure_utc, to_utc
from app.platforms.names import Platform


@dataclass(frozen=True)
class Plan:
    """A draft checked and resolved: what its post becomes. `overrides` maps each account,
    in order, to its own text (None: the post's text)."""

    base_text: str
    when: datetime | None  # UTC
    zone: str
    now: datetime
    is_draft: bool
    media: list[Media]
    overrides: dict[int, str | None]
    alt_texts: Sequence[str | None] = ()

    def alt_text(self, index: int) -> str | None:
        """The alt text of the media at `index` (None: none given)."""
        given = self.alt_texts[index] if index < len(self.alt_texts) else None
        return given.strip() or None if given else None

    @property
    def target_status(self) -> TargetStatus:
        return TargetStatus.DRAFT if self.is_draft else TargetStatus.QUEUED

    def post_row(self, workspace_id: int) -> dict[str, Any]:
        """The columns of a new post (create_many's bulk INSERT); as `apply` would set them."""
        statuses = [self.target_status] * len(self.overrides)
        return {
            "workspace_id": workspace_id,
            "base_text": self.base_text,
            "scheduled_at": self.when,
            "scheduled_tz": self.zone,
            "status": derive_post_status(statuses, is_draft=self.is_draft),
            "created_at": self.now,
            "updated_at": self.now,
        }

    def target_rows(self, post_id: int) -> list[dict[str, Any]]:
        """A new post's targets: DRAFT, or QUEUED for `when` (as `queue` leaves them)."""
        return [
            {
                "post_id": post_id,
                "account_id": account_id,
                "content_override": override,
                "status": self.target_status,
                "attempts": 0,
                "next_attempt_at": None if self.is_draft else self.when,
                "updated_at": self.now,
            }
            for account_id, override in self.overrides.items()
        ]

    def media_rows(self, post_id: int) -> list[dict[str, Any]]:
        return [
            {"post_id": post_id, "media_id": m.id, "position": i, "alt_text": self.alt_text(i)}
            for i, m in enumerate(self.media)
        ]


def check_rules(
    base_text: str,
    accounts: Sequence[Account],
    overrides: Mapping[int, str | None],
    media: Sequence[Media | MediaFacts],
    when: datetime | None,
    now: datetime,
) -> None:
    """Raise SchedulingError with every error (not warning) the content rules find."""
    messages: list[str] = []
    if not accounts:
        messages.append("Choose at least one account to publish to.")
    if when is None:
        messages.append("Choose a date and time.")
    elif when < now.replace(second=0, microsecond=0):
        messages.append("That time has already passed; choose a later time or Publish now.")
    facts = [m if isinstance(m, MediaFacts) else facts_of(m) for m in media]
    for account in accounts:
        text = effective_text(base_text, overrides.get(account.id))
        for w in validate(Platform(account.platform), text, facts, account.settings):
            if w.severity == "error":
                messages.append(f"{account_label(account)}: {w.message}")
    if messages:
        raise SchedulingError(messages)


class Composer:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def new_post(self, s: Session, found: Lookups, draft: PostDraft) -> Post:
        """A new post for the draft, not yet added to the session."""
        now = self.clock.now()
        zone = draft.zone or found.workspace.timezone
        post = Post(
            workspace_id=found.workspace.id,
            base_text="",
            scheduled_tz=zone,
            status=PostStatus.DRAFT,
            approval=approvals.initial_state(found.workspace.approval_required),
            created_at=now,
            updated_at=now,
            targets=[],  # a new post has none yet: nothing to load
            media_links=[],
        )
        self.apply(s, post, found, replace(draft, zone=zone))
        return post

    def plan(self, s: Session, found: Lookups, draft: PostDraft) -> Plan:
        """The draft checked and resolved (`draft.zone` already is); raises what `create`
        raises. Writes nothing but the media folder's copies."""
        action, base_text, zone = draft.action, draft.base_text, draft.zone
        assert zone is not None
        if action not in ("draft", "schedule", "now"):
            raise PostError(f"Unknown action {action!r}.")
        now = self.clock.now()
        overrides = dict(draft.overrides or {})
        wanted = list(dict.fromkeys(int(a) for a in draft.account_ids))
        missing = [a for a in wanted if a not in found.accounts]
        if missing:
            raise PostError(f"No account {missing[0]} in this workspace.")

        when: datetime | None
        scheduled_local = draft.scheduled_local
        if action == "now":
            when = now
        elif scheduled_local is None:
            when = None
        elif scheduled_local.tzinfo is not None:
            when = ensure_utc(scheduled_local)
        else:  # DST gaps and repeated hours raise: the composer asks the person
            when = to_utc(scheduled_local.replace(second=0, microsecond=0), zone, draft.fold)

        media = media_list(s, found, draft.media_paths, self.clock)
        if action != "draft":
            accounts = [found.accounts[a] for a in wanted]
            facts = with_alt_texts(media, draft.media_alt_texts)
            check_rules(base_text, accounts, overrides, facts, when, now)
            check_alt_texts(found.workspace, accounts, facts)
        own = {a: overrides.get(a) for a in wanted}
        return Plan(
            base_text=base_text,
            when=when,
            zone=zone,
            now=now,
            is_draft=action == "draft",
            media=media,
            overrides={a: None if text == base_text else text for a, text in own.items()},
            alt_texts=tuple(draft.media_alt_texts),
        )

    def apply(self, s: Session, post: Post, found: Lookups, draft: PostDraft) -> None:
        """Write the draft into the post (new or existing); `draft.zone` is already resolved."""
        plan = self.plan(s, found, draft)
        now, when = plan.now, plan.when
        post.base_text = plan.base_text
        post.scheduled_at = when
        post.scheduled_tz = plan.zone
        post.updated_at = now
        post.media_links = [
            PostMedia(media=m, position=i, alt_text=plan.alt_text(i))
            for i, m in enumerate(plan.media)
        ]

        existing = {t.account_id: t for t in post.targets}
        for account_id, target in existing.items():
            if account_id not in plan.overrides:
                if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                    raise PostError(
                        f"{account_label(target.account)} already published this post; "
                        "it cannot be removed from it."
                    )
                post.targets.remove(target)
        for account_id, override in plan.overrides.items():
            found_target = existing.get(account_id)
            if found_target is None:
                target = Target(account_id=account_id, status=TargetStatus.DRAFT, updated_at=now)
                target.account = found.accounts[account_id]
                post.targets.append(target)
            else:
                target = found_target
            if TargetStatus(target.status) == TargetStatus.PUBLISHED:
                continue  # what went out stays as it was
            target.content_override = override
            if plan.is_draft:
                target.status = TargetStatus.DRAFT
                target.next_attempt_at = None
                target.updated_at = now
            else:
                assert when is not None
                queue(target, when, now)
        refresh_status(post, draft=plan.is_draft)
