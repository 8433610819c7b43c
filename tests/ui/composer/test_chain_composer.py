"""The composer's "Thread & comment" tab (issue 19), through the testers' plugin: split a long
text into numbered parts at sentence ends, count each part live per network, write a first
comment (shown for networks that take one), schedule, and the chain publishes in order."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QPlainTextEdit, QPushButton

from app.core import chains
from app.testing import advance
from app.ui.composer import ComposerDialog

WHEN = datetime(2026, 1, 5, 10, 0)
LONG = " ".join(
    f"Tip {i}: feed the starter twice a day and keep it warm, around 24 degrees."
    for i in range(1, 13)
)


def _open(qtbot, context, workspace, **kwargs) -> ComposerDialog:
    dialog = ComposerDialog(context, workspace, **kwargs)
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "_dirty", False))
    dialog.show()
    return dialog


def _only(dialog, handles: set[str]) -> None:
    accounts = dialog.findChild(QListWidget, "accountList")
    for i in range(accounts.count()):
        item = accounts.item(i)
        account = next(a for a in dialog.accounts if a.id == item.data(Qt.ItemDataRole.UserRole))
        keep = str(account.platform) in handles
        item.setCheckState(Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)


def test_split_count_comment_schedule_and_publish(
    qtbot,
    herald_context,
    herald_workspace,
    herald_accounts,
    herald_clock,
    herald_emulator,
    herald_engine,
):
    dialog = _open(qtbot, herald_context, herald_workspace, initial_local=WHEN)
    _only(dialog, {"TWITTER", "LINKEDIN"})
    dialog.base_edit.setPlainText(LONG)
    dialog.tabs.setCurrentWidget(dialog.chain_panel)
    comment_edit = dialog.findChild(QPlainTextEdit, "firstCommentEdit")
    assert not comment_edit.isHidden()  # X and LinkedIn take first comments

    qtbot.mouseClick(
        dialog.findChild(QPushButton, "splitIntoPartsButton"), Qt.MouseButton.LeftButton
    )

    assert dialog.findChild(QCheckBox, "threadModeCheck").isChecked()
    parts = dialog.chain_panel.parts()
    assert len(parts) == 4
    assert [p.rsplit(" ", 1)[1] for p in parts] == ["1/4", "2/4", "3/4", "4/4"]
    assert dialog.base_edit.toPlainText() == parts[0]  # part 1 is the post's text
    assert dialog.findChild(QLabel, "chainHint").text() == (
        "The thread goes out on X. LinkedIn has no threads: the whole text goes out there as "
        f"one post, without the numbers ({len(LONG):,}/3,000)."
    )
    counter = dialog.findChild(QLabel, "chainPartCounter2")
    assert counter.text().startswith("X ") and "/280" in counter.text()
    editor = dialog.findChild(QPlainTextEdit, "chainPartEdit2")
    editor.setPlainText(parts[1] + " Extra words.")  # counted live
    assert str(len(parts[1]) + len(" Extra words.")) in counter.text()
    editor.setPlainText(parts[1])
    comment_edit.setPlainText("Our recipe: https://example.com/starter")

    detail = dialog.save("schedule")
    assert detail is not None
    rest, comment = herald_context.chains.texts(detail.id)
    assert rest == parts[1:] and comment == "Our recipe: https://example.com/starter"

    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()
    x_texts = [p["text"] for p in herald_emulator.published() if p["platform"] == "TWITTER"]
    assert x_texts == [*parts, comment]  # the chain in order, then the comment reply
    li_texts = [p["text"] for p in herald_emulator.published() if p["platform"] == "LINKEDIN"]
    # LinkedIn takes no threads: the whole text in one post, without the numbers
    assert li_texts == [LONG]
    states = chains.comment_states(herald_context.db, detail.id)
    assert {s.summary for s in states} == {"post and comment published"}


def test_first_comment_is_hidden_for_networks_without_one_and_thread_reopens(
    qtbot, herald_context, herald_workspace, herald_accounts
):
    dialog = _open(qtbot, herald_context, herald_workspace, initial_local=WHEN)
    _only(dialog, set())
    comment_edit = dialog.findChild(QPlainTextEdit, "firstCommentEdit")
    assert comment_edit.isHidden()
    _only(dialog, {"TWITTER"})
    assert not comment_edit.isHidden()
    dialog.base_edit.setPlainText("One. Two.")
    dialog.chain_panel.add()
    dialog.findChild(QPlainTextEdit, "chainPartEdit2").setPlainText("Three.")
    detail = dialog.save("draft")
    assert detail is not None
    dialog.close()

    again = _open(qtbot, herald_context, herald_workspace, post_id=detail.id)
    assert again.findChild(QCheckBox, "threadModeCheck").isChecked()
    assert again.chain_panel.parts() == ["One. Two.", "Three."]


def test_an_empty_part_refuses_scheduling_with_one_message(
    qtbot, herald_context, herald_workspace, herald_accounts
):
    dialog = _open(qtbot, herald_context, herald_workspace, initial_local=WHEN)
    _only(dialog, {"TWITTER"})
    dialog.base_edit.setPlainText("Hello.")
    dialog.chain_panel.add()
    assert dialog.save("schedule") is None
    label = dialog.findChild(QLabel, "composerErrorLabel")
    assert label.text() == "Part 2 of the thread is empty."
    assert dialog.post is None  # nothing saved
    assert herald_context.posts.drafts(herald_workspace.id) == []


def test_bluesky_and_threads_parts_are_counted_by_their_own_rules(
    qtbot, herald_context, herald_workspace, herald_accounts
):
    dialog = _open(qtbot, herald_context, herald_workspace, initial_local=WHEN)
    _only(dialog, {"BLUESKY", "THREADS"})
    dialog.base_edit.setPlainText("Part one.")
    dialog.chain_panel.add()
    hint = dialog.findChild(QLabel, "chainHint")
    assert hint.text() == "The thread goes out on Bluesky, Threads."
    text = "Coding 👩🏽‍💻 at the bakery"  # one grapheme; 4 emoji code points of 4, 4, 3, 4 bytes
    dialog.findChild(QPlainTextEdit, "chainPartEdit2").setPlainText(text)
    counter = dialog.findChild(QLabel, "chainPartCounter2").text().splitlines()
    assert counter == [f"Bluesky {len(text) - 3}/300", f"Threads {len(text) - 4 + 15}/500"]


def test_a_thread_too_long_for_linkedin_as_one_post_is_refused_in_words(
    qtbot, herald_context, herald_workspace, herald_accounts
):
    dialog = _open(qtbot, herald_context, herald_workspace, initial_local=WHEN)
    _only(dialog, {"TWITTER", "LINKEDIN"})
    dialog.base_edit.setPlainText(" ".join([LONG] * 5))
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "splitIntoPartsButton"), Qt.MouseButton.LeftButton
    )
    hint = dialog.findChild(QLabel, "chainHint").text()
    expected = "LinkedIn has no threads: the whole text is 4,394 characters, the limit 3,000."
    assert expected in hint
    assert dialog.save("schedule") is None
    label = dialog.findChild(QLabel, "composerErrorLabel")
    assert label.text() == (expected + " Shorten the thread, or leave LinkedIn out of this post.")
    assert dialog.post is None  # nothing saved
