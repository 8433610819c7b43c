from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QTextBrowser,
    QTimeEdit,
    QWidget,
)

from app.core.besttime import Suggestion
from app.core.models import PostStatus, TargetStatus
from app.platforms.names import Platform
from app.ui.composer import ComposerDialog
from app.ui.composer.editors import highlighted_ranges
from tests.ui.calendar.helpers import (
    add_account,
    make_context,
    schedule,
    service,
    set_targets,
    setup_workspace,
)

WALL = datetime(2026, 1, 6, 10, 30)


@pytest.fixture
def env(qtbot, db, clock):
    context = make_context(db, clock)
    ws, x, li = setup_workspace(context)
    return context, ws, x, li


def open_composer(qtbot, context, ws, **kwargs) -> ComposerDialog:
    dialog = ComposerDialog(context, ws, **kwargs)
    # Never ask about unsaved changes while tearing down (a modal box would block).
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    return dialog


def find(dialog, cls, name):
    widget = dialog.findChild(cls, name)
    assert widget is not None, name
    return widget


def type_text(qtbot, editor: QPlainTextEdit, text: str) -> None:
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.insertPlainText(text)


def tab_index(dialog, account_id: int) -> int:
    return dialog.tabs.indexOf(dialog.tabs_by_account[account_id])


def settle(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=2000)


