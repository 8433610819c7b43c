"""Issue 21 point 7: labels and formats."""

from __future__ import annotations

from PySide6.QtCore import QLocale, QTimer
from PySide6.QtWidgets import QApplication, QDateEdit, QLabel

from app.ui.analytics import fmt
from app.ui.dates import weekday_date_format
from app.ui.passphrase import PassphraseDialog, ask_passphrase


def test_window_title_names_the_workspace_once(herald_window):
    assert herald_window.windowTitle() == "Herald Test"
    assert "Herald —" not in herald_window.windowTitle()


def test_dates_have_the_weekday_in_the_locale_order(herald_window):
    jump = herald_window.findChild(QDateEdit, "jumpDateEdit")
    assert jump.displayFormat().startswith("ddd ")
    assert weekday_date_format(QLocale("C")) == "ddd d MMM yyyy"  # never "4 12 2026"
    assert weekday_date_format(QLocale("de_DE")).startswith("ddd dd.MM.")


def test_table_numbers_are_grouped_everywhere():
    previous = QLocale()
    QLocale.setDefault(QLocale("C"))
    try:
        assert fmt.number(378319) == "378,319"
    finally:
        QLocale.setDefault(previous)


def test_passphrase_dialog_wraps_and_says_create_when_creating(qtbot):
    seen: list[tuple[str, bool, int]] = []

    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, PassphraseDialog) and widget.isVisible():
                label = widget.findChild(QLabel)
                seen.append((widget.okButtonText(), label.wordWrap(), widget.width()))
                widget.reject()
                return
        QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    assert ask_passphrase(creating=True) is None
    QTimer.singleShot(0, answer)
    assert ask_passphrase(creating=False) is None
    (create_text, wraps, width), (unlock_text, _, _) = seen
    assert create_text == "Create" and unlock_text == "Unlock"
    assert wraps and width <= 560


def test_range_title_uses_short_names_when_the_window_is_narrow(qtbot):
    """Issue 21: at 1024x700 the day view's "Wednesday, 14 January 2026" was cut off."""
    from PySide6.QtCore import QLocale

    from app.ui.fit_label import FitLabel, abbreviated

    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    assert abbreviated("Wednesday, 14 January 2026", english) == "Wed, 14 Jan 2026"
    label = FitLabel()
    qtbot.addWidget(label)
    label.show()
    label.setText("Wednesday, 14 January 2026")
    label.resize(label.fontMetrics().horizontalAdvance("Wednesday, 14 January 2026") + 10, 30)
    assert label.shown_text() == "Wednesday, 14 January 2026" and label.toolTip() == ""
    label.resize(label.fontMetrics().horizontalAdvance("Wed, 14 Jan 2026") + 40, 30)
    assert label.text() == "Wednesday, 14 January 2026"
    assert label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.width()
    assert label.toolTip() == "Wednesday, 14 January 2026"
