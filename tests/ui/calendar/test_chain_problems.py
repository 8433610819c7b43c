"""The calendar's problems panel with chain parts (issue 19), through the window: a part of a
thread waiting for confirmation reads as that part, Review opens the confirmation dialog, and
"Publish again" sends that part once (and the rest of the thread after it)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import update

from app.core import chains
from app.core.chain_models import TargetPart
from app.core.enums import TargetStatus
from app.testing import advance

WHEN = datetime(2026, 1, 5, 10, 0)
PARTS = ["One 1/3", "Two 2/3", "Three 3/3"]


def test_review_a_doubtful_part_and_publish_it_again(
    qtbot,
    herald_window,
    herald_context,
    herald_workspace,
    herald_accounts,
    herald_clock,
    herald_emulator,
    herald_engine,
):
    ctx = herald_context
    post_id = ctx.posts.create(
        herald_workspace.id,
        PARTS[0],
        [herald_accounts["bluesky"].id],
        scheduled_local=WHEN,
        action="schedule",
    ).id
    chains.set_chain(ctx.db, post_id, PARTS, None, herald_clock.now())
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_once()  # part 1
    with ctx.db.write_session() as s:  # part 2's lease ran out, the network could not say
        s.execute(
            update(TargetPart)
            .where(TargetPart.position == 2)
            .values(status=TargetStatus.NEEDS_CONFIRMATION, maybe_sent_since=herald_clock.now())
        )
        s.commit()
    view = herald_window.views["calendar"]
    view.refresh_attention()
    panel = view.problems
    assert panel.isVisible()
    assert panel.findChild(QLabel, "problemsSummaryLabel").text() == (
        "Posts need your attention: 1 to confirm."
    )
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert any("part 2 of the thread: did it go out before Herald stopped?" in t for t in texts), (
        texts
    )

    panel.findChild(QPushButton, "reviewButton").click()
    again = herald_window.findChild(QPushButton, "publishAgainButton")
    dialog = again.window()
    assert dialog.objectName() == "confirmationDialog"
    message = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Herald was publishing part 2 of the thread to Bluesky" in message
    again.click()

    herald_engine.run_until_idle()
    made = [p["text"] for p in herald_emulator.published() if p["platform"] == "BLUESKY"]
    assert made == PARTS
    view.refresh_attention()
    assert not panel.isVisible()
