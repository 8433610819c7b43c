"""Snapshots of claimed chain parts and first comments (`PartWork`): everything needed to
send one without the ORM, with the platform id of what it replies to or comments on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.chain_models import PART, TargetPart
from app.core.db import Database
from app.core.engine.parts import joined, pool_key
from app.core.engine.policy import History
from app.core.models import Account, Target, TargetStatus
from app.platforms.names import Platform


@dataclass(frozen=True)
class PartWork:
    part_id: int
    target_id_: int
    post_id: int
    account_id: int
    platform: Platform
    kind: str
    position: int
    text: str
    parent_external_id: str
    idempotency_key: str
    attempts: int
    due: datetime | None
    error_code: str | None
    error_message: str | None
    maybe_sent_since: datetime | None

    @property
    def target_id(self) -> int:
        """The engine's pools key work by this (see pool_key)."""
        return pool_key(self.part_id)

    @property
    def lookup_from(self) -> datetime | None:
        known = [t for t in (self.maybe_sent_since, self.due) if t is not None]
        return min(known) if known else None

    def history(self, *, interrupted: bool = False) -> History:
        return History(
            attempts=self.attempts,
            due=self.due,
            maybe_sent_since=self.maybe_sent_since,
            last_error_code=self.error_code,
            last_error_message=self.error_message,
            interrupted=interrupted,
        )


def load(db: Database, part_ids: list[int], owner: str) -> dict[int, PartWork]:
    """Snapshots of claimed parts still held by `owner`, with their parent's platform id."""
    if not part_ids:
        return {}
    cols = (
        TargetPart.id,
        Target.id,
        Target.post_id,
        Account.id,
        Account.platform,
        TargetPart.kind,
        TargetPart.position,
        TargetPart.text,
        Target.external_id,
        TargetPart.idempotency_key,
        TargetPart.attempts,
        TargetPart.next_attempt_at,
        Target.published_at,
        TargetPart.error_code,
        TargetPart.error_message,
        TargetPart.maybe_sent_since,
    )
    with db.session() as s:
        rows = s.execute(
            joined(*cols).where(
                TargetPart.id.in_(part_ids),
                TargetPart.lease_owner == owner,
                TargetPart.status == TargetStatus.IN_FLIGHT,
            )
        ).all()
        prev: dict[tuple[int, int], tuple[str | None, datetime | None]] = {}
        for tid, pos, ext, at in s.execute(
            select(
                TargetPart.target_id,
                TargetPart.position,
                TargetPart.external_id,
                TargetPart.published_at,
            ).where(
                TargetPart.target_id.in_({r[1] for r in rows}),
                TargetPart.kind == PART,
                TargetPart.status == TargetStatus.PUBLISHED,
            )
        ):
            prev[(tid, pos)] = (ext, at)
    works: dict[int, PartWork] = {}
    for r in rows:
        parent_id, parent_at = r[8], r[12]
        if r[5] == PART and r[6] > 2:
            parent_id, parent_at = prev.get((r[1], r[6] - 1), (None, None))
        if parent_id is None:
            continue  # cannot happen: claimed only once the parent is out
        known = [t for t in (r[11], parent_at) if t is not None]
        works[r[0]] = PartWork(
            part_id=r[0],
            target_id_=r[1],
            post_id=r[2],
            account_id=r[3],
            platform=Platform(r[4]),
            kind=r[5],
            position=r[6],
            text=r[7],
            parent_external_id=parent_id,
            idempotency_key=r[9],
            attempts=r[10],
            due=max(known) if known else None,
            error_code=r[13],
            error_message=r[14],
            maybe_sent_since=r[15],
        )
    return works
