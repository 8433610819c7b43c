"""Starting the GUI: display check, database, logging, then the main window."""

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


def run_gui(args: argparse.Namespace) -> int:
    if args.self_check:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2

    from app.core.logsetup import setup_logging

    setup_logging()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Herald")
    app.setOrganizationName("Herald")
    app.setApplicationDisplayName("Herald")
    app.setDesktopFileName("herald")  # Wayland: match the window to herald.desktop
    from app.ui.icons import app_icon

    app.setWindowIcon(app_icon())
    apply_theme(app)

    from app.core.db import DatabaseError, open_database

    try:
        db = open_database(args.db)
    except DatabaseError as exc:
        log.error("cannot open database: %s", exc)
        if args.self_check:
            print(f"herald: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Herald", str(exc))
        return 1

    from app.core.appcontext import AppContext
    from app.ui.main_window import MainWindow

    context = AppContext(db=db, demo=bool(args.demo))
    window = MainWindow(context)
    window.show()
    if args.self_check:
        app.processEvents()
        ok = window.isVisible()
        window.close()
        context.close()
        print("self-check ok" if ok else "self-check failed")
        return 0 if ok else 1
    try:
        return app.exec()
    finally:
        context.close()
