"""What the analytics area shows instead of the tabs: loading, nothing published yet, nothing
in this range, not measured yet, or the query failed (with Try again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.data import Dashboard
from app.ui.analytics.fmt import day


def _t(text: str) -> str:
    return QCoreApplication.translate("AnalyticsView", text)


def explain_empty(
    data: Dashboard, first: date, last: date, platforms: Sequence[Platform] | None
) -> tuple[str, str] | None:
    """Why there is nothing to chart (headline, text), or None when there is."""
    summary = data.summary
    if data.ever_published == 0:
        return _t("No published posts yet"), _t(
            "Once your first post goes out, Herald measures it 1 hour, 6 hours, 1 day "
            "and 1 week later and shows here what worked, on which platform and at "
            "what time. Schedule a post from the Calendar to get started."
        )
    if summary.published == 0:
        where = _t(" on {platform}").format(platform=platforms[0].label) if platforms else ""
        return _t("Nothing published in this range"), _t(
            "No posts were published{where} between {start} and {end}. Widen the date "
            "range or choose All platforms."
        ).format(where=where, start=day(first), end=day(last))
    if not summary.measured:
        return _t("Not measured yet"), _t(
            "{n} posts were published in this range but none has been measured yet. "
            "Herald fetches their metrics 1 hour after publishing, then at 6 hours, "
            "1 day and 1 week."
        ).format(n=summary.published)
    return None


class EmptyState(QWidget):
    """Its label is analyticsEmptyLabel, its button analyticsRetryButton."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        empty = QVBoxLayout(self)
        empty.addStretch(1)
        icon = QLabel(self)
        icon.setPixmap(theme.icon("fa5s.chart-bar", "faint").pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.addWidget(icon)
        self.label = QLabel(self.tr("Loading analytics…"), self)
        self.label.setObjectName("analyticsEmptyLabel")
        self.label.setProperty("role", "empty")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(420)
        self.label.setMaximumWidth(560)
        centred = QHBoxLayout()  # not an alignment flag: word wrap needs the layout's width
        centred.addStretch(1)
        centred.addWidget(self.label, 4)
        centred.addStretch(1)
        empty.addLayout(centred)
        self.retry_button = QPushButton(self.tr("Try again"), self)
        self.retry_button.setObjectName("analyticsRetryButton")
        self.retry_button.hide()
        empty.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty.addStretch(2)

    def say(self, headline: str, text: str, *, retry: bool = False) -> None:
        self.label.setText(
            f"<p style='font-size:18px; font-weight:600; color:{theme.hex_of('text')}'>{escape(headline)}</p>"
            f"<p>{escape(text)}</p>"
        )
        self.label.setAccessibleName(f"{headline}. {text}")
        self.retry_button.setVisible(retry)
