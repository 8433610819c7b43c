"""A one-line label that never cuts its text: when the window is too narrow for "Wednesday,
14 January 2026" it shows the locale's short names ("Wed, 14 Jan 2026"), and only then elides,
with the whole text in the tooltip."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLabel, QWidget


def abbreviated(text: str, locale: QLocale | None = None) -> str:
    """`text` with the locale's long day and month names replaced by the short ones."""
    locale = locale or QLocale()
    long_form, short_form = QLocale.FormatType.LongFormat, QLocale.FormatType.ShortFormat
    pairs = [(locale.dayName(d, long_form), locale.dayName(d, short_form)) for d in range(1, 8)]
    pairs += [
        (locale.monthName(m, long_form), locale.monthName(m, short_form)) for m in range(1, 13)
    ]
    pairs += [
        (locale.standaloneMonthName(m, long_form), locale.standaloneMonthName(m, short_form))
        for m in range(1, 13)
    ]
    for full, short in sorted(pairs, key=lambda p: -len(p[0])):
        if full and short and full != short:
            text = text.replace(full, short)
    return text


class FitLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""

    def setText(self, text: str) -> None:
        self._full = text
        self._fit()

    def text(self) -> str:
        """The whole text (what the label was given), also when it shows a shorter form."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), self.minimumWidth() or hint.width()))
        return hint

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        room = self.contentsRect().width()
        shown = self._full
        if metrics.horizontalAdvance(shown) > room:
            shown = abbreviated(shown)
        if metrics.horizontalAdvance(shown) > room:
            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, room)
        self.setToolTip(self._full if shown != self._full else "")
        if shown != self.shown_text():
            super().setText(shown)
