"""Start-up work that waits for the first frame (app/ui/after_expose.py, issue 20): it runs
once the main window is exposed, only once, and anyway after a while if it never is."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from app.ui.after_expose import after_first_expose


def test_the_work_runs_once_after_the_window_is_exposed(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    seen: list[bool] = []
    window.show()
    after_first_expose(window, lambda: seen.append(window.windowHandle().isExposed()))
    assert seen == []  # not before the event loop has shown the frame
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert seen == [True]
    window.hide()
    window.show()
    qtbot.wait(50)
    assert seen == [True]  # a later expose does not run it again


def test_a_window_never_exposed_still_gets_the_work_done(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.hide()  # shown then hidden before the event loop ran: no expose to wait for
    seen: list[int] = []
    after_first_expose(window, lambda: seen.append(1), fallback_ms=100)
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    qtbot.wait(150)
    assert seen == [1]


def test_a_window_not_shown_yet_runs_the_work_from_the_event_loop(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    seen: list[int] = []
    after_first_expose(window, lambda: seen.append(1))
    assert seen == []
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
