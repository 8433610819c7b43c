"""A chain on a network without chains (issue 19): what a person expects there is the whole
text in one post, without the "2/4" numbering, when it fits that network's limit; when it does
not, saving is refused with the network's rule in words ("LinkedIn has no threads: the whole
text is 3,400 characters, the limit 3,000 …") and nothing is changed.

`set_chain` (app/core/chains.py) plans first, then applies: the whole text becomes the
target's own text (`content_override`), unless the person tailored that network's text in the
composer, which is kept. A text Herald wrote here earlier is recognised by ending with the
chain's previous parts 2..n, so editing or removing the chain updates or clears it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import platforms
from app.core.chain_models import PART, TargetPart
from app.core.chain_split import refusal_without_chains as refusal
from app.core.chain_split import whole_text
from app.core.models import Post, Target
from app.platforms.names import Platform


@dataclass(frozen=True)
class WholePlan:
    #: target id -> its new own text (None: back to the post's text)
    overrides: dict[int, str | None]


def _previous_tail(s: Session, post_id: int) -> str:
    """Parts 2..n of the chain as stored now, unnumbered and joined (before they change)."""
    rows = s.execute(
        select(TargetPart.target_id, TargetPart.text)
        .join(Target, Target.id == TargetPart.target_id)
        .where(Target.post_id == post_id, TargetPart.kind == PART)
        .order_by(TargetPart.target_id, TargetPart.position)
    ).all()
    if not rows:
        return ""
    first = rows[0][0]
    texts = [t for tid, t in rows if tid == first]
    n = len(texts) + 1
    return whole_text(["", *texts]) if n > 1 else ""


def plan(
    s: Session, post_id: int, targets: Sequence[tuple[int, str]], texts: Sequence[str]
) -> WholePlan | str:
    """What set_chain does to the targets of networks without chains, or the refusal."""
    lone = [(t, Platform(p)) for t, p in targets if not platforms.get(Platform(p)).formats.chain]
    if not lone:
        return WholePlan({})
    base = s.scalar(select(Post.base_text).where(Post.id == post_id)) or ""
    tail = _previous_tail(s, post_id)
    current = dict(
        s.execute(
            select(Target.id, Target.content_override).where(Target.id.in_([t for t, _ in lone]))
        ).all()
    )
    whole = whole_text(texts) if len(texts) > 1 else None
    overrides: dict[int, str | None] = {}
    for target_id, platform in lone:
        if target_id not in current:
            continue  # already out: what it said stays
        own = current[target_id]
        ours = (
            own is None
            or not own.strip()
            or own == base
            or (bool(tail) and own.rstrip().endswith(tail))
        )
        if not ours:
            continue  # the person's own text for this network stays
        if whole is None:
            if own is not None and tail and own.rstrip().endswith(tail):
                overrides[target_id] = None  # the chain is gone: the post's text again
            continue
        problem = refusal(platform, whole)
        if problem:
            return problem
        overrides[target_id] = whole
    return WholePlan(overrides)


def apply(s: Session, done: WholePlan) -> None:
    for target_id, text in done.overrides.items():
        target = s.get(Target, target_id)
        if target is not None:
            target.content_override = text
