"""The instants the demo's clocks stop at while the history is simulated: new days, posts
falling due, and checkpoints to measure (a little late when that spares a stop)."""

from __future__ import annotations

from datetime import datetime, timedelta

ZERO = timedelta(0)

DAY, POST, METRIC = "day", "post", "metric"


class Timeline:
    """The instants the clocks stop at. Every event has a due time and a slack: the clocks
    stop at the earliest due time + slack among pending events, and everything due by then
    happens there. Posts and new days have no slack (a post goes out on its minute); a
    checkpoint is measured a little late when that spares a stop (as it is when Herald was
    closed at the time), the later checkpoints more so."""

    def __init__(self, end: datetime) -> None:
        self.end = end
        self._events: list[tuple[datetime, datetime, str, int]] = []  # deadline, due, kind, n

    def add(self, due: datetime, kind: str, n: int = 0, *, slack: timedelta = ZERO) -> None:
        if due < self.end:
            self._events.append((min(due + slack, self.end), due, kind, n))

    def retry(self, due: datetime | None, kind: str, now: datetime) -> None:
        """Something was not done (a retry, a rate limit): stop again when it is due."""
        if due is not None:
            self.add(max(due, now + timedelta(minutes=1)), kind)

    def next_stop(self) -> datetime | None:
        return min((e[0] for e in self._events), default=None)

    def pop_due(self, stop: datetime) -> dict[str, list[int]]:
        """The events due by `stop`, by kind. Checkpoints wait while they can: they are
        measured together when the first of them cannot wait any longer."""
        measure = any(e[2] == METRIC and e[0] <= stop for e in self._events)
        kinds: dict[str, list[int]] = {}
        keep = []
        for event in self._events:
            if event[1] <= stop and (measure or event[2] != METRIC):
                kinds.setdefault(event[2], []).append(event[3])
            else:
                keep.append(event)
        self._events = keep
        return kinds
