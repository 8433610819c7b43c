"""The composer's media strip (issue 19): move an attachment left or right (the order a carousel
publishes in), write each image's alt text, a warning while an image has none, and the
workspace's "Require alt text" refusing at Schedule with the reason in words."""

from __future__ import annotations

from datetime import datetime

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QToolButton

from app.core.alt_text import AltTextPolicy
from app.platforms.names import Platform
from app.ui.composer import ComposerDialog
from tests.ui.calendar.helpers import add_account, make_context

WALL = datetime(2026, 1, 6, 10, 30)


@pytest.fixture
def env(qtbot, db, clock, tmp_path):
    context = make_context(db, clock)
    ws = context.workspaces.create("Bakery", "Europe/London")
    ig = add_account(context, ws.id, Platform.INSTAGRAM, "@bakery")
    photos = []
    for i, colour in enumerate(("orange", "brown", "white")):
        path = tmp_path / f"loaf{i}.jpg"
        Image.new("RGB", (1080, 1080), colour).save(path)
        photos.append(str(path))
    return context, ws, ig, photos


def open_composer(qtbot, context, ws) -> ComposerDialog:
    dialog = ComposerDialog(context, ws)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    return dialog


def names(dialog) -> list[str]:
    return [m.original_name for m in dialog.media.items]


def test_move_left_and_right_changes_the_publish_order(env, qtbot):
    context, ws, ig, photos = env
    dialog = open_composer(qtbot, context, ws)
    dialog.media.add_paths(photos)
    thumbs = dialog.findChild(QListWidget, "mediaThumbnails")
    left = dialog.findChild(QToolButton, "mediaMoveLeftButton")
    right = dialog.findChild(QToolButton, "mediaMoveRightButton")
    assert left is not None and right is not None
    thumbs.setCurrentRow(0)
    assert not left.isEnabled() and right.isEnabled()  # nothing left of the first
    qtbot.mouseClick(right, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["loaf1.jpg", "loaf0.jpg", "loaf2.jpg"]
    assert thumbs.currentRow() == 1  # the moved one stays selected
    thumbs.setCurrentRow(2)
    qtbot.mouseClick(left, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(left, Qt.MouseButton.LeftButton)
    assert names(dialog) == ["loaf2.jpg", "loaf1.jpg", "loaf0.jpg"]
    assert not left.isEnabled()


def test_alt_text_per_image_warning_and_what_is_saved(env, qtbot):
    context, ws, ig, photos = env
    dialog = open_composer(qtbot, context, ws)
    dialog.media.add_paths(photos)
    thumbs = dialog.findChild(QListWidget, "mediaThumbnails")
    alt = dialog.findChild(QLineEdit, "mediaAltTextEdit")
    warning = dialog.findChild(QLabel, "mediaAltTextWarning")
    assert warning.isVisible() and "Images 1, 2, 3 without alt text" in warning.text()
    for row, text in ((0, "Orange loaf"), (2, "White loaf")):
        thumbs.setCurrentRow(row)
        alt.clear()
        qtbot.keyClicks(alt, text)
    assert "Image 2 without alt text" in warning.text()
    thumbs.setCurrentRow(0)
    assert alt.text() == "Orange loaf"  # the field follows the selection
    thumbs.setCurrentRow(1)
    assert alt.text() == ""
    qtbot.mouseClick(
        dialog.findChild(QToolButton, "mediaMoveRightButton"), Qt.MouseButton.LeftButton
    )
    assert [m.alt_text for m in dialog.media.items] == ["Orange loaf", "White loaf", None]

    dialog.account_list.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.base_edit.setPlainText("Three loaves")
    detail = dialog.save("draft")
    assert detail is not None
    assert [m.alt_text for m in detail.media] == ["Orange loaf", "White loaf", None]
    assert [m.original_name for m in detail.media] == ["loaf0.jpg", "loaf2.jpg", "loaf1.jpg"]

    # Opening the post again shows each image's alt text in the field.
    again = ComposerDialog(context, ws, post_id=detail.id)
    qtbot.addWidget(again, before_close_func=lambda d: setattr(d, "_dirty", False))
    again.findChild(QListWidget, "mediaThumbnails").setCurrentRow(1)
    assert again.findChild(QLineEdit, "mediaAltTextEdit").text() == "White loaf"


def test_required_alt_text_refuses_at_schedule_in_words(env, qtbot):
    context, ws, ig, photos = env
    AltTextPolicy(context.db).set_required(ws.id, True)
    with pytest.raises(Exception) as refused:
        context.posts.create(
            ws.id, "Two loaves", [ig], media_paths=photos[:2],
            media_alt_texts=["Orange loaf"], scheduled_local=WALL, action="schedule",
        )  # fmt: skip
    assert "image 2 (loaf1.jpg) has no alt text" in str(refused.value)


def test_edit_workspace_turns_require_alt_text_on(qtbot, db, clock):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QCheckBox

    from app.core.appcontext import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.workspace_dialog import WorkspaceDialog

    context = AppContext(db=db, clock=clock)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    ws_id = window.workspace.id
    assert AltTextPolicy(db).is_required(ws_id) is False

    def tick():
        dialog = window.findChild(WorkspaceDialog, "workspaceDialog")
        check = dialog.findChild(QCheckBox, "workspaceRequireAltTextCheck")
        assert check is not None and not check.isChecked()
        check.setChecked(True)
        dialog.accept()

    QTimer.singleShot(0, tick)
    assert window.edit_workspace() is True
    assert AltTextPolicy(db).is_required(ws_id) is True
    # Creating a workspace does not offer it (a new workspace starts with it off).
    assert WorkspaceDialog(title="New").alt_text_check is None
