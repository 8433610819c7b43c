"""A thread pool per platform, so one slow platform never starves the others, and the set of
targets this engine has in flight."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from app.core.db import DiskFullError
from app.core.engine import store
from app.core.engine.connectivity import Storage
from app.core.engine.results import Outcome
from app.platforms.names import Platform

log = logging.getLogger(__name__)


class PlatformPools:
    def __init__(self, per_platform: int, storage: Storage, on_done: Callable[[], None]) -> None:
        """`on_done` runs after every target's turn (the engine claims more)."""
        self._per_platform = per_platform
        self._storage = storage
        self._on_done = on_done
        self._lock = threading.Lock()
        self._pools: dict[Platform, ThreadPoolExecutor] = {}
        self._inflight: set[int] = set()

    # ------------------------------------------------------------ in flight

    def inflight(self) -> list[int]:
        with self._lock:
            return sorted(self._inflight)

    def inflight_count(self) -> int:
        with self._lock:
            return len(self._inflight)

    def hold(self, target_ids: Iterable[int]) -> None:
        with self._lock:
            self._inflight.update(target_ids)

    def drop(self, target_ids: Iterable[int]) -> None:
        with self._lock:
            self._inflight.difference_update(target_ids)

    # ------------------------------------------------------------ running

    def submit(self, work: store.Work, fn: Callable[[store.Work], Outcome]) -> Future[Outcome]:
        def task() -> Outcome:
            try:
                return fn(work)
            except DiskFullError as exc:
                # Its outcome could not be stored: the lease runs out and reconciliation asks
                # the platform once there is space.
                self._storage.state(ok=False, reason=str(exc))
                return Outcome.SKIPPED
            except Exception:
                # The lease runs out and reconciliation takes over: never a silent duplicate.
                log.exception("publishing target %s failed unexpectedly", work.target_id)
                return Outcome.SKIPPED
            finally:
                self.drop([work.target_id])
                self._on_done()

        return self._pool(work.platform).submit(task)

    def _pool(self, platform: Platform) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._pools.get(platform)
            if pool is None:
                pool = ThreadPoolExecutor(
                    self._per_platform, thread_name_prefix=f"herald-{platform.value}"
                )
                self._pools[platform] = pool
            return pool

    def close(self) -> list[int]:
        """Stop the pools (running turns finish); the targets still held, now let go."""
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.shutdown(wait=True)
        with self._lock:
            left = sorted(self._inflight)
            self._inflight.clear()
        return left
