"""The publishing engine on its own QThread, reporting through Qt signals.

The UI thread never waits on the engine: the engine publishes events from its threads and this
class re-emits them as signals, which Qt queues to the receivers' (UI) thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from app.core import events as ev
from app.core.appcontext import AppContext
from app.core.engine import EngineSettings, PublishingEngine
from app.core.engine.maintenance import Maintenance

log = logging.getLogger(__name__)


class SchedulerThread(QThread):
    """Hosts `PublishingEngine.run_forever` (and, optionally, the daily maintenance).

    Signals:
        targetPublished(int target_id, int post_id): a post went out to one account.
        targetFailed(int target_id, int post_id, str reason): a target gave up; `reason` is
            the platform's own message.
        needsReauth(int account_id, str reason): an account's token was refused and its one
            refresh failed; its posts wait until it is reconnected.
        needsConfirmation(int target_id): Herald stopped mid-publish and the platform could
            not say whether the post exists; the person confirms or publishes again.
        networkStateChanged(bool online, str reason): False = "waiting for network" (the queue
            is paused, no attempts are used); True when publishing resumed ("" reason).
        storageStateChanged(bool ok, str reason): False = the database's disk is full (the
            queue is paused, nothing is lost); True when it can be written again.
        missedPosts(list post_ids): posts that fell due while Herald was closed, past the
            grace period; not sent, listed for the person to publish now or reschedule.

    `stop()` asks the engine to finish (publishes in progress complete, claimed work that had
    not started is given back) and waits a bounded time.
    """

    targetPublished = Signal(int, int)
    targetFailed = Signal(int, int, str)
    needsReauth = Signal(int, str)
    needsConfirmation = Signal(int)
    networkStateChanged = Signal(bool, str)
    missedPosts = Signal(list)
    storageStateChanged = Signal(bool, str)

    def __init__(
        self,
        engine: PublishingEngine,
        *,
        maintenance: Maintenance | None = None,
        on_stopped: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("schedulerThread")
        self.engine = engine
        self.maintenance = maintenance
        self._on_stopped = on_stopped  # e.g. close the adapters' HTTP clients
        self._stop = threading.Event()
        self._unsubscribe = engine.events.subscribe(self._relay)

    def _relay(self, event: ev.Event) -> None:
        d = event.data
        if event.kind == ev.TARGET_PUBLISHED:
            self.targetPublished.emit(int(d["target_id"]), int(d["post_id"]))
        elif event.kind == ev.TARGET_FAILED:
            self.targetFailed.emit(int(d["target_id"]), int(d["post_id"]), str(d["reason"]))
        elif event.kind == ev.NEEDS_REAUTH:
            self.needsReauth.emit(int(d["account_id"]), str(d["reason"]))
        elif event.kind == ev.NEEDS_CONFIRMATION:
            self.needsConfirmation.emit(int(d["target_id"]))
        elif event.kind == ev.NETWORK_STATE:
            self.networkStateChanged.emit(bool(d["online"]), str(d.get("reason") or ""))
        elif event.kind == ev.STORAGE_STATE:
            self.storageStateChanged.emit(bool(d["ok"]), str(d.get("reason") or ""))
        elif event.kind == ev.MISSED_POSTS:
            self.missedPosts.emit(list(d["post_ids"]))

    def run(self) -> None:
        if self.maintenance is not None:
            self.maintenance.start()
        try:
            self.engine.run_forever(self._stop)
        except Exception:  # the thread must not die silently; the log says why
            log.exception("the publishing engine stopped unexpectedly")
        finally:
            _forget_dummy_thread()

    def wake(self) -> None:
        """Re-check due work now (the engine also wakes on POSTS_CHANGED by itself)."""
        self.engine.wake()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Stop and wait at most `timeout_ms`; True when the thread has finished."""
        self._stop.set()
        self.engine.wake()
        finished = self.wait(timeout_ms) if self.isRunning() else True
        if self.maintenance is not None:
            self.maintenance.shutdown()
        self._unsubscribe()
        if finished and self._on_stopped is not None:
            self._on_stopped()
            self._on_stopped = None
        return bool(finished)


def _forget_dummy_thread() -> None:
    """Python code on a QThread registers a threading._DummyThread that Python 3.11 never
    removes (it reports itself alive forever); drop it as the QThread ends, as Python 3.13
    does by itself, so thread accounting stays true."""
    current = threading.current_thread()
    if isinstance(current, threading._DummyThread):
        with threading._active_limbo_lock:  # type: ignore[attr-defined]
            threading._active.pop(threading.get_ident(), None)  # type: ignore[attr-defined]


def build_scheduler(
    context: AppContext,
    *,
    settings: EngineSettings | None = None,
    maintenance: bool = True,
    parent: QObject | None = None,
) -> SchedulerThread:
    """The app's scheduler on the context's adapters (app.bootstrap chose where they send
    requests), the daily maintenance, and the adapters' HTTP clients closed when it stops."""
    engine = context.publishing_engine(settings)
    upkeep = None
    if maintenance:
        from app.core.analytics import jobs as analytics_jobs

        analytics_jobs.register()  # metric checkpoints and best-time recompute
        upkeep = Maintenance(context.maintenance_context())
    return SchedulerThread(
        engine, maintenance=upkeep, on_stopped=context.close_adapters, parent=parent
    )
