"""Builds the main window's views from the AppContext: the one place that knows both the
context and the views. Each view receives in its constructor what it uses (its services, the
clock, the event hub, a way to tell the person something) and reaches for nothing else; the
window stays a shell that shows them.

An area's view has a `title` attribute and a `set_workspace(WorkspaceInfo | None)` method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QMainWindow, QWidget

if TYPE_CHECKING:
    from app.core.appcontext import AppContext
    from app.core.workspaces import WorkspaceInfo
    from app.ui.analytics.view import AnalyticsView
    from app.ui.calendar.view import CalendarView
    from app.ui.first_run_checklist import FirstRunChecklist
    from app.ui.main_window import MainWindow
    from app.ui.queue_slots import QueueSlotsEditor

AREAS = ("calendar", "analytics", "accounts")
STATUS_MS = 8000


def status_line(window: QMainWindow, ms: int = STATUS_MS) -> Callable[[str], None]:
    """Tells the person one line in the window's status bar."""

    def notify(text: str) -> None:
        window.statusBar().showMessage(text, ms)

    return notify


def build(area: str, window: QMainWindow) -> QWidget:
    """The view of `area`, built from `window.context` (MainWindow's AppContext)."""
    builders: dict[str, Callable[[AppContext, QMainWindow], QWidget]] = {
        "calendar": calendar_view,
        "analytics": analytics_view,
        "accounts": accounts_view,
    }
    return builders[area](window.context, window)  # type: ignore[attr-defined]


def composer_factory(context: AppContext) -> Callable[..., QDialog]:
    def open_composer(workspace: WorkspaceInfo, **kwargs: Any) -> QDialog:
        from app.ui.composer import ComposerDialog

        return ComposerDialog(context, workspace, **kwargs)

    return open_composer


def calendar_view(context: AppContext, window: QMainWindow) -> CalendarView:
    from app.core.labelfilter import LabelQuery
    from app.ui.calendar.services import CalendarServices
    from app.ui.calendar.view import CalendarView

    services = CalendarServices(
        posts=context.posts,
        query=LabelQuery(context.db),  # PostQuery and the label facet (issue 22)
        clock=context.clock,
        events=context.events,
        accounts=lambda workspace_id: context.accounts.list(workspace_id),
        open_composer=composer_factory(context),
        notify=status_line(window),
    )
    return CalendarView(services, window)


def analytics_view(context: AppContext, window: QMainWindow) -> AnalyticsView:
    from app.ui.analytics.services import AnalyticsServices
    from app.ui.analytics.view import AnalyticsView

    services = AnalyticsServices(
        db=context.db,
        clock=context.clock,
        events=context.events,
        # Testers may give the context a collector factory; otherwise wiring.py hands over
        # the running scheduler's.
        collector_factory=getattr(context, "metrics_collector", None),
        notify=status_line(window, 5000),
    )
    return AnalyticsView(services, window)


def accounts_view(context: AppContext, window: QMainWindow) -> QWidget:
    from app.ui.accounts.view import AccountsView

    return AccountsView(context, window)


def first_run_checklist(context: AppContext, window: MainWindow) -> FirstRunChecklist:
    """The first-run checklist above the views; its steps lead to the window's areas."""
    from app.core.onboarding import OnboardingService
    from app.ui.first_run_checklist import FirstRunChecklist

    def compose() -> None:
        window.show_area("calendar")
        window.calendar.compose()

    checklist = FirstRunChecklist(
        OnboardingService(context.db),
        context.events,
        demo=context.demo,
        show_accounts=lambda: window.show_area("accounts"),
        edit_workspace=lambda: window.edit_workspace(),  # late: testers may replace it
        compose=compose,
        parent=window,
    )
    window.workspaceChanged.connect(checklist.set_workspace)
    if window.workspace is not None:
        checklist.set_workspace(window.workspace.id)
    return checklist


def queue_slots_editor(
    context: AppContext, workspace: WorkspaceInfo, parent: QWidget
) -> QueueSlotsEditor:
    from app.core.queues import QueueService
    from app.ui.queue_slots import QueueSlotsEditor

    service = QueueService(context.db, context.clock, context.events)
    return QueueSlotsEditor(service, context.accounts.list(workspace.id), workspace, parent)


def csv_import_dialog(context: AppContext, workspace: WorkspaceInfo, parent: QWidget) -> QDialog:
    """File ▸ Import posts from CSV… (issue 22)."""
    from app.core.csv_import import CsvImportService
    from app.ui.import_dialog import CsvImportDialog

    service = CsvImportService(context.db, context.clock, context.events, context.posts)
    return CsvImportDialog(service, workspace, parent)
