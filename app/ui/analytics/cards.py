"""The row of KPI cards above the analytics tabs: reach this week, posts in range, best
platform, engagement."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.ui.analytics.data import Dashboard
from app.ui.analytics.fmt import compact, pct


class KpiCard(QFrame):
    def __init__(self, object_name: str, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.title = QLabel(title, self)
        self.title.setProperty("role", "small")
        self.value = QLabel("—", self)
        self.value.setProperty("role", "title")
        self.value.setObjectName(f"{object_name}Value")
        self.detail = QLabel("", self)
        self.detail.setProperty("role", "small")
        for w in (self.title, self.value, self.detail):
            layout.addWidget(w)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setAccessibleName(f"{self.title.text()}: {value}. {detail}")


class KpiCards(QWidget):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        cards = QHBoxLayout(self)
        cards.setContentsMargins(0, 0, 0, 0)
        cards.setSpacing(12)
        self.reach_card = KpiCard("reachCard", self.tr("Reach this week (impressions)"), self)
        self.posts_card = KpiCard("postsCard", self.tr("Posts in range"), self)
        self.best_card = KpiCard("bestPlatformCard", self.tr("Best platform"), self)
        self.engagement_card = KpiCard("engagementCard", self.tr("Engagement in range"), self)
        for card in (self.reach_card, self.posts_card, self.best_card, self.engagement_card):
            cards.addWidget(card, 1)

    def show_data(self, data: Dashboard) -> None:
        s = data.summary
        change = s.reach.change
        if change is None:
            detail = self.tr("no posts last week to compare") if s.reach.this_week else ""
        else:
            arrow = "▲" if change >= 0 else "▼"  # the arrow carries the sign: "▼ 8%"
            detail = self.tr("{arrow} {change:.0%} vs last week").format(
                arrow=arrow, change=abs(change)
            )
        self.reach_card.set(compact(s.reach.this_week), detail)
        self.reach_card.setToolTip(
            self.tr(
                "Impressions of the posts published since Monday, compared with the posts "
                "published in the same days of last week"
            )
        )
        self.posts_card.set(
            compact(s.published),
            self.tr("{measured} measured").format(measured=compact(s.measured))
            if s.published
            else self.tr("none in this range"),
        )
        best = next((t for t in s.platforms if t.platform == s.best_platform), None)
        if best is None:
            self.best_card.set("—", self.tr("no measured posts"))
        else:
            self.best_card.set(
                best.platform.label,
                self.tr("{rate} engagement rate").format(rate=pct(best.avg_rate)),
            )
        engagement = sum(t.engagement for t in s.platforms)
        impressions = sum(t.impressions for t in s.platforms)
        self.engagement_card.set(
            compact(engagement),
            self.tr("on {impressions} impressions").format(impressions=compact(impressions)),
        )
        self.engagement_card.setToolTip(self.tr("Likes, shares and comments"))
