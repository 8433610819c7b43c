"""Comments on published posts (Herald's first comments, issue 19), shared by the emulated
Instagram, Facebook and LinkedIn: each network's module serves its own paths and answers in
its own shape; this module keeps the comments. Tests read them with `comments_on`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.emulator.core import Emulator


@dataclass
class Comment:
    platform: str
    account: str
    parent_id: str  # the commented post's id on its network
    external_id: str
    text: str
    created_at: float
    idempotency_key: str | None = None


def add_comment(
    emu: Emulator, platform: str, account: str, parent_id: str, text: str, key: str | None
) -> Comment:
    """Record a comment (call under the emulator's lock)."""
    comment = Comment(
        platform=platform,
        account=account,
        parent_id=parent_id,
        external_id=emu.state.new_id("comment"),
        text=text,
        created_at=emu.now_ts(),
        idempotency_key=key,
    )
    emu.state.comments.append(comment)
    return comment


def comments_on(emu: Emulator, platform: str, parent_id: str | None = None) -> list[Comment]:
    """The comments made on a network (on one post), oldest first."""
    return [
        c
        for c in emu.state.comments
        if c.platform == platform and (parent_id is None or c.parent_id == parent_id)
    ]
