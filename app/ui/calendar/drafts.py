"""The toolbar's "Undated drafts (N)" menu: as many drafts as fit on the screen, the rest
counted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMenu

from app.core.posts import PostSummary


def fill_drafts_menu(
    menu: QMenu, drafts: Sequence[PostSummary], open_post: Callable[[int], object]
) -> None:
    menu.clear()
    # As many as fit on this screen (a 700-pixel screen took ~20): the menu never runs off the
    # bottom; the rest are counted.
    screen = menu.screen().availableGeometry() if menu.screen() else None
    row = max(menu.fontMetrics().height() + 10, 24)
    fits = max(5, (screen.height() - 160) // row) if screen is not None else 20
    shown = drafts[: min(30, fits)]
    for post in shown:
        text = post.excerpt[:60] or menu.tr("(empty draft)")
        action = menu.addAction(text)
        action.setToolTip(post.excerpt)
        action.triggered.connect(lambda _=False, p=post.id: open_post(p))
    if len(drafts) > len(shown):
        more = menu.addAction(menu.tr("… and {n} more drafts").format(n=len(drafts) - len(shown)))
        more.setEnabled(False)
