"""File ▸ Import posts from CSV… (issue 22): a preview table, bad rows highlighted with their
reasons, nothing imported until every row is valid; the rules of `main.py import`."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QWidget

from app.core.csv_rows import PLATFORM_TEXT, REQUIRED
from app.core.csv_table import read_table

HEADER = "scheduled_at,timezone,accounts,text,media\n"


def write(path, *rows: str):
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def open_dialog(qtbot, window):
    window.findChild(QAction, "importCsvAction").trigger()
    dialog = window.findChild(QWidget, "csvImportDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def loaded(qtbot, dialog, path) -> None:
    dialog.load(path)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)


def test_bad_rows_are_highlighted_and_nothing_is_imported_until_all_are_valid(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace, tmp_path
):
    handle = herald_accounts["x"].handle
    bad = write(
        tmp_path / "posts.csv",
        f"2026-01-07 10:00,UTC,{handle},Fresh bread,",
        f"2026-01-07 11:00,Mars/Olympus,{handle},Cake,",
        "2026-01-07 12:00,UTC,@nobody,Pie,",
        f"2026-01-04 12:00,UTC,{handle},Too late,",
    )
    dialog = open_dialog(qtbot, herald_window)
    loaded(qtbot, dialog, bad)
    model = dialog.findChild(QWidget, "csvPreviewTable").model()
    assert model.rowCount() == 4
    problems = [model.index(r, 5).data() for r in range(4)]
    assert problems[0] == "OK"
    assert "unknown time zone 'Mars/Olympus'" in problems[1]
    assert "unknown account '@nobody'" in problems[2]
    assert "already passed" in problems[3]
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None  # highlighted
    summary = dialog.findChild(QWidget, "csvImportSummary").text()
    assert summary.startswith("3 of 4 rows have problems")
    button = dialog.findChild(QPushButton, "csvImportButton")
    assert not button.isEnabled()
    dialog.start_import()  # even asked directly, nothing goes in
    assert (
        herald_context.posts.list_range(
            herald_workspace.id, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
        )
        == []
    )

    good = write(
        tmp_path / "fixed.csv",
        f"2026-01-07 10:00,UTC,{handle},Fresh bread,",
        f"2026-01-07 11:00,Europe/London,{handle},Cake,",
    )
    loaded(qtbot, dialog, good)
    assert button.isEnabled() and button.text() == "Import 2 posts"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    assert dialog.findChild(QWidget, "csvImportSummary").text() == "Imported 2 posts."
    posts = herald_context.posts.list_range(
        herald_workspace.id, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert sorted(p.excerpt for p in posts) == ["Cake", "Fresh bread"]
    assert {p.scheduled_at for p in posts} == {
        datetime(2026, 1, 7, 10, 0, tzinfo=UTC),
        datetime(2026, 1, 7, 11, 0, tzinfo=UTC),
    }


def test_a_broken_file_is_said_and_shows_no_rows(
    qtbot, herald_window, herald_accounts, herald_workspace, tmp_path
):
    path = tmp_path / "broken.csv"
    path.write_text("when,who\n1,2\n", encoding="utf-8")
    dialog = open_dialog(qtbot, herald_window)
    loaded(qtbot, dialog, path)
    assert dialog.findChild(QWidget, "csvPreviewTable").model().rowCount() == 0
    assert "scheduled_at" in dialog.findChild(QWidget, "csvImportSummary").text()
    assert not dialog.findChild(QPushButton, "csvImportButton").isEnabled()


def test_progress_is_reported_for_big_files(
    qtbot, herald_window, herald_accounts, herald_workspace, tmp_path
):
    handle = herald_accounts["x"].handle
    rows = [
        f"2026-02-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d},UTC,{handle},post {n},"
        for n in range(600)
    ]
    path = write(tmp_path / "big.csv", *rows)
    seen: list[tuple[int, int]] = []
    dialog = open_dialog(qtbot, herald_window)
    dialog.service.preview(path, herald_workspace.id, lambda n, t: seen.append((n, t)))
    assert seen == [(200, 600), (400, 600), (600, 600)]
    assert len(read_table(path, REQUIRED, tuple(PLATFORM_TEXT.values())).records) == 600
