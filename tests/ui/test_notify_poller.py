"""The tray's notifications (issue 23): the poller asks NotificationService off the UI thread
and shows each new one in the tray, once; the status bar's button counts and lists them."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QMainWindow, QToolButton

from app.core.notifications import MemoryMarks, NotificationService
from app.ui.notify_poller import NotificationPoller
from tests.core.approval_world import act_as, make_world


class FakeTray:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.clicks: list = []

    def notify(self, title: str, message: str, *, on_click=None) -> None:
        self.shown.append((title, message))
        self.clicks.append(on_click)


def test_new_notifications_reach_the_tray_once_and_the_badge(qtbot, db, clock, monkeypatch):
    world = make_world(db, clock, monkeypatch)
    window = QMainWindow()
    qtbot.addWidget(window)
    tray = FakeTray()
    marks = MemoryMarks()
    act_as(monkeypatch, "Bob")
    poller = NotificationPoller(NotificationService(db, marks), tray, window, interval_ms=50)
    poller.start()  # the first look sets Bob's mark: nothing old is news
    qtbot.waitUntil(lambda: marks.marks != {})
    assert tray.shown == []

    act_as(monkeypatch, "Ann")
    post = world.post("Opening at 10")
    world.flow.submit(post)
    act_as(monkeypatch, "Bob")
    qtbot.waitUntil(lambda: len(tray.shown) == 1, timeout=5000)
    assert tray.shown == [("A post needs your approval", "Ann submitted “Opening at 10”")]
    button = window.findChild(QToolButton, "notificationsButton")
    assert button.text() == "1 new"

    clock.advance(timedelta(minutes=1))
    world.flow.comment(post, "looks good @Bob")  # his own comment: not news
    qtbot.wait(300)  # several polls pass
    assert len(tray.shown) == 1

    poller.stop()
    poller._fill_menu()
    texts = [a.text() for a in poller.menu.actions() if a.text()]
    assert texts[0] == "A post needs your approval: Ann submitted “Opening at 10”"
    [clear] = [a for a in poller.menu.actions() if a.objectName() == "notificationsClearAction"]
    clear.trigger()
    assert button.text() == "" and button.toolTip() == "No new notifications"


def test_a_failing_read_is_logged_and_polling_goes_on(qtbot, caplog):
    class Broken:
        calls = 0

        def new_for_me(self):
            Broken.calls += 1
            raise OSError("connection lost")

    tray = FakeTray()
    poller = NotificationPoller(Broken(), tray, None, threaded=False)
    poller.poll()
    poller.poll()
    assert Broken.calls == 2 and tray.shown == []
    assert "could not read what is new" in caplog.text


def test_the_launch_hook_polls_the_contexts_service_into_its_data_folder(
    qtbot, herald_context, tmp_path
):
    from app.core.paths import data_path
    from app.ui.notify_poller import install

    window = QMainWindow()
    qtbot.addWidget(window)
    poller = install(window, herald_context, FakeTray())
    marks = data_path() / "notification-marks.json"
    qtbot.waitUntil(marks.exists, timeout=5000)  # the first look set this member's mark
    assert poller.timer.isActive() and poller.timer.interval() == 30_000
    assert window.findChild(QToolButton, "notificationsButton") is poller.button
    poller.stop()


def test_a_click_on_a_notification_opens_its_post_in_its_workspace(qtbot, db, clock, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from app.core.appcontext import AppContext
    from app.ui.main_window import MainWindow

    world = make_world(db, clock, monkeypatch)
    context = AppContext(db=db, clock=clock)
    other = context.workspaces.create("Another client", "UTC")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.select_workspace(other.id)
    tray = FakeTray()
    act_as(monkeypatch, "Bob")
    poller = NotificationPoller(NotificationService(db, MemoryMarks()), tray, window)
    poller.openRequested.connect(window.open_post)
    poller.poll()  # sets Bob's mark
    qtbot.waitUntil(lambda: not poller._busy)
    act_as(monkeypatch, "Ann")
    post = world.post("Opening at 10")
    world.flow.submit(post)
    act_as(monkeypatch, "Bob")
    with qtbot.waitSignal(poller.arrived, timeout=5000):
        poller.poll()

    with qtbot.waitSignal(poller.openRequested) as opened:
        tray.clicks[-1]()  # the tray message
    assert opened.args == [world.ws, post]
    assert window.workspace.id == world.ws  # switched to the post's workspace
    composer = window.findChild(QDialog, "composerDialog")
    assert composer is not None and composer.isVisible()
    composer.reject()

    poller._fill_menu()
    [entry] = [a for a in poller.menu.actions() if a.objectName() == "notificationOpenAction"]
    with qtbot.waitSignal(poller.openRequested) as opened:
        entry.trigger()  # the status bar's list
    assert opened.args == [world.ws, post]


def test_the_tray_runs_the_clicked_messages_action_only(qtbot, db):
    from PySide6.QtWidgets import QMainWindow as Window

    from app.ui.tray import TrayController

    window = Window()
    qtbot.addWidget(window)
    tray = TrayController(window, available=False)
    tray.ask_close_without_tray = lambda: "quit"  # closing at teardown asks nobody
    clicked = []
    tray.notify("Your post was approved", "Bob approved it", on_click=lambda: clicked.append(1))
    tray.message_clicked()
    assert clicked == [1]
    tray.notify_failure("rejected by X")  # a later message without an action replaces it
    tray.message_clicked()
    assert clicked == [1]
