"""The states and kinds Herald's records take, as plain string enums.

They live apart from the ORM (app/core/models.py re-exports them) so that the UI and other
layers can name a status without importing SQLAlchemy.
"""

from __future__ import annotations

import enum


class PostStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    PUBLISHING = "PUBLISHING"
    PUBLISHED = "PUBLISHED"
    FAILED = "FAILED"


class ApprovalState(enum.StrEnum):
    """Where a post stands in its workspace's approval flow (issue 23)."""

    NOT_REQUIRED = "NOT_REQUIRED"  # written while the workspace had approvals off
    DRAFT = "DRAFT"  # not yet submitted
    IN_REVIEW = "IN_REVIEW"  # submitted, waiting for an approver
    CHANGES_REQUESTED = "CHANGES_REQUESTED"  # an approver asked for changes (with a comment)
    APPROVED = "APPROVED"


#: the only approval states the engine ever publishes
PUBLISHABLE_APPROVALS = (ApprovalState.NOT_REQUIRED, ApprovalState.APPROVED)


class AccountStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    REQUIRES_REAUTH = "REQUIRES_REAUTH"
    DISABLED = "DISABLED"


class TargetStatus(enum.StrEnum):
    DRAFT = "DRAFT"  # the post is a draft: nothing to do
    QUEUED = "QUEUED"  # due at next_attempt_at (scheduled time, or the next retry)
    IN_FLIGHT = "IN_FLIGHT"  # claimed by a worker until lease_until
    PUBLISHED = "PUBLISHED"
    FAILED = "FAILED"  # gave up; error_code/error_message say why
    NEEDS_CONFIRMATION = "NEEDS_CONFIRMATION"  # lease expired, platform could not tell us
    MISSED = "MISSED"  # fell due while Herald was closed, older than the grace period


class Checkpoint(enum.StrEnum):
    H1 = "1h"
    H6 = "6h"
    H24 = "24h"
    D7 = "7d"
    MANUAL = "manual"


class TaskStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    IN_FLIGHT = "IN_FLIGHT"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class MemberRole(enum.StrEnum):
    """What a person may do in one workspace (issue 23). On PostgreSQL the walls (row-level
    security, installed by migration 0010) follow it; on SQLite the app enforces it."""

    ADMIN = "admin"  # accounts, members, settings, and everything an editor does
    EDITOR = "editor"  # writes and submits posts
    APPROVER = "approver"  # approves, requests changes, comments (typically the client)
    VIEWER = "viewer"  # reads only
