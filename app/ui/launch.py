"""Starting the GUI: display check, database, first run, main window, tray, scheduler.

Herald itself is put together by app/bootstrap.py: app/cli.py hands its `open_context` to
`run_gui`, so the UI receives an AppContext and never imports the composition root (or the
adapters behind it).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

NO_DISPLAY = (
    "herald: no display found (DISPLAY/WAYLAND_DISPLAY are not set). Run Herald on a desktop, "
    "or headless with QT_QPA_PLATFORM=offscreen, or under a virtual screen: xvfb-run make run"
)


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS always have a window server


def _make_app():
    from PySide6.QtWidgets import QApplication

    from app.ui.icons import app_icon
    from app.ui.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Herald")
    app.setOrganizationName("Herald")
    app.setApplicationDisplayName("Herald")
    app.setDesktopFileName("herald")  # Wayland: match the window to herald.desktop
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


#: app.bootstrap.open_context: (database URL, demo_env=...) -> AppContext
OpenContext = Callable[..., Any]


def run_gui(args: argparse.Namespace, open_context: OpenContext) -> int:
    if args.self_check:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2

    from app.core.logsetup import setup_logging

    setup_logging()
    app = _make_app()
    if not (args.self_check or args.demo):
        from app.ui.window_first import read_ahead

        ahead = read_ahead(args.db)
        if ahead is not None:  # a known SQLite file with workspaces: window first
            return _run_window_first(app, args, open_context, ahead)

    context = _open_context(open_context, args.db, demo=args.demo, self_check=args.self_check)
    if context is None:
        return 1
    _apply_saved_theme(app, context)
    first = None
    if not (args.self_check or context.demo) and not context.workspaces.list():
        from app.ui.first_run import run_first_run

        first = run_first_run(context)
        if first.cancelled:
            context.close()
            return 0
        if first.demo:  # "Explore the demo" on the welcome screen: same as --demo
            context.close()
            context = _open_context(open_context, None, demo=True, self_check=False)
            if context is None:
                return 1
    try:
        return _run_window(app, args, context, first)
    finally:
        context.close()


def _open_context(open_context: OpenContext, db_url: str | None, *, demo: bool, self_check: bool):
    """The AppContext on the database (the demo's own when demo), or None after telling the
    person why it cannot be opened."""
    from PySide6.QtWidgets import QMessageBox

    from app.core.db import DatabaseError

    demo_env = None
    if demo:
        from app.ui.demo_launch import start_demo

        demo_env = start_demo()
        if demo_env is None:
            return None
    try:
        # The demo's context stops its emulator when it closes.
        return open_context(db_url, demo_env=demo_env)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        if demo_env is not None:
            demo_env.close()
        if self_check:
            print(f"herald: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Herald", str(exc))
        return None


def _apply_saved_theme(app, context, saved: str | None = None) -> None:
    """The theme chosen in Settings (light, dark or the system's); HERALD_THEME overrides it
    for one run (screenshots of both themes). `saved`: the choice, read ahead."""
    from app.ui.theme import apply_theme

    override = os.environ.get("HERALD_THEME", "").strip().lower()
    if saved is None:
        from app.core.settings import SettingsService

        saved = SettingsService(context.db).theme()
    apply_theme(app, override if override in ("system", "light", "dark") else saved)


def _run_window(app, args: argparse.Namespace, context, first) -> int:
    from app.ui.main_window import MainWindow

    _install_vault(context)
    window = MainWindow(context)
    if args.self_check:
        window.show()
        app.processEvents()
        ok = window.isVisible()
        window.close()
        print("self-check ok" if ok else "self-check failed")
        return 0 if ok else 1
    running = _Running()
    running.start(window, context, first)
    window.show()
    if first is not None and first.connect_accounts:
        window.show_area("accounts")
    from app.ui.after_expose import after_first_expose

    after_first_expose(window, lambda: running.start_publishing(window, context))
    try:
        return app.exec()
    finally:
        running.stop()


def _run_window_first(app, args: argparse.Namespace, open_context: OpenContext, ahead) -> int:
    """The window's frame on screen first, the database opened on a worker thread after its
    first frame, the content filled in when it is open (app/ui/window_first.py)."""
    from app.ui.after_expose import after_first_expose, after_next_paint
    from app.ui.main_window import MainWindow
    from app.ui.window_first import ContextLoader

    _apply_saved_theme(app, None, ahead.theme)
    window = MainWindow(None, workspaces=ahead.workspaces)
    running = _Running()
    first_workspace = ahead.workspaces[0] if ahead.workspaces else None
    loader = ContextLoader(open_context, args.db, first_workspace, window)

    def content(opened) -> None:
        context, month = opened
        running.context = context
        _install_vault(context)
        if month is not None:  # read on the worker: the calendar finds it in its prefetch
            window.views.when_built("calendar", month.seed)
        window.attach(context)
        running.start(window, context, None)
        # The first frame is long on screen; the month's posts are painted first.
        grid = window.calendar.current_grid()
        after_next_paint(grid, lambda: running.start_publishing(window, context))

    def failed(exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from app.core.db import DatabaseError

        if isinstance(exc, DatabaseError):
            log.error("cannot open database: %s", exc)
        else:
            log.error("cannot open database", exc_info=exc)
        window.hide()
        QMessageBox.critical(None, "Herald", str(exc) or type(exc).__name__)
        app.exit(1)

    loader.ready.connect(content)
    loader.failed.connect(failed)
    window.show()
    after_first_expose(window, loader.start)
    try:
        return app.exec()
    finally:
        running.stop()
        if running.context is not None:
            running.context.close()


def _install_vault(context) -> None:
    from app.ui.accounts.services import vault_of

    vault_of(context)  # installs the passphrase dialog before anything needs the vault


class _Running:
    """What the window starts beside its views (tray, wiring, notifications, the error
    hook, the scheduler) and stops when the event loop ends."""

    def __init__(self) -> None:
        self.context: Any = None
        self.schedulers: list[Any] = []
        self.uninstall: Callable[[], None] | None = None
        self.tray: Any = None

    def start(self, window, context, first) -> None:
        from app.core.settings import SettingsService
        from app.ui import errors, notify_poller, wiring
        from app.ui.tray import TrayController

        self.tray = TrayController(window, SettingsService(context.db))
        wiring.connect_views(window)
        notify_poller.install(window, context, self.tray)  # issue 23: approvals, mentions
        self.uninstall = errors.install(window)

    def start_publishing(self, window, context) -> None:
        # After the first frame (issue 20): unlocking the vault (a keyring or a passphrase)
        # and importing and starting the engine are not what the person waits to see.
        from app.ui.passphrase import unlock_vault

        if not unlock_vault(context.vault, window):
            window.statusBar().showMessage(
                window.tr("Publishing is paused: the vault is locked (no passphrase given).")
            )
            return
        if context.vault.key_source == "member-key":
            # A member's login (issue 23): the agency's workers publish; this desktop only plans.
            window.statusBar().showMessage(
                window.tr("Connected as a member: the agency's workers publish your posts.")
            )
            return
        from app.ui import wiring
        from app.ui.scheduler_thread import build_scheduler

        scheduler = build_scheduler(context)
        wiring.connect_scheduler(window, scheduler, self.tray)
        scheduler.start()
        self.schedulers.append(scheduler)

    def stop(self) -> None:
        from app.ui import wiring

        if self.uninstall is not None:
            self.uninstall()
        for scheduler in self.schedulers:
            wiring.stop_scheduler(scheduler)
