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


def _apply_saved_theme(app, context) -> None:
    """The theme chosen in Settings (light, dark or the system's); HERALD_THEME overrides it
    for one run (screenshots of both themes)."""
    from app.core.settings import THEMES, SettingsService
    from app.ui.theme import apply_theme

    override = os.environ.get("HERALD_THEME", "").strip().lower()
    apply_theme(app, override if override in THEMES else SettingsService(context.db).theme())


def _run_window(app, args: argparse.Namespace, context, first) -> int:
    from app.ui.accounts.services import vault_of
    from app.ui.main_window import MainWindow
    from app.ui.passphrase import unlock_vault

    vault_of(context)  # installs the passphrase dialog before anything needs the vault
    window = MainWindow(context)
    if args.self_check:
        window.show()
        app.processEvents()
        ok = window.isVisible()
        window.close()
        print("self-check ok" if ok else "self-check failed")
        return 0 if ok else 1

    from app.core.settings import SettingsService
    from app.ui import wiring
    from app.ui.tray import TrayController

    tray = TrayController(window, SettingsService(context.db))
    wiring.connect_views(window)
    from app.ui import notify_poller

    notify_poller.install(window, context, tray)  # issue 23: approvals, mentions, failures
    window.show()
    if first is not None and first.connect_accounts:
        window.show_area("accounts")

    started: list[Any] = []  # the scheduler, once it runs

    def start_publishing() -> None:
        # After the first frame (issue 20): unlocking the vault (a keyring or a passphrase)
        # and importing and starting the engine are not what the person waits to see.
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
        from app.ui.scheduler_thread import build_scheduler

        scheduler = build_scheduler(context)
        wiring.connect_scheduler(window, scheduler, tray)
        scheduler.start()
        started.append(scheduler)

    from app.ui import errors
    from app.ui.after_expose import after_first_expose

    uninstall = errors.install(window)
    after_first_expose(window, start_publishing)
    try:
        return app.exec()
    finally:
        uninstall()
        for scheduler in started:
            wiring.stop_scheduler(scheduler)
