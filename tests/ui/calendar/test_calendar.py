from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QWidget,
)

from app.core.models import PostStatus, TargetStatus
from app.ui.calendar.base import mime_for_post
from app.ui.calendar.shortcuts import ShortcutsDialog
from app.ui.calendar.timegrid import CHIP_MIN_H, GUTTER, HOUR_H
from app.ui.calendar.view import CalendarView
from app.ui.composer import ComposerDialog
from app.ui.main_window import MainWindow
from tests.ui.calendar.helpers import (
    make_context,
    schedule,
    service,
    set_targets,
    setup_workspace,
    target_statuses,
)

TUE = datetime(2026, 1, 6, 10, 30)  # the fake clock: Monday 5 Jan 2026, 09:00 UTC


@pytest.fixture
def env(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    view = window.views["calendar"]
    assert isinstance(view, CalendarView)
    return context, ws, x, li, window, view


def drop(grid, post_id: int, pos: QPointF) -> None:
    mime = mime_for_post(post_id)
    for kind in ("enter", "move"):
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent

        cls = QDragEnterEvent if kind == "enter" else QDragMoveEvent
        event = cls(
            pos.toPoint(),  # drag enter/move events take an integer QPoint
            Qt.DropAction.MoveAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(grid, event)
    event = QDropEvent(
        pos,
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(grid, event)


def slot_pos(grid, day: date, hour: float) -> QPointF:
    col = (day - grid.first_day).days
    x = GUTTER + (col + 0.5) * grid.col_width()
    return QPointF(x, hour * HOUR_H + CHIP_MIN_H / 4 + 1)


def test_is_the_calendar_area_with_month_view_and_chips(env):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x, li], TUE)
    schedule(context, ws.id, [x], datetime(2026, 3, 1, 9))  # another month: not read
    view.reload()
    assert view.title == "Calendar"
    assert window.page_title.text() == "Calendar"
    assert view.mode == "month"
    assert view.findChild(QPushButton, "monthViewButton").isChecked()
    assert [c.post.id for c in view.month.chips] == [post_id]
    chip = view.month.chips[0]
    assert chip.local == TUE
    assert chip.post.display_status == "SCHEDULED"
    assert [p.label for p in chip.post.platforms] == ["X", "LinkedIn"]
    assert view.toolbar.range_label.text() == "January 2026"


def test_empty_week_says_what_to_do(env):
    *_, view = env
    QTest.keyClick(view.month, Qt.Key.Key_W)
    assert view.mode == "week"
    assert view.week.grid.empty_text == "No posts this week — double-click a slot to compose"
    assert view.week.grid.posts == []


def test_navigation_buttons_and_shortcuts(env, qtbot):
    *_, view = env
    grid = view.month
    grid.setFocus()
    view.findChild(QWidget, "nextButton").click()
    assert view.toolbar.range_label.text() == "February 2026"
    QTest.keyClick(grid, Qt.Key.Key_Left)
    QTest.keyClick(grid, Qt.Key.Key_Left)
    assert view.toolbar.range_label.text() == "December 2025"
    QTest.keyClick(grid, Qt.Key.Key_PageDown)
    assert view.toolbar.range_label.text() == "January 2026"
    QTest.keyClick(grid, Qt.Key.Key_D)
    assert view.mode == "day"
    QTest.keyClick(view.day.grid, Qt.Key.Key_T)
    assert view.anchor == date(2026, 1, 5)
    QTest.keyClick(view.day.grid, Qt.Key.Key_Right)
    assert view.anchor == date(2026, 1, 6)
    view.toolbar.today_button.click()
    assert view.anchor == date(2026, 1, 5)
    QTest.keyClick(view.day.grid, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    jump = view.findChild(QDateEdit, "jumpDateEdit")
    assert jump.hasFocus()
    jump.setDate(date(2026, 7, 14))
    assert view.anchor == date(2026, 7, 14)
    QTest.keyClick(view.day.grid, Qt.Key.Key_M)
    assert view.mode == "month"
    assert view.toolbar.range_label.text() == "July 2026"


def test_drag_to_reschedule_then_undo_and_redo(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x, li], TUE)
    view.set_mode("week")
    grid = view.week.grid
    assert [c.post.id for c in grid.chips] == [post_id]
    drop(grid, post_id, slot_pos(grid, date(2026, 1, 8), 14.0))
    moved = datetime(2026, 1, 8, 14, 0, tzinfo=UTC)
    assert service(context).get(post_id).scheduled_at == moved
    assert grid.local_time(post_id) == datetime(2026, 1, 8, 14, 0)
    assert "Ctrl+Z" in view.last_notice
    assert all(t.next_attempt_at == moved for t in service(context).get(post_id).targets)
    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert service(context).get(post_id).scheduled_at == datetime(2026, 1, 6, 10, 30, tzinfo=UTC)
    qtbot.waitUntil(lambda: grid.local_time(post_id) == TUE)
    # The status bar no longer offers to undo what was just undone.
    assert "Ctrl+Z to undo" not in view.last_notice and "Undone" in view.last_notice
    QTest.keyClick(
        grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert service(context).get(post_id).scheduled_at == moved


def test_month_drop_keeps_the_time_of_day(env):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE)
    grid = view.month
    view.reload()
    cell = grid.cell_rect((date(2026, 1, 20) - grid.first_day).days)
    drop(grid, post_id, cell.center())
    assert service(context).get(post_id).scheduled_at == datetime(2026, 1, 20, 10, 30, tzinfo=UTC)


def test_published_posts_cannot_be_moved(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE)
    set_targets(context, post_id, TargetStatus.PUBLISHED)
    view.reload()
    chip = view.month.chips[0]
    assert not chip.post.movable
    # Mouse: pressing and moving a published chip starts no drag and says why.
    start = chip.rect.center()
    QTest.mousePress(view.month, Qt.MouseButton.LeftButton, pos=start.toPoint())
    from PySide6.QtGui import QMouseEvent

    move = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        start + QPointF(0, 60),
        view.month.mapToGlobal(start + QPointF(0, 60)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.month, move)
    QTest.mouseRelease(view.month, Qt.MouseButton.LeftButton, pos=start.toPoint())
    assert view.last_notice == "Published posts can't be moved."
    # A drop (or Alt+arrow) is refused by the service as well.
    assert not view.reschedule_to_wall(post_id, datetime(2026, 1, 9, 9))
    assert "can't move" in view.last_notice
    assert service(context).get(post_id).scheduled_at == datetime(2026, 1, 6, 10, 30, tzinfo=UTC)


def test_keyboard_select_move_and_delete_with_undo(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE)
    view.reload()
    grid = view.month
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected_id == post_id
    QTest.keyClick(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert service(context).get(post_id).scheduled_at == datetime(2026, 1, 7, 10, 30, tzinfo=UTC)
    QTest.keyClick(grid, Qt.Key.Key_Delete)
    assert service(context).get(post_id).deleted
    assert view.month.chips == []
    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not service(context).get(post_id).deleted
    qtbot.waitUntil(lambda: [c.post.id for c in view.month.chips] == [post_id])


def test_double_click_empty_slot_composes_there(env, qtbot):
    context, ws, x, li, window, view = env
    view.set_mode("week")
    grid = view.week.grid
    pos = QPointF(GUTTER + 2.5 * grid.col_width(), 15 * HOUR_H + 5)  # Wed 7 Jan, 15:00
    QTest.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=pos.toPoint())
    dialog = window.findChild(ComposerDialog, "composerDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.schedule.wall() == datetime(2026, 1, 7, 15, 0)
    assert dialog.post is None
    dialog._dirty = False
    dialog.reject()


def test_double_click_post_edits_it(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE, text="Edit me")
    view.reload()
    chip = view.month.chips[0]
    QTest.mouseDClick(view.month, Qt.MouseButton.LeftButton, pos=chip.rect.center().toPoint())
    dialog = window.findChild(ComposerDialog, "composerDialog")
    assert dialog.post.id == post_id
    assert dialog.base_edit.toPlainText() == "Edit me"
    dialog.reject()


def trigger(menu, name: str) -> QAction:
    action = menu.findChild(QAction, name)
    assert action is not None, name
    action.trigger()
    return action


def test_context_menu_duplicate_delete_publish_retry(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x, li], TUE)
    menu = view.build_context_menu(post_id, None)
    assert not menu.findChild(QAction, "retryFailedAction").isEnabled()
    assert not menu.findChild(QAction, "openPublishedAction").isEnabled()
    trigger(menu, "duplicateAction")
    copies = [p for p in service(context).list_range(ws.id, *_jan()) if p.id != post_id]
    assert len(copies) == 1 and copies[0].status == PostStatus.DRAFT
    for dialog in window.findChildren(ComposerDialog):
        dialog.reject()
    trigger(view.build_context_menu(post_id, None), "publishNowAction")
    assert service(context).get(post_id).scheduled_at == context.clock.now()
    set_targets(context, post_id, TargetStatus.FAILED, account_id=x, error_message="Duplicate")
    menu = view.build_context_menu(post_id, None)
    trigger(menu, "retryFailedAction")
    assert target_statuses(context, post_id)[x] == TargetStatus.QUEUED
    trigger(view.build_context_menu(post_id, None), "deleteAction")
    assert service(context).get(post_id).deleted
    view.undo_stack.undo()
    assert not service(context).get(post_id).deleted
    empty = view.build_context_menu(None, datetime(2026, 1, 9, 9))
    trigger(empty, "composeHereAction")
    (dialog,) = [d for d in window.findChildren(ComposerDialog) if d.isVisible()]
    assert dialog.schedule.wall() == datetime(2026, 1, 9, 9)
    dialog.reject()


def test_open_published_post(env, monkeypatch):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE)
    set_targets(context, post_id, TargetStatus.PUBLISHED, external_url="https://x.com/b/status/1")
    opened = []
    monkeypatch.setattr(
        "app.ui.calendar.view.QDesktopServices.openUrl", lambda url: opened.append(url.toString())
    )
    trigger(view.build_context_menu(post_id, None), "openPublishedAction")
    assert opened == ["https://x.com/b/status/1"]


