"""The engine's container store (app.core.container_ports): one row per attempt whose media
container is made but not yet settled, against the target it belongs to (a chain part's
attempt: its target), written before the container is published so that it outlives a crash.
Migration 0021; walled on PostgreSQL like the targets."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, Target

if TYPE_CHECKING:
    from app.core.clock import Clock
    from app.core.db import Database


class PublishContainer(Base):
    __tablename__ = "publish_containers"

    #: the attempt's idempotency key (targets.idempotency_key or target_parts.idempotency_key)
    idempotency_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(40))
    container_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class DbContainers:
    """ContainerStore in the database. A key that names no target or part (an adapter
    called outside the engine) is kept in memory only."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._loose: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        with self.db.session() as s:
            found = s.get(PublishContainer, key)
            return found.container_id if found is not None else self._loose.get(key)

    def put(self, key: str, platform: str, container_id: str) -> None:
        # here, not at the top: app.core.models imports this module while chain_models,
        # which imports models, may be half-initialised (`import app.core.chains` first)
        from app.core.chain_models import TargetPart

        with self.db.write_session() as s, s.begin():
            target_id = s.scalar(select(Target.id).where(Target.idempotency_key == key))
            if target_id is None:
                target_id = s.scalar(
                    select(TargetPart.target_id).where(TargetPart.idempotency_key == key)
                )
            if target_id is None:
                self._loose[key] = container_id
                return
            row = s.get(PublishContainer, key)
            if row is None:
                s.add(
                    PublishContainer(
                        idempotency_key=key,
                        target_id=target_id,
                        platform=platform,
                        container_id=container_id,
                        created_at=self.clock.now(),
                    )
                )
            else:
                row.container_id, row.created_at = container_id, self.clock.now()

    def forget(self, key: str) -> None:
        self._loose.pop(key, None)
        with self.db.write_session() as s, s.begin():
            s.execute(delete(PublishContainer).where(PublishContainer.idempotency_key == key))
