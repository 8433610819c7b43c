"""Group commit: many publishing threads hand their results to whichever of them is writing,
and one transaction records them all.

One write transaction per published target made the database the bottleneck: every writer
holds the (SQLite) write lock while each of its statements waits to get the GIL back from
dozens of busy HTTP threads. Batching turns hundreds of small transactions into a few.
No extra thread: the first caller to find nobody writing becomes the writer until the queue
is empty; the others wait for their own result (so a caller knows its result is committed
before it reports it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Entry(Generic[T, R]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    result: R | None = None
    error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[Sequence[T]], Sequence[R]], max_batch: int = 200) -> None:
        self._write = write
        self._max = max_batch
        self._lock = threading.Lock()
        self._pending: list[_Entry[T, R]] = []
        self._writing = False

    def submit(self, item: T) -> R:
        entry: _Entry[T, R] = _Entry(item)
        with self._lock:
            self._pending.append(entry)
            leader = not self._writing
            if leader:
                self._writing = True
        if leader:
            self._drain()
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry.result  # type: ignore[return-value]

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                if not batch:
                    self._writing = False
                    return
            try:
                results = self._write([e.item for e in batch])
            except BaseException as exc:  # noqa: BLE001 — every waiter learns; none waits forever
                for e in batch:
                    e.error = exc
                    e.done.set()
                continue
            for e, r in zip(batch, results, strict=True):
                e.result = r
                e.done.set()