def _jan():
    return datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def test_failed_target_shows_reason_and_retry(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x, li], TUE)
    set_targets(
        context,
        post_id,
        TargetStatus.FAILED,
        account_id=x,
        error_code="403",
        error_message="You are not allowed to create a Tweet with duplicate content.",
    )
    view.refresh_attention()
    view.reload()
    assert view.month.chips[0].post.display_status == "FAILED"
    panel = view.problems
    assert panel.isVisible()
    labels = " ".join(lbl.text() for lbl in panel.findChildren(QLabel))
    assert "duplicate content" in labels
    retry = panel.findChild(QPushButton, "retryButton")
    retry.click()
    assert target_statuses(context, post_id)[x] == TargetStatus.QUEUED
    qtbot.waitUntil(lambda: not view.problems.isVisible())


def test_reconnect_banner(env, qtbot):
    context, ws, x, li, window, view = env
    from app.core.models import Account, AccountStatus

    with context.db.session() as s:
        account = s.get(Account, x)
        account.status = AccountStatus.REQUIRES_REAUTH
        account.status_reason = "The token was revoked"
        s.commit()
    view.refresh_attention()
    banner = view.banner
    assert banner.isVisible()
    button = banner.findChild(QPushButton, "reconnectButton")
    with qtbot.waitSignal(view.reconnectRequested) as blocker:
        button.click()
    assert blocker.args == [x]
    view.show_reauth(li, "Refresh token expired")
    assert set(banner.account_ids()) == {x, li}


