"""Issue 21 point 3: the composer's Time field takes times the way people type them, shows
the locale's 12/24-hour form and has no hidden step button."""

from __future__ import annotations

from datetime import time

import pytest
from PySide6.QtCore import QLocale, Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QDialog,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.time_field import TimeField, parse_typed_time


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0915", time(9, 15)),
        ("915", time(9, 15)),
        ("9:15", time(9, 15)),
        ("9.15", time(9, 15)),
        ("9h15", time(9, 15)),
        ("9.15 pm", time(21, 15)),
        ("9:15PM", time(21, 15)),
        ("9.15 p.m.", time(21, 15)),
        ("21:15", time(21, 15)),
        ("9pm", time(21, 0)),
        ("9 am", time(9, 0)),
        ("12am", time(0, 0)),
        ("12 pm", time(12, 0)),
        ("9", time(9, 0)),
    ],
)
def test_common_typed_forms(typed, expected):
    assert parse_typed_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "25:00", "9:75", "13pm", "0am", "12345"])
def test_not_a_time(typed):
    assert parse_typed_time(typed) is None


def _open_composer(qtbot, window) -> QDialog:
    qtbot.mouseClick(window.findChild(QAbstractButton, "composeButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _composer(window) is not None)
    return _composer(window)


def _close(dialog) -> None:
    dialog._dirty = False
    dialog.close()


def _composer(window):
    found = [d for d in window.findChildren(QDialog, "composerDialog") if d.isVisible()]
    return found[0] if found else None


def _type_time(qtbot, field: QTimeEdit, typed: str) -> None:
    """Type over the time and leave the field with Tab, as a person does."""
    field.window().activateWindow()
    qtbot.waitUntil(field.window().isActiveWindow)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.lineEdit().selectAll()
    QTest.keyClicks(field, typed)
    QTest.keyClick(field, Qt.Key.Key_Tab)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0915", QTime(9, 15)),
        ("9:15", QTime(9, 15)),
        ("9.15 pm", QTime(21, 15)),
        ("21:15", QTime(21, 15)),
        ("9pm", QTime(21, 0)),
    ],
)
def test_typing_a_time_in_the_composer(qtbot, herald_window, typed, expected):
    dialog = _open_composer(qtbot, herald_window)
    field = dialog.findChild(QTimeEdit, "timeEdit")
    assert field.buttonSymbols() == QAbstractSpinBox.ButtonSymbols.NoButtons
    field.setTime(QTime(10, 30))
    _type_time(qtbot, field, typed)
    assert field.time() == expected
    assert dialog.schedule.wall().time() == expected.toPython()
    _close(dialog)


def test_text_that_is_no_time_keeps_the_time(qtbot, herald_window):
    dialog = _open_composer(qtbot, herald_window)
    field = dialog.findChild(QTimeEdit, "timeEdit")
    field.setTime(QTime(10, 30))
    _type_time(qtbot, field, "soon")
    assert field.time() == QTime(10, 30)
    _close(dialog)


@pytest.fixture
def us_locale():
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


def _field_in_a_form(qtbot) -> tuple[QWidget, TimeField]:
    """A TimeField with another field after it, so Tab has somewhere to go."""
    form = QWidget()
    layout = QVBoxLayout(form)
    field = TimeField(form)
    layout.addWidget(field)
    layout.addWidget(QLineEdit(form))
    qtbot.addWidget(form)
    form.show()
    return form, field


def test_12_hour_locale_shows_am_pm_and_reads_24_hour_input(qtbot, us_locale):
    _form, field = _field_in_a_form(qtbot)
    _type_time(qtbot, field, "21:15")
    assert field.time() == QTime(21, 15)
    assert "PM" in field.text() and field.text().startswith("9:15")


def test_24_hour_locale_shows_24_hours(qtbot):
    previous = QLocale()
    QLocale.setDefault(QLocale("de_DE"))
    try:
        _form, field = _field_in_a_form(qtbot)
    finally:
        QLocale.setDefault(previous)
    _type_time(qtbot, field, "9.15 pm")
    assert field.text() == "21:15"


def test_the_wheel_does_not_change_an_unfocused_time(qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    field = TimeField()
    qtbot.addWidget(field)
    field.setTime(QTime(10, 30))
    event = QWheelEvent(
        QPointF(5, 5),
        QPointF(5, 5),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    field.wheelEvent(event)
    assert field.time() == QTime(10, 30)


def test_the_typed_text_has_the_fields_width_under_the_app_style_sheet(qtbot):
    """Without step buttons the style sheet laid the text out 1 pixel wide (an empty box)."""
    from importlib import resources

    qss = resources.files("app.ui").joinpath("style.qss").read_text(encoding="utf-8")
    form, field = _field_in_a_form(qtbot)
    form.setStyleSheet(qss.replace("{icons}", "."))
    form.resize(300, 100)
    field.setTime(QTime(9, 15))
    qtbot.waitUntil(lambda: field.lineEdit().width() > field.width() // 2)
