"""The ideas board (issue 22) through the testers' plugin and objectNames: cards in named
columns, moved between columns, dragged onto a day (scheduled) or into the queue."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton, QWidget

from app.core.ideas import IdeasService
from app.core.models import PostStatus
from app.testing import set_queue_slots
from app.ui.calendar.dragdrop import mime_for_post


def drop_on(widget: QWidget, post_id: int, pos: QPointF) -> None:
    """What a drag of the card ends with (QDrag.exec can't run in a test)."""
    mime = mime_for_post(post_id)
    enter = QDragEnterEvent(
        pos.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, enter)
    event = QDropEvent(
        pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def open_board(qtbot, window):
    view = window.calendar
    qtbot.mouseClick(window.findChild(QToolButton, "ideasBoardButton"), Qt.MouseButton.LeftButton)
    board = window.findChild(QWidget, "ideasBoard")
    assert board.isVisible()
    return view, board


def titles(board) -> list[str]:
    return [w.column.name for w in board.column_widgets]


def cards(board, n: int) -> list[str]:
    lst = board.column_widgets[n].cards
    return [lst.item(i).text() for i in range(lst.count())]


def write_idea(qtbot, board, column: int, text: str) -> None:
    edit = board.column_widgets[column].findChild(QLineEdit, "ideaNewCardEdit")
    edit.setText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_write_ideas_move_them_and_schedule_one_on_a_day(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    view, board = open_board(qtbot, herald_window)
    assert titles(board) == ["Ideas", "In progress", "Ready"]
    write_idea(qtbot, board, 0, "Croissant Friday")
    write_idea(qtbot, board, 0, "Behind the ovens")
    assert cards(board, 0) == ["Croissant Friday", "Behind the ovens"]

    first = board.column_widgets[0].cards.post_ids()[0]
    drop_on(board.column_widgets[2].cards.viewport(), first, QPointF(10, 10))  # into Ready
    qtbot.waitUntil(lambda: cards(board, 2) == ["Croissant Friday"])
    assert cards(board, 0) == ["Behind the ovens"]

    # it needs an account before it can be scheduled: the status bar says so
    view.set_mode("month")
    cell = view.month.cell_rect((date(2026, 1, 9) - view.month.first_day).days)
    drop_on(view.month, first, cell.center())
    assert "Choose at least one account" in view.last_notice
    assert herald_context.posts.get(first).status == PostStatus.DRAFT

    x = herald_accounts["x"].id
    herald_context.posts.update(first, "Croissant Friday", [x])
    board.reload()
    drop_on(view.month, first, cell.center())  # a month day: 09:00
    post = herald_context.posts.get(first)
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == datetime(2026, 1, 9, 9, 0, tzinfo=UTC)
    qtbot.waitUntil(lambda: cards(board, 2) == [])
    assert first in [c.post.id for c in view.month.chips]


def test_a_card_dropped_on_add_to_queue_takes_the_next_slot(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    x = herald_accounts["x"]
    set_queue_slots(herald_context, [x], "Mon–Fri 17:00")
    ideas = IdeasService(herald_context.db, herald_context.clock)
    card = ideas.add_card(
        herald_workspace.id, "Queue me", ideas.columns(herald_workspace.id)[0].id, [x.id]
    )
    view, board = open_board(qtbot, herald_window)
    assert cards(board, 0) == ["Queue me"]
    drop_on(board.findChild(QWidget, "ideasQueueDrop"), card, QPointF(5, 5))
    assert herald_context.posts.get(card).scheduled_at == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    assert "Added to the queue" in view.last_notice
    assert cards(board, 0) == []


def test_columns_are_named_by_the_person_and_stored(
    qtbot, herald_window, herald_context, herald_workspace
):
    view, board = open_board(qtbot, herald_window)
    dialog = board.ask_new_column()
    dialog.setTextValue("Someday")
    dialog.accept()
    assert titles(board) == ["Ideas", "In progress", "Ready", "Someday"]
    board.move_column(board.column_widgets[3].column.id, -3)
    assert titles(board) == ["Someday", "Ideas", "In progress", "Ready"]
    rename = board.ask_rename(board.column_widgets[2].column.id)
    rename.setTextValue("Doing")
    rename.accept()
    stored = IdeasService(herald_context.db, herald_context.clock).columns(herald_workspace.id)
    assert [c.name for c in stored] == ["Someday", "Ideas", "Doing", "Ready"]
    bad = board.ask_rename(board.column_widgets[2].column.id)
    bad.setTextValue("ready")
    bad.accept()
    assert view.last_notice == "There is already a column named 'Ready'."
    assert titles(board)[2] == "Doing"


def test_labels_on_a_card(qtbot, herald_window, herald_context, herald_workspace):
    view, board = open_board(qtbot, herald_window)
    write_idea(qtbot, board, 0, "Half-price Monday")
    post_id = board.column_widgets[0].cards.post_ids()[0]
    dialog = board.ask_new_label(post_id)
    dialog.setTextValue("Promo")
    dialog.accept()
    ideas = IdeasService(herald_context.db, herald_context.clock)
    [label] = ideas.labels_of([post_id])[post_id]
    assert label.name == "Promo" and label.colour.startswith("#")
    item = board.column_widgets[0].cards.item(0)
    assert "Promo" in item.toolTip() and not item.icon().isNull()
    menu = board.build_card_menu(post_id)
    action = menu.findChild(type(menu.actions()[0]), f"ideaLabelAction_{label.id}")
    assert action.isChecked()
    action.setChecked(False)
    assert ideas.labels_of([post_id]) == {}
    menu.close()


def test_the_calendar_filters_by_label(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    x = herald_accounts["x"].id
    promo, plain = (
        herald_context.posts.create(
            herald_workspace.id, text, [x], scheduled_local=datetime(2026, 1, 7, 10 + n),
            action="schedule",
        ).id
        for n, text in enumerate(("Half price", "Just bread"))
    )  # fmt: skip
    ideas = IdeasService(herald_context.db, herald_context.clock)
    label = ideas.add_label(herald_workspace.id, "Promo", "#dc2626")
    ideas.set_labels(promo, [label.id])
    view = herald_window.calendar
    view.set_mode("week")
    qtbot.waitUntil(lambda: len(view.week.grid.chips) == 2)
    menu = view.filter_menu
    menu.aboutToShow.emit()  # fills the menu as opening it does
    action = menu.findChild(QAction, f"filter_label_{label.id}")
    assert action is not None and action.text() == "Promo"
    action.setChecked(True)
    assert [c.post.id for c in view.week.grid.chips] == [promo]
    assert view.toolbar.filter_button.text() == "Filter (1)"
    view.set_mode("list")
    assert view.list_view.post_ids() == [promo]
    action.setChecked(False)
    assert sorted(view.list_view.post_ids()) == sorted([promo, plain])


def test_a_scheduled_post_gets_a_label_from_its_right_click_menu(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    post = herald_context.posts.create(
        herald_workspace.id, "Half price", [herald_accounts["x"].id],
        scheduled_local=datetime(2026, 1, 7, 10), action="schedule",
    ).id  # fmt: skip
    ideas = IdeasService(herald_context.db, herald_context.clock)
    label = ideas.add_label(herald_workspace.id, "Promo", "#dc2626")
    view = herald_window.calendar
    menu = view.build_context_menu(post, None)
    labels = menu.findChild(QWidget, "postLabelsMenu")
    action = labels.findChild(QAction, f"ideaLabelAction_{label.id}")
    assert not action.isChecked()
    action.setChecked(True)
    assert [x.name for x in ideas.labels_of([post])[post]] == ["Promo"]
    view.set_mode("week")
    qtbot.waitUntil(lambda: view.week.grid.label_colours.get(post) == ["#dc2626"])


def test_a_card_goes_to_the_queue_from_its_menu_too(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    x = herald_accounts["x"]
    set_queue_slots(herald_context, [x], "Mon–Fri 17:00")
    ideas = IdeasService(herald_context.db, herald_context.clock)
    first = ideas.columns(herald_workspace.id)[0].id
    card = ideas.add_card(herald_workspace.id, "By keyboard", first, [x.id])
    view, board = open_board(qtbot, herald_window)
    menu = board.build_card_menu(card)
    menu.findChild(QAction, "ideaQueueAction").trigger()
    assert herald_context.posts.get(card).scheduled_at == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    assert cards(board, 0) == []