def test_missed_posts_on_start(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    a = schedule(context, ws.id, [x], TUE, text="missed one")
    b = schedule(context, ws.id, [li], TUE, text="missed two")
    set_targets(context, a, TargetStatus.MISSED)
    set_targets(context, b, TargetStatus.MISSED)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.findChild(QPushButton, "publishMissedNowButton") is not None)
    dialog = window.views["calendar"]._missed_dialog
    assert dialog.objectName() == "missedPostsDialog"
    assert dialog.list.count() == 2
    dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.publish_button.click()
    assert target_statuses(context, a)[x] == TargetStatus.QUEUED
    assert dialog.list.count() == 1
    dialog.when_edit.setDateTime(datetime(2026, 1, 9, 12, 0))
    dialog.findChild(QPushButton, "rescheduleMissedButton").click()
    assert service(context).get(b).scheduled_at == datetime(2026, 1, 9, 12, 0, tzinfo=UTC)
    assert target_statuses(context, b)[li] == TargetStatus.QUEUED


def test_confirmation_after_a_crash(env, qtbot):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x, li], TUE)
    set_targets(context, post_id, TargetStatus.NEEDS_CONFIRMATION)
    view.refresh_attention()
    view.reload()
    assert view.month.chips[0].post.display_status == "ATTENTION"
    view.problems.findChild(QPushButton, "reviewButton").click()
    dialog = window.findChild(QPushButton, "confirmPublishedButton").window()
    assert dialog.objectName() == "confirmationDialog"
    dialog.findChild(QPushButton, "confirmPublishedButton").click()
    view.refresh_attention()
    view.problems.findChild(QPushButton, "reviewButton").click()
    again = [d for d in window.findChildren(QPushButton, "publishAgainButton") if d.isVisible()]
    again[0].click()
    statuses = set(target_statuses(context, post_id).values())
    assert statuses == {TargetStatus.PUBLISHED, TargetStatus.QUEUED}


