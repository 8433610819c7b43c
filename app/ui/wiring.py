"""Connects the running app's pieces: the scheduler thread's signals to the views and the tray,
and the views' requests to each other. Kept apart from MainWindow so the window stays a shell
that tests can build without an engine.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:  # the engine is imported when the scheduler is built, after the first frame
    from app.ui.scheduler_thread import SchedulerThread
    from app.ui.tray import TrayController

log = logging.getLogger(__name__)


def reconnect_account(window, account_id: int) -> None:
    """Show the Accounts area with that account selected and start its reconnect flow."""
    window.show_area("accounts")
    accounts = window.views.get("accounts")
    if accounts is None or not hasattr(accounts, "select_account"):
        return
    accounts.select_account(account_id)
    reconnect = getattr(accounts, "reconnect_selected", None)
    if reconnect is not None:
        reconnect()


def connect_views(window) -> None:
    calendar = window.views.get("calendar")
    if calendar is not None and hasattr(calendar, "reconnectRequested"):
        calendar.reconnectRequested.connect(
            lambda account_id: reconnect_account(window, account_id)
        )


def connect_scheduler(window, scheduler: SchedulerThread, tray: TrayController | None) -> QObject:
    calendar = window.views.get("calendar")
    accounts = window.context.accounts

    if calendar is not None:
        scheduler.targetPublished.connect(calendar.on_engine_event)
        scheduler.targetFailed.connect(calendar.on_engine_event)
        scheduler.needsConfirmation.connect(calendar.on_engine_event)
        scheduler.needsReauth.connect(calendar.show_reauth)
        scheduler.networkStateChanged.connect(calendar.on_network_state)
        scheduler.storageStateChanged.connect(calendar.on_storage_state)
        scheduler.missedPosts.connect(calendar.show_missed)

    maintenance = scheduler.maintenance

    def give_collector(analytics) -> None:
        if maintenance is not None and analytics.context.collector_factory is None:
            from app.core.analytics.jobs import collector_for

            # "Refresh metrics" fetches through the running scheduler's accounts and adapters.
            analytics.set_collector_factory(lambda: collector_for(maintenance.ctx))

    views = window.views
    if hasattr(views, "when_built"):  # the analytics view is built when first shown
        views.when_built("analytics", give_collector)
    elif views.get("analytics") is not None:
        give_collector(views["analytics"])

    if tray is not None:

        def on_failed(_target_id: int, post_id: int, reason: str) -> None:
            tray.notify_failure(reason)

        def on_reauth(account_id: int, reason: str) -> None:
            try:
                handle = accounts.get(account_id).handle
            except Exception:  # noqa: BLE001 — the account may have been removed meanwhile
                handle = ""
            tray.notify_reauth(handle, reason)

        scheduler.targetFailed.connect(on_failed)
        scheduler.needsReauth.connect(on_reauth)
        tray.quitRequested.connect(lambda: stop_scheduler(scheduler))
    return scheduler


def stop_scheduler(scheduler: SchedulerThread) -> None:
    if scheduler.isRunning():
        log.info("stopping the scheduler")
        scheduler.stop()
