"""Issue 21 points 4 and 5, through the testers' kit: a new composer is calm (nothing is an
error before the person tries to schedule; counters neutral, amber near the limit, red over it;
a missing Instagram photo is its own line), and an Instagram account without media hosting is
warned about while composing, refused at Schedule, and the button there opens the fix."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
)

from app.platforms.names import Platform
from app.testing import compose_post
from tests.ui.calendar.helpers import add_account


def _open_composer(qtbot, window) -> QDialog:
    qtbot.mouseClick(window.findChild(QAbstractButton, "composeButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _composer(window) is not None)
    return _composer(window)


def _composer(window):
    found = [d for d in window.findChildren(QDialog, "composerDialog") if d.isVisible()]
    return found[0] if found else None


def _close(dialog) -> None:
    dialog._dirty = False
    dialog.close()


def _rows(dialog) -> list[tuple[str, str]]:
    listing = dialog.findChild(QListWidget, "warningsList")
    return [
        (listing.item(i).data(Qt.ItemDataRole.UserRole + 1), listing.item(i).text())
        for i in range(listing.count())
    ]


def _settle(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=2000)


def _tick_only(dialog, account_ids) -> None:
    listing = dialog.findChild(QListWidget, "accountList")
    for row in range(listing.count()):
        item = listing.item(row)
        wanted = item.data(Qt.ItemDataRole.UserRole) in account_ids
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def test_a_new_composer_is_calm_until_schedule_is_tried(qtbot, herald_window, herald_accounts):
    dialog = _open_composer(qtbot, herald_window)
    ig = herald_accounts["instagram"].id
    _tick_only(dialog, {ig, herald_accounts["x"].id})
    _settle(qtbot, dialog)
    rows = _rows(dialog)
    assert rows and all(severity == "todo" for severity, _ in rows), rows
    assert any("photo or video" in text for _, text in rows)  # its own line
    for account in (ig, herald_accounts["x"].id):
        counter = dialog.findChild(QLabel, f"counterLabel_{account}")
        assert counter.property("state") == "ok"
        assert "#b91c1c" not in counter.styleSheet()
    schedule = dialog.findChild(QPushButton, "scheduleButton")
    assert schedule.isEnabled(), schedule.toolTip()
    assert not dialog.findChild(QLabel, "composerErrorLabel").isVisible()

    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.mouseClick(schedule, Qt.MouseButton.LeftButton)
    assert saved == []
    error = dialog.findChild(QLabel, "composerErrorLabel")
    assert error.isVisible() and "Write something" in error.text()
    assert {severity for severity, _ in _rows(dialog)} == {"error"}
    _close(dialog)


def test_counters_are_amber_near_and_red_over_the_limit_not_for_a_missing_photo(
    qtbot, herald_window, herald_accounts
):
    dialog = _open_composer(qtbot, herald_window)
    x, ig = herald_accounts["x"].id, herald_accounts["instagram"].id
    _tick_only(dialog, {x, ig})
    base = dialog.findChild(QPlainTextEdit, "baseTextEdit")
    x_counter = dialog.findChild(QLabel, f"counterLabel_{x}")
    ig_counter = dialog.findChild(QLabel, f"counterLabel_{ig}")
    base.setPlainText("a" * 200)
    _settle(qtbot, dialog)
    assert x_counter.property("state") == "ok"
    assert ig_counter.property("state") == "ok"  # no photo yet: a line below, not a red count
    assert any("photo or video" in text for _, text in _rows(dialog))
    base.setPlainText("a" * 260)
    _settle(qtbot, dialog)
    assert x_counter.property("state") == "near" and "#b45309" in x_counter.styleSheet()
    base.setPlainText("a" * 300)
    _settle(qtbot, dialog)
    assert x_counter.property("state") == "over" and "#b91c1c" in x_counter.styleSheet()
    assert ig_counter.property("state") == "ok"
    _close(dialog)


@pytest.fixture
def instagram_without_hosting(herald_context, herald_workspace):
    """A real (not emulator) Instagram account with no media hosting, and a Facebook Page that
    could host its pictures."""
    ig = add_account(herald_context, herald_workspace.id, Platform.INSTAGRAM, "@corner.bakery")
    add_account(herald_context, herald_workspace.id, Platform.FACEBOOK, "Corner Bakery")
    return ig


def test_instagram_without_media_hosting_is_warned_refused_and_fixable(
    qtbot, herald_window, herald_context, instagram_without_hosting, tmp_path
):
    from PIL import Image

    herald_window.views["accounts"].set_workspace(herald_window.workspace)  # sees the new ones
    ig = instagram_without_hosting
    dialog = _open_composer(qtbot, herald_window)
    _tick_only(dialog, {ig})
    dialog.findChild(QPlainTextEdit, "baseTextEdit").setPlainText("Our new rye loaf")
    photo = tmp_path / "rye.jpg"
    Image.new("RGB", (1080, 1080), "peru").save(photo)
    dialog.media.add_paths([str(photo)])
    _settle(qtbot, dialog)
    rows = _rows(dialog)
    assert ("warning" in {s for s, _ in rows}) and any("media hosting" in t for _, t in rows)
    fix = dialog.findChild(QPushButton, "mediaHostingFixButton")
    assert fix.isVisible()

    saved: list[int] = []
    dialog.saved.connect(saved.append)
    qtbot.mouseClick(dialog.findChild(QPushButton, "scheduleButton"), Qt.MouseButton.LeftButton)
    assert saved == []
    assert "no media hosting" in dialog.findChild(QLabel, "composerErrorLabel").text()

    def choose_page_photos() -> None:
        hosting = next(
            (
                w
                for w in dialog.window().findChildren(QDialog)
                if w.objectName() == "mediaHostingDialog"
            ),
            None,
        ) or herald_window.findChild(QDialog, "mediaHostingDialog")
        if hosting is None or not hosting.isVisible():
            QTimer.singleShot(20, choose_page_photos)
            return
        hosting.findChild(QRadioButton, "facebookPagePhotoRadio").setChecked(True)
        hosting.findChild(QPushButton, "mediaHostingSaveButton").click()

    QTimer.singleShot(0, choose_page_photos)
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert not fix.isVisible()
    assert not any("media hosting" in t for _, t in _rows(dialog)), _rows(dialog)
    assert herald_context.accounts.get(ig).settings["media_hosting"]["kind"] == (
        "facebook_page_photo"
    )
    _close(dialog)


def test_compose_post_still_schedules_for_emulator_instagram(
    qtbot, herald_window, herald_accounts, tmp_path
):
    from PIL import Image

    photo = tmp_path / "rye.jpg"
    Image.new("RGB", (1080, 1080), "peru").save(photo)
    post_id = compose_post(
        qtbot, herald_window, "Rye is back", accounts=["instagram"], media=[photo]
    )
    assert post_id > 0
