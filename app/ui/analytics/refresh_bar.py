""" "Refresh metrics now": the bar that shows a running refresh (objectName refreshBar, with
refreshProgress and refreshCancelButton) and the job behind it. The collector fetches on a
worker thread; progress and the result come back to the UI thread through signals."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.core.db import Database
from app.platforms.names import Platform
from app.ui.analytics.background import BackgroundJob
from app.ui.analytics.services import CollectorFactory

HIDE_AFTER_MS = 6000


def post_targets(db: Database, post_id: int) -> list[int]:
    """The targets "Refresh metrics ▸ Selected post" fetches."""
    from app.core.analytics.aggregates import per_post

    return [t.target_id for t in per_post(db, post_id).targets]


def range_targets(
    db: Database,
    workspace_id: int,
    start: datetime,
    end: datetime,
    platforms: Sequence[Platform] | None,
) -> list[int]:
    """The targets "Refresh metrics ▸ All posts in this range" fetches."""
    from app.core.analytics.refresh import targets_in_range

    return list(targets_in_range(db, workspace_id, start, end, platforms))


class RefreshBar(QFrame):
    """Signals: done() after each refresh, whether it worked or not."""

    done = Signal()
    _progress = Signal(int, int)  # from the worker thread (queued to the UI thread)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("refreshBar")
        self.setProperty("role", "card")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(8)
        self.label = QLabel("", self)
        row.addWidget(self.label)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("refreshProgress")
        self.progress.setAccessibleName(self.tr("Metrics refresh progress"))
        self.progress.setTextVisible(True)
        row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("refreshCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        self._progress.connect(self._on_progress)
        self.job: BackgroundJob | None = None
        self.last_result: Any = None  # the last RefreshResult (None: failed or none yet)
        self.last_done = False
        self._cancel = threading.Event()
        self.hide()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(
        self, factory: CollectorFactory, targets: Callable[[], list[int]], label: str
    ) -> BackgroundJob:
        """The job (not started: the caller tracks and starts it)."""
        self._cancel = threading.Event()
        cancel, progress = self._cancel, self._progress

        def work() -> Any:
            collector = factory()
            return collector.refresh_now(
                targets(), lambda done, total: progress.emit(done, total), cancel
            )

        self.last_done = False
        self.label.setText(label)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(True)
        self.show()
        job = BackgroundJob(work, "herald-metrics-refresh", self)
        job.succeeded.connect(self._finished)
        job.failed.connect(lambda message: self._finished(None, message))
        self.job = job
        return job

    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling…"))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("%v of %m posts"))

    def _finished(self, result: Any, error: str | None = None) -> None:
        self.job = None
        self.cancel_button.setEnabled(False)
        if result is None:
            text = self.tr("Refresh failed: {error}").format(error=error)
        elif result.cancelled:
            text = self.tr("Cancelled after {done} of {total} posts").format(
                done=result.done, total=result.total
            )
        elif result.errors:
            text = self.tr("Updated {n} posts; {problems}").format(
                n=result.stored, problems="; ".join(result.errors[:2])
            )
        else:
            text = self.tr("Updated {n} posts").format(n=result.stored)
        self.label.setText(text)
        self.last_result = result
        self.last_done = True
        QTimer.singleShot(HIDE_AFTER_MS, self, self._hide_when_idle)
        self.done.emit()

    def _hide_when_idle(self) -> None:
        if self.job is None:
            self.hide()
