"""Starting the GUI: display check, database, first run, main window, tray, scheduler."""

from __future__ import annotations

import argparse
import logging
import os
import sys

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

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Herald")
    app.setOrganizationName("Herald")
    app.setApplicationDisplayName("Herald")
    app.setDesktopFileName("herald")  # Wayland: match the window to herald.desktop
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def run_gui(args: argparse.Namespace) -> int:
    if args.self_check:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2

    from app.core.logsetup import setup_logging

    setup_logging()
    app = _make_app()

    context = _open_context(args.db, demo=args.demo, self_check=args.self_check)
    if context is None:
        return 1
    _apply_saved_theme(app, context)
    first = None
    if not (args.self_check or context.demo) and not context.workspaces.list():
        from app.ui.first_run import run_first_run

        first = run_first_run(context)
        if first.cancelled:
            _close(context)
            return 0
        if first.demo:  # "Explore the demo" on the welcome screen: same as --demo
            _close(context)
            context = _open_context(None, demo=True, self_check=False)
            if context is None:
                return 1
    try:
        return _run_window(app, args, context, first)
    finally:
        _close(context)


def _open_context(db_url: str | None, *, demo: bool, self_check: bool):
    """The database (the demo's own when demo) wrapped in an AppContext, or None after
    telling the person why it cannot be opened."""
    from PySide6.QtWidgets import QMessageBox

    from app.core.appcontext import AppContext
    from app.core.db import DatabaseError, open_database

    demo_env = None
    if demo:
        from app.ui.demo_launch import start_demo

        demo_env = start_demo()
        if demo_env is None:
            return None
        db_url = demo_env.db_url
    try:
        db = open_database(db_url)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        if demo_env is not None:
            demo_env.emulator.stop()
        if self_check:
            print(f"herald: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Herald", str(exc))
        return None
    context = AppContext(
        db=db,
        demo=demo_env is not None,
        emulator_url=demo_env.emulator.base_url if demo_env else None,
    )
    if demo_env is not None:
        # The demo's vault key lives beside the demo database: no keychain or passphrase.
        context.vault = demo_env.vault(db)  # type: ignore[misc]
    context.demo_env = demo_env  # type: ignore[attr-defined]  # stopped in _close
    return context


def _close(context) -> None:
    context.close()
    demo_env = getattr(context, "demo_env", None)
    if demo_env is not None:
        demo_env.close()


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
    window.show()
    if first is not None and first.connect_accounts:
        window.show_area("accounts")

    scheduler = None
    if unlock_vault(context.vault, window):
        # boot: app/bootstrap.py will hand these over instead of a CLI module
        from app.commands.worker import PlatformAdapters
        from app.ui.scheduler_thread import build_scheduler

        adapters = PlatformAdapters(context.clock, context.accounts)
        scheduler = build_scheduler(
            context.db,
            context.clock,
            context.events,
            context.accounts,
            adapters,
            on_stopped=adapters.close,
        )
        wiring.connect_scheduler(window, scheduler, tray)
        window.scheduler = scheduler  # the analytics area's "Refresh now" uses its collector
        scheduler.start()
    else:
        window.statusBar().showMessage(
            window.tr("Publishing is paused: the vault is locked (no passphrase given).")
        )
    from app.ui import errors

    uninstall = errors.install(window)
    try:
        return app.exec()
    finally:
        uninstall()
        if scheduler is not None:
            wiring.stop_scheduler(scheduler)