def test_zone_switch_shows_other_zone(env):
    context, ws, x, li, window, view = env
    post_id = schedule(context, ws.id, [x], TUE)
    combo = view.findChild(QComboBox, "zoneSwitchCombo")
    assert combo.currentText() == "Europe/London"
    combo.setCurrentText("Asia/Tokyo")
    assert view.month.local_time(post_id) == datetime(2026, 1, 6, 19, 30)


def test_reloads_when_posts_change_on_another_thread(env, qtbot):
    context, ws, x, li, window, view = env
    worker = threading.Thread(target=lambda: schedule(context, ws.id, [x], TUE))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(view.month.chips) == 1)


def test_keyboard_shortcuts_in_help(env, qtbot):
    *_, window, view = env
    action = window.findChild(QAction, "keyboardShortcutsAction")
    assert action in window.help_menu.actions()
    action.trigger()
    dialog = view.findChild(ShortcutsDialog, "shortcutsDialog")
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Ctrl+Z" in keys and "T" in keys and "Left or PgUp" in keys
    dialog.reject()


def test_every_interactive_widget_has_names(env):
    *_, view = env
    for name in (
        "todayButton",
        "prevButton",
        "nextButton",
        "jumpDateEdit",
        "monthViewButton",
        "weekViewButton",
        "dayViewButton",
        "zoneSwitchCombo",
        "composeButton",
        "undoButton",
        "redoButton",
        "draftsButton",
    ):
        widget = view.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_undated_drafts_are_reachable(env, qtbot):
    context, ws, x, li, window, view = env
    button = view.toolbar.drafts_button
    assert not button.isVisibleTo(view)
    draft = service(context).create(ws.id, "An idea for later", [x])
    view.refresh_attention()
    assert button.isVisibleTo(view)
    assert button.text() == "Undated drafts (1)"
    view._fill_drafts()
    (action,) = view.drafts_menu.actions()
    assert action.text() == "An idea for later"
    action.trigger()
    (dialog,) = [d for d in window.findChildren(ComposerDialog) if d.isVisible()]
    assert dialog.post.id == draft.id
    dialog.reject()


def test_engine_slots(env, qtbot):
    context, ws, x, li, window, view = env
    label = view.findChild(QWidget, "networkLabel")
    view.on_network_state(False, "no route to host")
    assert label.isVisibleTo(view) and "Waiting for network" in label.text()
    view.on_network_state(True, "")
    assert not label.isVisibleTo(view)
    storage = view.findChild(QWidget, "storageLabel")
    view.on_storage_state(False, "The disk holding Herald's database (/x) is full")
    assert storage.isVisibleTo(view) and "Disk full" in storage.text()
    assert "/x" in storage.toolTip()
    view.on_storage_state(True, "")
    assert not storage.isVisibleTo(view)
    post_id = schedule(context, ws.id, [x], TUE)
    set_targets(context, post_id, TargetStatus.FAILED, error_message="Server error")
    view.on_engine_event(1, post_id, "Server error")
    qtbot.waitUntil(lambda: view.problems.isVisible())
    assert view.month.chips[0].post.display_status == "FAILED"