def test_compose_with_per_platform_edits_and_schedule(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    accounts = find(dialog, QListWidget, "accountList")
    assert accounts.count() == 2
    tabs = find(dialog, QTabWidget, "platformTabs")
    # All networks + one per account (all checked for a new post) + Thread & comment
    assert tabs.count() == 4
    base = find(dialog, QPlainTextEdit, "baseTextEdit")
    type_text(qtbot, base, "Fresh sourdough from 7am")
    follow = find(dialog, QCheckBox, f"followBaseCheck_{li}")
    assert follow.isChecked()
    tabs.setCurrentIndex(tab_index(dialog, li))
    li_edit = find(dialog, QPlainTextEdit, f"tabTextEdit_{li}")
    assert li_edit.toPlainText() == "Fresh sourdough from 7am"
    assert li_edit.isReadOnly()
    follow.setChecked(False)
    assert not li_edit.isReadOnly()
    QTest.keyClicks(li_edit, " - baked by our team of five.")
    settle(qtbot, dialog)
    assert tabs.tabText(tab_index(dialog, li)).endswith("●")  # the tab that differs is marked
    assert not tabs.tabText(tab_index(dialog, x)).endswith("●")
    find(dialog, QDateEdit, "dateEdit").setDate(WALL.date())
    find(dialog, QTimeEdit, "timeEdit").setTime(WALL.time())
    button = find(dialog, QPushButton, "scheduleButton")
    assert button.isEnabled(), button.toolTip()
    with qtbot.waitSignal(dialog.saved) as saved:
        button.click()
    post = service(context).get(saved.args[0])
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == datetime(2026, 1, 6, 10, 30, tzinfo=UTC)
    assert post.text_for(x) == "Fresh sourdough from 7am"
    assert post.text_for(li) == "Fresh sourdough from 7am - baked by our team of five."
    assert not dialog.isVisible()


def test_x_counter_and_highlight_change_when_typing_a_url(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    base = find(dialog, QPlainTextEdit, "baseTextEdit")
    counter = find(dialog, QLabel, f"counterLabel_{x}")
    type_text(qtbot, base, "a" * 270)
    settle(qtbot, dialog)
    assert counter.text() == "X 270 / 280"
    assert highlighted_ranges(base) == []
    assert find(dialog, QPushButton, "scheduleButton").isEnabled()
    QTest.keyClicks(base, " https://example.com/a/really/long/path/to/a/page")
    settle(qtbot, dialog)
    assert counter.text() == "X 294 / 280"  # the URL counts as 23, whatever its length
    assert counter.property("state") == "over"
    ranges = highlighted_ranges(base)
    assert ranges and ranges[0][1] > 280  # the overflowing part is marked
    warnings = find(dialog, QListWidget, "warningsList")
    assert any(warnings.item(i).text().startswith("X (@bakery)") for i in range(warnings.count()))
    schedule_button = find(dialog, QPushButton, "scheduleButton")
    assert not schedule_button.isEnabled()
    assert "Fix the errors" in schedule_button.toolTip()
    assert find(dialog, QLabel, f"counterLabel_{li}").text() == "LinkedIn 319 / 3,000"
    # The X tab shows the same highlight in its own editor.
    dialog.tabs.setCurrentIndex(tab_index(dialog, x))
    assert highlighted_ranges(find(dialog, QPlainTextEdit, f"tabTextEdit_{x}")) == ranges
    dialog._dirty = False


def give_media_hosting(context, account_id: int) -> None:
    from app.core.models import Account

    with context.db.session() as s:
        account = s.get(Account, account_id)
        account.settings = {"media_hosting": {"kind": "facebook_page_photo", "page_id": "1"}}
        s.commit()


def test_instagram_needs_media_and_media_fixes_it(env, qtbot, tmp_path):
    context, ws, x, li = env
    ig = add_account(context, ws.id, Platform.INSTAGRAM, "@corner.bakery")
    give_media_hosting(context, ig)
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, "Our new rye loaf")
    settle(qtbot, dialog)
    assert any("Instagram" in e for e in dialog.errors())
    # Not attached yet is not an error until the person tries: the click says what is missing.
    assert find(dialog, QPushButton, "publishNowButton").isEnabled()
    dialog.now_button.click()
    assert "at least one photo" in find(dialog, QLabel, "composerErrorLabel").text()
    assert not find(dialog, QPushButton, "publishNowButton").isEnabled()
    photo = tmp_path / "rye.jpg"
    Image.new("RGB", (1080, 1080), "peru").save(photo)
    dialog.media.add_paths([str(photo)])
    settle(qtbot, dialog)
    assert find(dialog, QListWidget, "mediaThumbnails").count() == 1
    assert dialog.errors() == []
    assert find(dialog, QPushButton, "publishNowButton").isEnabled()
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.now_button.click()
    post = service(context).get(saved.args[0])
    assert len(post.media) == 1 and post.media[0].width == 1080
    assert {t.account_id for t in post.targets} == {x, li, ig}
    assert post.scheduled_at == context.clock.now()


def test_dst_gap_is_explained_and_resolved_by_the_user(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, "Spring forward")
    find(dialog, QComboBox, "zoneCombo").setCurrentText("America/New_York")
    dialog.schedule.set_wall(datetime(2026, 3, 8, 2, 30))
    panel = find(dialog, QWidget, "dstPanel")
    assert panel.isVisible()
    assert "doesn't exist" in find(dialog, QLabel, "dstLabel").text()
    assert not dialog.schedule_button.isEnabled()
    use_next = find(dialog, QPushButton, "dstUseNextButton")
    assert use_next.text() == "Use 03:00 instead"
    use_next.click()
    assert dialog.schedule.wall() == datetime(2026, 3, 8, 3, 0)
    assert not panel.isVisible()
    settle(qtbot, dialog)
    assert dialog.schedule_button.isEnabled()
    dialog._dirty = False


def test_repeated_hour_asks_which_one(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, "Fall back")
    dialog.schedule.set_zone("America/New_York")
    dialog.schedule.set_wall(datetime(2026, 11, 1, 1, 30))
    settle(qtbot, dialog)
    first = find(dialog, QRadioButton, "dstFirstRadio")
    second = find(dialog, QRadioButton, "dstSecondRadio")
    assert first.isVisible() and second.isVisible()
    assert "EDT" in first.text() and "EST" in second.text()
    assert not first.isChecked() and not second.isChecked()
    assert not dialog.schedule_button.isEnabled()
    assert "Choose which 01:30" in dialog.schedule_button.toolTip()
    second.click()
    assert dialog.schedule_button.isEnabled()
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.schedule_button.click()
    post = service(context).get(saved.args[0])
    assert post.scheduled_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert post.zone == "America/New_York"


def test_save_draft_and_edit_it_again(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws, initial_local=WALL)
    for i in range(dialog.account_list.count()):  # only LinkedIn
        item = dialog.account_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == x:
            item.setCheckState(Qt.CheckState.Unchecked)
    type_text(qtbot, dialog.base_edit, "x" * 400)  # too long for X, but X is not chosen
    with qtbot.waitSignal(dialog.saved) as saved:
        find(dialog, QPushButton, "saveDraftButton").click()
    post_id = saved.args[0]
    post = service(context).get(post_id)
    assert post.status == PostStatus.DRAFT
    assert [t.account_id for t in post.targets] == [li]
    again = open_composer(qtbot, context, ws, post_id=post_id)
    assert again.windowTitle() == "Edit post"
    assert again.selected_ids() == [li]
    assert again.schedule.wall() == WALL
    assert again.base_edit.toPlainText() == "x" * 400


def test_closing_with_unsaved_changes_asks(env, qtbot, monkeypatch):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, "Half written")
    answers = ["cancel", "discard"]
    monkeypatch.setattr(dialog, "ask_unsaved", lambda: answers.pop(0))
    dialog.cancel_button.click()
    assert dialog.isVisible()  # cancel: stay
    dialog.close()
    assert not dialog.isVisible()  # discard: closed, nothing saved
    assert service(context).drafts(ws.id) == []
    other = open_composer(qtbot, context, ws)
    type_text(qtbot, other.base_edit, "Keep me")
    monkeypatch.setattr(other, "ask_unsaved", lambda: "save")
    other.reject()
    assert [p.excerpt for p in service(context).drafts(ws.id)] == []  # it has a time
    assert not other.isVisible()


