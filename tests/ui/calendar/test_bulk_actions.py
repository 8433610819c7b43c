"""Issue 22's done-when for bulk actions, through the testers' plugin and objectNames:
select 12 posts, move them by a week, one Ctrl+Z restores all 12."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QSpinBox, QWidget
from sqlalchemy import update

from app.core.bulk import BulkService
from app.core.models import Post, PostStatus, Target, TargetStatus
from app.ui.calendar.bulk_dialogs import move_summary

# The plugin's clock: Monday 5 January 2026 09:00 UTC; the workspace zone is UTC.
TUESDAY = datetime(2026, 1, 6)


def twelve_posts(context, workspace, accounts) -> list[int]:
    """Twelve posts Tue-Sat of the plugin's first week, at 10:00, 13:00 and 16:00."""
    ids = []
    for n in range(12):
        wall = TUESDAY + timedelta(days=n // 3, hours=10 + 3 * (n % 3))
        post = context.posts.create(
            workspace.id, f"Bulk post {n}", [accounts["x"].id], scheduled_local=wall,
            action="schedule",
        )  # fmt: skip
        ids.append(post.id)
    return ids


def times(context, ids):
    return [context.posts.get(i).scheduled_at for i in ids]


def ctrl_click(grid: QWidget, chip) -> None:
    QTest.mouseClick(
        grid,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        chip.rect.center().toPoint(),
    )


def back_to_window(qtbot, window) -> None:
    """The question closed: the window manager gives the window the keyboard back (the
    offscreen platform has none, so the test does what it would)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def week_grid(qtbot, window, n: int):
    view = window.calendar
    view.set_mode("week")
    grid = view.week.grid
    qtbot.waitUntil(lambda: len(grid.chips) == n)
    return view, grid


def test_select_twelve_move_a_week_one_undo_restores_all(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    before = times(herald_context, ids)
    view, grid = week_grid(qtbot, herald_window, 12)

    for chip in list(grid.chips):  # Ctrl-click every chip
        ctrl_click(grid, chip)
    assert sorted(grid.selected_post_ids()) == sorted(ids)
    bar = herald_window.findChild(QWidget, "bulkSelectionBar")
    assert bar.isVisible()
    assert bar.findChild(QWidget, "bulkSelectionLabel").text() == "12 selected"

    qtbot.mouseClick(bar.findChild(QPushButton, "bulkMoveButton"), Qt.MouseButton.LeftButton)
    dialog = herald_window.findChild(QWidget, "bulkMoveDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.findChild(QSpinBox, "bulkMoveDaysSpin").setValue(7)
    assert dialog.findChild(QWidget, "bulkMoveSummary").text() == "Move 12 posts by +7 days."
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "bulkMoveConfirmButton"), Qt.MouseButton.LeftButton
    )
    assert times(herald_context, ids) == [t + timedelta(days=7) for t in before]
    assert "Ctrl+Z" in view.last_notice
    qtbot.waitUntil(lambda: grid.chips == [])  # they left the week shown
    back_to_window(qtbot, herald_window)

    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ONE Ctrl+Z
    assert times(herald_context, ids) == before
    qtbot.waitUntil(lambda: len(grid.chips) == 12)
    assert view.undo_stack.count() == 1 and not view.undo_stack.canUndo()
    QTest.keyClick(
        grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert times(herald_context, ids) == [t + timedelta(days=7) for t in before]


def test_rubber_band_select_all_and_published_posts_stay(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace, herald_clock
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    view, grid = week_grid(qtbot, herald_window, 12)
    # a rubber band over Tuesday and Wednesday takes their six posts
    tue = [c for c in grid.chips if c.local.day in (6, 7)]
    left = min(c.rect.left() for c in tue) - 2
    top = min(c.rect.top() for c in tue) - 4
    right = max(c.rect.right() for c in tue) + 2
    bottom = max(c.rect.bottom() for c in tue) + 4
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, pos=QPoint(int(left), int(top)))
    for step in range(1, 6):
        x = left + (right - left) * step / 5
        y = top + (bottom - top) * step / 5
        QTest.mouseMove(grid, QPoint(int(x), int(y)))
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=QPoint(int(right), int(bottom)))
    assert sorted(grid.selected_post_ids()) == sorted(ids[:6])

    # Ctrl+A: every post in view; two of them went out already
    bulk = BulkService(herald_context.db, herald_clock)
    QTest.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(grid.selected_post_ids()) == sorted(ids)
    with herald_context.db.session() as s:  # two went out (as the engine writes it)
        s.execute(update(Post).where(Post.id.in_(ids[:2])).values(status=PostStatus.PUBLISHED))
        s.execute(
            update(Target).where(Target.post_id.in_(ids[:2])).values(status=TargetStatus.PUBLISHED)
        )
        s.commit()
    items = bulk.snapshot(ids)
    assert move_summary(items, 7) == (
        "Move 10 of 12 posts by +7 days; 2 are already published and stay."
    )
    before = times(herald_context, ids)
    view.bulk._move(items, 7)
    after = times(herald_context, ids)
    assert after[:2] == before[:2]
    assert after[2:] == [t + timedelta(days=7) for t in before[2:]]


def test_delete_several_is_confirmed_and_one_undo_brings_them_back(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    view, grid = week_grid(qtbot, herald_window, 12)
    for chip in grid.chips[:4]:
        ctrl_click(grid, chip)
    chosen = grid.selected_post_ids()
    assert len(chosen) == 4
    QTest.keyClick(grid, Qt.Key.Key_Delete)
    dialog = herald_window.findChild(QWidget, "bulkConfirmDialog")
    assert dialog.findChild(QWidget, "bulkConfirmText").text() == (
        "Delete 4 posts (Ctrl+Z brings them back)."
    )
    assert not any(herald_context.posts.get(i).deleted for i in chosen)  # nothing yet
    qtbot.mouseClick(dialog.findChild(QPushButton, "bulkConfirmButton"), Qt.MouseButton.LeftButton)
    assert all(herald_context.posts.get(i).deleted for i in chosen)
    back_to_window(qtbot, herald_window)
    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not any(herald_context.posts.get(i).deleted for i in chosen)
    assert {c.post.id for c in grid.chips} <= set(ids)


def test_list_view_selection_duplicates_as_drafts(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    view = herald_window.calendar
    view.set_mode("list")
    view.list_view.select_ids(ids[:3])
    assert view.bulk.selected_ids() == ids[:3]
    dialog = view.bulk.duplicate()
    qtbot.mouseClick(dialog.findChild(QPushButton, "bulkConfirmButton"), Qt.MouseButton.LeftButton)
    assert herald_context.posts.drafts(herald_workspace.id) == []  # copies keep their time
    copies = [c.post_id for c in view.undo_stack.command(0).result.changed]
    assert [herald_context.posts.get(c).status for c in copies] == [PostStatus.DRAFT] * 3
    assert [herald_context.posts.get(c).scheduled_at for c in copies] == times(
        herald_context, ids[:3]
    )
    back_to_window(qtbot, herald_window)
    QTest.keyClick(view.list_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(herald_context.posts.get(c).deleted for c in copies)


def test_a_post_changed_elsewhere_is_reported_not_overwritten(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    view, grid = week_grid(qtbot, herald_window, 12)
    QTest.keyClick(grid, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    dialog = view.bulk.move()  # the question is open...
    elsewhere = datetime(2026, 2, 3, 12, tzinfo=UTC)
    herald_context.posts.reschedule(ids[0], elsewhere)  # ...when another window moves one
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "bulkMoveConfirmButton"), Qt.MouseButton.LeftButton
    )
    assert herald_context.posts.get(ids[0]).scheduled_at == elsewhere
    assert "1 changed elsewhere" in view.last_notice


def test_change_accounts_of_the_selection_and_undo(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    ids = twelve_posts(herald_context, herald_workspace, herald_accounts)
    view, grid = week_grid(qtbot, herald_window, 12)
    for chip in grid.chips[:3]:
        ctrl_click(grid, chip)
    chosen = grid.selected_post_ids()
    bar = herald_window.findChild(QWidget, "bulkSelectionBar")
    qtbot.mouseClick(bar.findChild(QPushButton, "bulkAccountsButton"), Qt.MouseButton.LeftButton)
    dialog = herald_window.findChild(QWidget, "bulkAccountsDialog")
    linkedin = herald_accounts["linkedin"]
    dialog.findChild(QWidget, f"bulkAccountCheck_{linkedin.id}").setChecked(True)
    summary = dialog.findChild(QWidget, "bulkAccountsSummary").text()
    assert summary == f"Publish 3 posts to {linkedin.handle} only."
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "bulkAccountsConfirmButton"), Qt.MouseButton.LeftButton
    )
    for post_id in chosen:
        assert {t.account_id for t in herald_context.posts.get(post_id).targets} == {linkedin.id}
    back_to_window(qtbot, herald_window)
    QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    x = herald_accounts["x"].id
    for post_id in chosen:
        assert {t.account_id for t in herald_context.posts.get(post_id).targets} == {x}
    assert set(ids) >= set(chosen)
