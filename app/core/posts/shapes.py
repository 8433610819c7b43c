"""ORM rows turned into the values callers see (PostDetail, PostSummary, MediaFacts), and the
short texts shown with them (excerpts, reasons, account labels)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.core.models import Account, Media, Post, PostStatus, TargetStatus
from app.core.posts.values import (
    ATTENTION,
    EXCERPT_CHARS,
    MediaFacts,
    PostDetail,
    PostSummary,
    TargetInfo,
)
from app.core.poststatus import needs_attention
from app.platforms.names import Platform


def excerpt(text: str | None) -> str:
    return " ".join((text or "").split())[:EXCERPT_CHARS]


def display_status(status: PostStatus, target_statuses: Iterable[TargetStatus]) -> str:
    return ATTENTION if needs_attention(target_statuses) else PostStatus(status).value


def failure_reason(platform: Platform, message: str | None, code: str | None) -> str:
    return f"{platform.label}: {message or code or 'failed without a reason'}"


def account_label(account: Account) -> str:
    return f"{Platform(account.platform).label} ({account.handle})"


def facts_of(media: Media) -> MediaFacts:
    return MediaFacts(
        id=media.id,
        path=media.path,
        original_name=media.original_name,
        mime=media.mime,
        bytes=media.bytes,
        width=media.width,
        height=media.height,
        duration_s=media.duration_s,
        sha256=media.sha256,
    )


def detail_of(post: Post) -> PostDetail:
    statuses = [TargetStatus(t.status) for t in post.targets]
    return PostDetail(
        id=post.id,
        workspace_id=post.workspace_id,
        base_text=post.base_text or "",
        scheduled_at=post.scheduled_at,
        zone=post.scheduled_tz,
        status=PostStatus(post.status),
        display_status=display_status(post.status, statuses),
        targets=tuple(
            TargetInfo(
                id=t.id,
                account_id=t.account_id,
                platform=Platform(t.account.platform),
                handle=t.account.handle,
                override=t.content_override,
                status=TargetStatus(t.status),
                attempts=t.attempts,
                error_code=t.error_code,
                error_message=t.error_message,
                external_url=t.external_url,
                published_at=t.published_at,
                next_attempt_at=t.next_attempt_at,
            )
            for t in post.targets
        ),
        media=tuple(
            replace(facts_of(link.media), alt_text=link.alt_text) for link in post.media_links
        ),
        deleted=post.deleted_at is not None,
    )


def summary_of(post: Post) -> PostSummary:
    """A post loaded with its targets and their accounts, as a calendar chip shows it."""
    statuses = [TargetStatus(t.status) for t in post.targets]
    text = post.base_text or next(
        (t.content_override for t in post.targets if t.content_override), ""
    )
    return PostSummary(
        id=post.id,
        scheduled_at=post.scheduled_at,
        zone=post.scheduled_tz,
        status=PostStatus(post.status),
        display_status=display_status(post.status, statuses),
        platforms=list(dict.fromkeys(Platform(t.account.platform) for t in post.targets)),
        excerpt=excerpt(text),
        failed_reasons=[
            failure_reason(Platform(t.account.platform), t.error_message, t.error_code)
            for t in post.targets
            if TargetStatus(t.status) == TargetStatus.FAILED
        ],
        handles=[t.account.handle for t in post.targets],
    )
