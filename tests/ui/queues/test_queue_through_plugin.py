"""Issue 22's done-when, through the testers' plugin: slots Mon–Fri 09:00 and 17:00 for two
accounts, five posts added to the queue on a Friday at 18:00, the second one removed."""

from datetime import datetime, timedelta

import pytest

from app.core.timeutil import to_utc
from app.testing import advance, compose_post, queue_times, set_queue_slots

# (zone, the Friday 18:00 wall time): the London week has the spring-forward
# change (Sunday 29 March 2026, 01:00 GMT -> 02:00 BST) between the Friday and the Monday.
WEEKS = [
    ("UTC", datetime(2026, 1, 9, 18, 0)),
    ("Europe/London", datetime(2026, 3, 27, 18, 0)),
]


@pytest.mark.parametrize(("herald_zone", "friday"), WEEKS, ids=["utc", "london-dst"])
def test_five_queued_posts_land_on_the_next_slots_and_close_up(
    qtbot, herald_window, herald_accounts, herald_clock, herald_context, herald_zone, friday
):
    accounts = [herald_accounts["x"], herald_accounts["linkedin"]]
    set_queue_slots(herald_context, accounts, "Mon–Fri 09:00, 17:00")
    advance(herald_clock, None, to_utc(friday, herald_zone) - herald_clock.now())

    ids = [
        compose_post(qtbot, herald_window, f"Queued post {n}", accounts=accounts, action="queue")
        for n in range(1, 6)
    ]

    def wall(day: int, hour: int) -> datetime:  # `day` days after the Friday
        return (friday + timedelta(days=day)).replace(hour=hour)

    monday, tuesday, wednesday = 3, 4, 5
    assert queue_times(herald_context, ids) == [
        wall(monday, 9),
        wall(monday, 17),
        wall(tuesday, 9),
        wall(tuesday, 17),
        wall(wednesday, 9),
    ]
    for post_id in ids:  # every account's target waits for the same instant
        post = herald_context.posts.get(post_id)
        assert {t.account_id for t in post.targets} == {a.id for a in accounts}
        assert {t.next_attempt_at for t in post.targets} == {post.scheduled_at}

    herald_context.posts.delete(ids[1])
    assert queue_times(herald_context, ids) == [
        wall(monday, 9),
        wall(monday, 17),
        wall(tuesday, 9),
        wall(tuesday, 17),
    ]


def test_share_next_from_the_composer_goes_first(
    qtbot, herald_window, herald_accounts, herald_clock, herald_context
):
    accounts = [herald_accounts["x"]]
    set_queue_slots(herald_context, accounts, "Mon–Fri 09:00, 17:00")
    # The plugin's clock starts Monday 5 January 2026 09:00 UTC: the next slot is 17:00.
    first = compose_post(qtbot, herald_window, "first", accounts=accounts, action="queue")
    urgent = compose_post(qtbot, herald_window, "urgent", accounts=accounts, action="next")
    assert queue_times(herald_context, [urgent, first]) == [
        datetime(2026, 1, 5, 17, 0),
        datetime(2026, 1, 6, 9, 0),
    ]


def test_no_slots_is_said_in_the_composer_and_nothing_is_saved(
    qtbot, herald_window, herald_accounts, herald_context, herald_workspace
):
    with pytest.raises(AssertionError, match="has no queue slots"):
        compose_post(qtbot, herald_window, "x", accounts=[herald_accounts["x"]], action="queue")
    assert herald_context.posts.drafts(herald_workspace.id) == []


def test_a_paused_queue_publishes_nothing_until_it_resumes(
    qtbot,
    herald_window,
    herald_accounts,
    herald_clock,
    herald_emulator,
    herald_engine,
    herald_context,
    herald_queues,
):
    x = herald_accounts["x"]
    set_queue_slots(herald_context, [x], "Mon–Fri 09:00, 17:00")
    post = compose_post(qtbot, herald_window, "Held back", accounts=[x], action="queue")
    assert herald_queues.pause([x.id]) == 1
    advance(herald_clock, herald_emulator, 9 * 3600)  # past Monday 17:00 and beyond
    herald_engine.run_until_idle()
    assert herald_emulator.published() == []
    assert herald_queues.resume([x.id]) == 1
    assert queue_times(herald_context, [post]) == [datetime(2026, 1, 6, 9, 0)]
    advance(herald_clock, herald_emulator, 15 * 3600)  # Tuesday 09:00
    herald_engine.run_until_idle()
    assert [p["text"] for p in herald_emulator.published()] == ["Held back"]


def test_an_edited_post_goes_into_the_queue_from_the_composer(
    qtbot, herald_window, herald_accounts, herald_context
):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPlainTextEdit, QPushButton

    from app.ui.composer.dialog import ComposerDialog

    x = herald_accounts["x"]
    set_queue_slots(herald_context, [x], "Mon–Fri 09:00, 17:00")
    draft = compose_post(qtbot, herald_window, "An idea", accounts=[x], action="draft")
    dialog = ComposerDialog(herald_context, herald_window.workspace, post_id=draft)
    qtbot.addWidget(dialog)
    dialog.findChild(QPlainTextEdit, "baseTextEdit").setPlainText("A finished idea")
    button = dialog.findChild(QPushButton, "addToQueueButton")
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert queue_times(herald_context, [draft]) == [datetime(2026, 1, 5, 17, 0)]
    assert herald_context.posts.get(draft).base_text == "A finished idea"
