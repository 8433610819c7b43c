"""The Time field: a QTimeEdit that takes times the way people type them ("0915", "9:15",
"9.15 pm", "21:15", "9pm") and shows them in the locale's 12- or 24-hour form.

It has no step buttons (a hidden one turned 10:30 into 10:29) and ignores the mouse wheel unless
it has the focus, so scrolling the composer never changes the time.
"""

from __future__ import annotations

import re
from datetime import time

from PySide6.QtCore import QDateTime, QLocale, QTime
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QTimeEdit

# hours, then optional minutes after ":", ".", "h" or nothing ("0915"), then optional am/pm
_TYPED = re.compile(
    r"^(?P<h>\d{1,2}?)(?:\s*[:.h]?\s*(?P<m>\d{2}))?\s*(?:(?P<ap>[ap])\.?\s*(?:m\.?)?)?$"
)
# what may be on the way to a time while typing ("9.1", "9:15 p")
_PARTIAL = re.compile(r"^\s*\d{0,4}\s*[:.h]?\s*\d{0,2}\s*([ap]\.?\s*m?\.?)?\s*$", re.IGNORECASE)


def parse_typed_time(text: str, locale: QLocale | None = None) -> time | None:
    """The time in `text`, or None. Accepts 0915, 915, 9:15, 9.15, 9h15, 21:15, 9, 9pm,
    9.15 pm, 12am (midnight), 12 pm (noon), and the locale's own AM/PM words."""
    text = text.strip().lower()
    if locale is not None:  # e.g. "nachm." or "午後": the locale's words for am/pm
        for word, mark in ((locale.amText(), "am"), (locale.pmText(), "pm")):
            word = word.strip().lower()
            if word and word not in ("am", "pm") and word in text:
                text = text.replace(word, mark)
    match = _TYPED.match(text)
    if match is None:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    if match["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ap"] == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def uses_12_hour(locale: QLocale) -> bool:
    fmt = locale.timeFormat(QLocale.FormatType.ShortFormat)
    return "a" in fmt.lower().replace("'", "")


class TimeField(QTimeEdit):
    """A QTimeEdit (objectName timeEdit in the composer) that understands typed times."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        locale = QLocale()
        self.setLocale(locale)
        self.setDisplayFormat(locale.timeFormat(QLocale.FormatType.ShortFormat))
        self.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        # Under the app's style sheet a spin box without buttons lays its text field out
        # 1 pixel wide (an empty-looking box); zero-sized button rects give it the full width.
        self.setStyleSheet(
            "QTimeEdit::up-button, QTimeEdit::down-button { subcontrol-origin: border;"
            " width: 0px; height: 0px; border: none; }"
        )
        # On Enter or leaving the field, a typed time is read by fixup() below instead of being
        # thrown away for the previous value.
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.setKeyboardTracking(False)
        example = "9:15 pm" if uses_12_hour(locale) else "21:15"
        self.setToolTip(self.tr("Type a time, e.g. {a}, 0915 or 9pm").format(a=example))

    # Qt asks these while the person types and when they press Enter or leave the field.

    def validate(self, text: str, pos: int):
        state = super().validate(text, pos)
        state_value = state[0] if isinstance(state, tuple) else state
        if state_value == QValidator.State.Acceptable:
            return state
        if _PARTIAL.match(text):
            return (QValidator.State.Intermediate, text, pos)
        return state

    def fixup(self, text: str) -> str:
        parsed = parse_typed_time(text, self.locale())
        # Not a time (or left empty): keep the time it had rather than jumping to midnight.
        shown = QTime(parsed.hour, parsed.minute) if parsed is not None else self.time()
        return self.locale().toString(shown, self.displayFormat())

    def dateTimeFromText(self, text: str) -> QDateTime:
        parsed = parse_typed_time(text, self.locale())
        if parsed is None:
            return super().dateTimeFromText(text)
        return QDateTime(self.date(), QTime(parsed.hour, parsed.minute))

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (as in every other field) instead of hopping from hours to
        # minutes: the time is typed as a whole.
        return QAbstractSpinBox.focusNextPrevChild(self, next)

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()