def test_unsaved_changes_box_has_named_buttons(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    type_text(qtbot, dialog.base_edit, "Half written")

    def answer():
        from PySide6.QtWidgets import QApplication

        box = QApplication.activeModalWidget()
        assert box.objectName() == "unsavedChangesBox"
        box.findChild(QPushButton, "unsavedDiscardButton").click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, answer)
    dialog.reject()
    assert not dialog.isVisible()


def test_suggest_a_time(env, qtbot, monkeypatch):
    context, ws, x, li = env
    import app.ui.composer.schedule as schedule_module

    monkeypatch.setattr(schedule_module, "suggest_times", lambda *a, **k: [])
    dialog = open_composer(qtbot, context, ws)
    button = find(dialog, QPushButton, "suggestTimeButton")
    button.click()
    assert not button.isEnabled()
    assert "not available yet" in button.toolTip()
    suggestion = Suggestion(
        datetime(2026, 1, 7, 18, 0, tzinfo=UTC), "Wed 7 Jan, 18:00", "X: your #1 hour"
    )
    monkeypatch.setattr(schedule_module, "suggest_times", lambda *a, **k: [suggestion])
    other = open_composer(qtbot, context, ws)
    find(other, QPushButton, "suggestTimeButton").click()
    items = find(other, QListWidget, "suggestionsList")
    assert items.isVisible() and items.count() == 1
    assert items.item(0).toolTip() == "X: your #1 hour"
    items.itemClicked.emit(items.item(0))
    assert other.schedule.wall() == datetime(2026, 1, 7, 18, 0)


def test_preview_respects_each_platform(env, qtbot):
    context, ws, x, li = env
    ig = add_account(context, ws.id, Platform.INSTAGRAM, "@corner.bakery")
    dialog = open_composer(qtbot, context, ws)
    text = "Visit https://example.com/menu/autumn-specials-2026 " + "lovely bread " * 30
    type_text(qtbot, dialog.base_edit, text)
    tab_of = {a: tab_index(dialog, a) for a in (x, li, ig)}
    preview = find(dialog, QTextBrowser, "previewPane")
    dialog.tabs.setCurrentIndex(tab_of[x])
    dialog._render_preview()
    assert "example.com/menu/autum…" in preview.toPlainText()  # X shortens links
    dialog.tabs.setCurrentIndex(tab_of[li])
    dialog._render_preview()
    assert "…see more" in preview.toPlainText()
    dialog.tabs.setCurrentIndex(tab_of[ig])
    dialog._render_preview()
    assert "… more" in preview.toPlainText()
    assert "need a photo" in preview.toPlainText()
    dialog._dirty = False


def test_published_post_opens_read_only(env, qtbot):
    context, ws, x, li = env
    post_id = schedule(context, ws.id, [x], WALL)
    set_targets(context, post_id, TargetStatus.PUBLISHED)
    dialog = open_composer(qtbot, context, ws, post_id=post_id)
    assert find(dialog, QLabel, "composerReadOnlyLabel").isVisible()
    assert dialog.base_edit.isReadOnly()
    for name in ("scheduleButton", "publishNowButton", "saveDraftButton"):
        button = find(dialog, QPushButton, name)
        assert not button.isEnabled() and button.toolTip()


def test_every_interactive_widget_is_named(env, qtbot):
    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    for name in (
        "baseTextEdit",
        "accountList",
        "platformTabs",
        f"tabTextEdit_{x}",
        f"followBaseCheck_{x}",
        "warningsList",
        "mediaAddButton",
        "mediaThumbnails",
        "dateEdit",
        "timeEdit",
        "zoneCombo",
        "suggestTimeButton",
        "saveDraftButton",
        "scheduleButton",
        "publishNowButton",
        "previewPane",
    ):
        widget = find(dialog, QWidget, name)
        assert widget.accessibleName(), name
    assert find(dialog, QLabel, f"counterLabel_{x}")


def test_media_by_drag_and_drop(env, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    context, ws, x, li = env
    dialog = open_composer(qtbot, context, ws)
    photo = tmp_path / "croissant.png"
    Image.new("RGB", (800, 1000), "gold").save(photo)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    from PySide6.QtGui import QDragEnterEvent

    enter = QDragEnterEvent(
        QPointF(20, 20).toPoint(),  # drag enter events take an integer QPoint
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dragEnterEvent(enter)
    assert enter.isAccepted()
    dialog.dropEvent(event)
    thumbs = find(dialog, QListWidget, "mediaThumbnails")
    assert thumbs.count() == 1
    assert "croissant.png" in thumbs.item(0).toolTip() and "800×1000" in thumbs.item(0).toolTip()
    thumbs.setCurrentRow(0)
    thumbs.item(0).setSelected(True)
    dialog.media.remove_selected()
    assert thumbs.count() == 0
    dialog._dirty = False
