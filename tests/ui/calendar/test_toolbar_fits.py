"""Issue 21 (a new user at 1024x700): the calendar toolbar's second row and the accounts
toolbar give up captions and button texts (kept in tooltips) before squeezing anything over
its neighbour; at 1440 px everything is shown."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton

from tests.e2e.layout_checks import problems
from tests.ui.calendar.test_calendar import env

__all__ = ["env"]


def _at(window, width: int) -> None:
    window.resize(width, 700)
    for _ in range(5):
        QApplication.processEvents()


def test_second_row_drops_captions_then_the_drafts_text(env):
    context, ws, x, li, window, view = env
    toolbar = view.toolbar
    toolbar.drafts_button.setText("Undated drafts (2)")
    toolbar.drafts_button.show()
    _at(window, 1440)
    toolbar.fit_second_row()
    assert all(c.isVisible() for c in toolbar._captions)
    assert toolbar.drafts_button.toolButtonStyle().name == "ToolButtonTextBesideIcon"
    for width in (1000, 960):
        _at(window, width)
        toolbar.fit_second_row()
        assert not any(c.isVisible() for c in toolbar._captions)
        used = toolbar._row_min(
            True,
            toolbar.drafts_button.text() != ""
            and (toolbar.drafts_button.toolButtonStyle().name == "ToolButtonIconOnly"),
        )
        assert used <= toolbar.contentsRect().width()
        assert not [p for p in problems(window, "w") if "overlap" in p and "calendarToolbar" in p]
    if toolbar.drafts_button.toolButtonStyle().name == "ToolButtonIconOnly":
        assert toolbar.drafts_button.toolTip() == "Undated drafts (2)"


def test_accounts_buttons_show_icons_only_when_narrow(env):
    context, ws, x, li, window, view = env
    window.show_area("accounts")
    accounts = window.views["accounts"]
    media = accounts.findChild(QPushButton, "mediaHostingButton")
    apps = accounts.findChild(QPushButton, "developerAppsButton")
    _at(window, 960)
    accounts.resize(720, accounts.height())  # the room a 1000 px window leaves under X
    assert media.text() == "" and apps.text() == ""
    assert media.toolTip().startswith("Media hosting") and "client id" in apps.toolTip()
    assert media.accessibleName() == "Media hosting" and not media.icon().isNull()
    _at(window, 1440)
    accounts.resize(1200, accounts.height())
    assert media.text() == "Media hosting" and apps.text() == "Developer apps"
    assert apps.toolTip().startswith("Your own client id")
