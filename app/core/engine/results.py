"""What the engine reports: each target's outcome, a cycle's counts, the network state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    PUBLISHED = "published"
    RETRY = "retry"  # transient failure, attempt used, due again later
    FAILED = "failed"
    WAITING = "waiting"  # rate limit / network / reauth: back in the queue, no attempt used
    CONFIRM = "needs_confirmation"
    REQUEUED = "requeued"  # reconciliation found nothing: will be sent
    RELEASED = "released"
    SKIPPED = "skipped"  # no longer ours


@dataclass(frozen=True)
class RunResult:
    claimed: int = 0
    reconciled: int = 0
    outcomes: Mapping[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        return int(self.outcomes.get(outcome, 0))

    @property
    def published(self) -> int:
        return self.count(Outcome.PUBLISHED)

    @property
    def failed(self) -> int:
        return self.count(Outcome.FAILED)

    @property
    def busy(self) -> bool:
        return bool(self.claimed or self.reconciled)


@dataclass(frozen=True)
class NetworkState:
    online: bool
    reason: str | None = None

    @property
    def label(self) -> str:
        return "online" if self.online else "waiting for network"
