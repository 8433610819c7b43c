"""Date, time and zone pickers. A wall time in a DST gap or a repeated hour is explained and
resolved by the person (never guessed); "Suggest a time" offers the recommended slots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from app.core.besttime import BestTimes, Suggestion
from app.core.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    from_utc,
    is_valid_zone,
    to_utc,
)
from app.ui import theme
from app.ui.dates import limit_dates, show_weekday_dates
from app.ui.time_field import TimeField
from app.ui.workspace_dialog import zone_combo

NO_SUGGESTIONS = (
    "Recommendations are not available yet: Herald suggests times once this workspace has "
    "published posts with engagement figures (or best-time priors are installed)."
)


def suggest_times(
    best_times: BestTimes, workspace_id: int, platforms: Sequence[str], zone: str, *, k: int = 3
) -> list[Suggestion]:
    """The picker's one call for recommendations (a seam: tests replace it)."""
    return best_times.suggest(workspace_id, platforms, zone, k=k)


class SchedulePicker(QFrame):
    changed = Signal()

    def __init__(self, services: Any, workspace: Any, zone: str, parent=None) -> None:
        """`services`: the clock and best times (`ComposerServices` has both)."""
        super().__init__(parent)
        self.setObjectName("schedulePicker")
        self.clock = services.clock
        self.best_times: BestTimes = services.best_times
        self.workspace = workspace
        self.platforms: list[str] = []
        self._fold: int | None = None
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("dateEdit")
        self.date_edit.setAccessibleName(self.tr("Date"))
        self.date_edit.setCalendarPopup(True)
        limit_dates(self.date_edit)
        show_weekday_dates(self.date_edit)
        # Typed times in the common forms; the locale's 12/24-hour display; no step buttons.
        self.time_edit = TimeField(self)
        self.time_edit.setObjectName("timeEdit")
        self.time_edit.setAccessibleName(self.tr("Time"))
        self.setStyleSheet(
            "QDateEdit::drop-down { subcontrol-origin: padding; subcontrol-position: center right;"
            " width: 20px; border: none; }"
        )
        self.zone_combo = zone_combo(self, zone)
        self.zone_combo.setObjectName("zoneCombo")
        self.zone_combo.setAccessibleName(self.tr("Time zone"))
        self.zone_combo.setToolTip(self.tr("Time zone of this post (type to search)"))
        self.hint = QLabel(self)
        self.hint.setObjectName("whenHintLabel")
        self.hint.setProperty("role", "small")
        self.hint.setWordWrap(True)

        self.dst_panel = QFrame(self)
        self.dst_panel.setObjectName("dstPanel")
        self.dst_panel.setStyleSheet(
            f"#dstPanel {{ background: {theme.hex_of('banner_bg')};"
            f" border: 1px solid {theme.hex_of('banner_border')}; border-radius: 6px; }}"
        )
        self.dst_label = QLabel(self.dst_panel)
        self.dst_label.setObjectName("dstLabel")
        self.dst_label.setWordWrap(True)
        self.dst_first = QRadioButton(self.dst_panel)
        self.dst_first.setObjectName("dstFirstRadio")
        self.dst_second = QRadioButton(self.dst_panel)
        self.dst_second.setObjectName("dstSecondRadio")
        self.dst_group = QButtonGroup(self)
        self.dst_group.addButton(self.dst_first, 0)
        self.dst_group.addButton(self.dst_second, 1)
        self.dst_group.idClicked.connect(self._on_fold)
        self.dst_next = QPushButton(self.dst_panel)
        self.dst_next.setObjectName("dstUseNextButton")
        self.dst_next.clicked.connect(self._use_next)
        dst_layout = QVBoxLayout(self.dst_panel)
        dst_layout.setContentsMargins(8, 8, 8, 8)
        dst_layout.setSpacing(4)
        for w in (self.dst_label, self.dst_first, self.dst_second, self.dst_next):
            dst_layout.addWidget(w)
        self.dst_panel.hide()

        self.suggest_button = QPushButton(theme.icon("fa5s.magic"), self.tr("Suggest a time"), self)
        self.suggest_button.setObjectName("suggestTimeButton")
        self.suggest_button.setAccessibleName(self.tr("Suggest a time"))
        self.suggest_button.clicked.connect(self.suggest)
        self.suggestions = QListWidget(self)
        self.suggestions.setObjectName("suggestionsList")
        self.suggestions.setAccessibleName(self.tr("Suggested times"))
        self.suggestions.setWordWrap(True)
        self.suggestions.setMaximumHeight(96)
        self.suggestions.itemActivated.connect(self._use_suggestion)
        self.suggestions.itemClicked.connect(self._use_suggestion)
        self.suggestions.hide()
        self.suggest_button.setToolTip(
            self.tr("Show the times your audience has responded to best")
        )

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        grid.addWidget(QLabel(self.tr("Date"), self), 0, 0)
        grid.addWidget(self.date_edit, 0, 1)
        grid.addWidget(QLabel(self.tr("Time"), self), 1, 0)
        grid.addWidget(self.time_edit, 1, 1)
        grid.addWidget(QLabel(self.tr("Zone"), self), 2, 0)
        grid.addWidget(self.zone_combo, 2, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(grid)
        layout.addWidget(self.hint)
        layout.addWidget(self.dst_panel)
        row = QHBoxLayout()
        row.addWidget(self.suggest_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.suggestions)

        self.date_edit.dateChanged.connect(self._on_change)
        self.time_edit.timeChanged.connect(self._on_change)
        self.zone_combo.currentTextChanged.connect(self._on_change)

    # ------------------------------------------------------------ values

    @property
    def zone(self) -> str:
        text = self.zone_combo.currentText().strip()
        return text if is_valid_zone(text) else self.workspace.timezone

    def wall(self) -> datetime:
        d = self.date_edit.date()
        t = self.time_edit.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())  # noqa: DTZ001 a wall time in the zone, made aware by to_utc

    def set_wall(self, wall: datetime, fold: int | None = None) -> None:
        for w in (self.date_edit, self.time_edit):
            w.blockSignals(True)
        self.date_edit.setDate(QDate(wall.year, wall.month, wall.day))
        self.time_edit.setTime(QTime(wall.hour, wall.minute))
        for w in (self.date_edit, self.time_edit):
            w.blockSignals(False)
        self._fold = fold
        self._on_change(keep_fold=True)

    def set_zone(self, zone: str) -> None:
        self.zone_combo.setCurrentText(zone)

    @property
    def fold(self) -> int | None:
        return self._fold

    def resolve(self) -> tuple[datetime | None, str | None]:
        """(UTC instant, None) or (None, why not) for the chosen wall time."""
        try:
            return to_utc(self.wall(), self.zone, self._fold), None
        except NonexistentTimeError:
            return None, self.tr("Choose a time that exists (see the note under the time).")
        except AmbiguousTimeError:
            return None, self.tr("Choose which {t} you mean (see the note under the time).").format(
                t=f"{self.wall():%H:%M}"
            )

    # ------------------------------------------------------------ DST

    def _on_change(self, *_args, keep_fold: bool = False) -> None:
        if not keep_fold:
            self._fold = None
        wall, zone = self.wall(), self.zone
        self.dst_panel.hide()
        try:
            when = to_utc(wall, zone, self._fold)
        except NonexistentTimeError as exc:
            self._show_gap(exc)
            when = None
        except AmbiguousTimeError as exc:
            self._show_fold(exc)
            when = None
        if when is not None and self._fold is not None:
            try:
                to_utc(wall, zone)
            except AmbiguousTimeError as exc:
                self._show_fold(exc)  # keep the choice visible
        self._update_hint(when)
        self.changed.emit()

    def _show_gap(self, exc: NonexistentTimeError) -> None:
        day = f"{exc.wall:%a %d %b}"
        self.dst_label.setText(
            self.tr(
                "{t} doesn't exist on {day} in {zone}: the clocks skip ahead an hour. "
                "Posts can't be scheduled at a time that never happens."
            ).format(t=f"{exc.wall:%H:%M}", day=day, zone=exc.zone)
        )
        self.dst_first.hide()
        self.dst_second.hide()
        self.dst_next.setText(self.tr("Use {t} instead").format(t=f"{exc.next_valid:%H:%M}"))
        self.dst_next.setProperty("next", exc.next_valid)
        self.dst_next.show()
        self.dst_panel.show()

    def _show_fold(self, exc: AmbiguousTimeError) -> None:
        t = f"{exc.wall:%H:%M}"
        first = from_utc(exc.first, exc.zone)
        second = from_utc(exc.second, exc.zone)
        self.dst_label.setText(
            self.tr(
                "{t} happens twice on {day} in {zone}: the clocks go back an hour. Which one?"
            ).format(t=t, day=f"{exc.wall:%a %d %b}", zone=exc.zone)
        )
        self.dst_first.setText(
            self.tr("{t} {abbr} — the first time ({utc} UTC)").format(
                t=t, abbr=first.tzname(), utc=f"{exc.first:%H:%M}"
            )
        )
        self.dst_second.setText(
            self.tr("{t} {abbr} — the second time ({utc} UTC)").format(
                t=t, abbr=second.tzname(), utc=f"{exc.second:%H:%M}"
            )
        )
        self.dst_group.setExclusive(False)
        self.dst_first.setChecked(self._fold == 0)
        self.dst_second.setChecked(self._fold == 1)
        self.dst_group.setExclusive(True)
        self.dst_first.show()
        self.dst_second.show()
        self.dst_next.hide()
        self.dst_panel.show()

    def _on_fold(self, fold: int) -> None:
        self._fold = fold
        self._on_change(keep_fold=True)

    def _use_next(self) -> None:
        nxt = self.dst_next.property("next")
        if isinstance(nxt, datetime):
            self.set_wall(nxt)

    def _update_hint(self, when: datetime | None) -> None:
        if when is None:
            self.hint.setText("")
            return
        now = self.clock.now()
        delta = when - now
        minutes = int(delta.total_seconds() // 60)
        if delta < timedelta(0):
            text = self.tr("This time has passed.")
        elif minutes < 60:
            text = self.tr("In 1 minute.") if minutes <= 1 else self.tr("In {n} minutes.")
        elif minutes < 120:
            text = self.tr("In 1 hour.")
        elif delta < timedelta(days=2):
            text = self.tr("In {n} hours.")
        else:
            text = self.tr("In {n} days.")
        text = text.format(
            n=minutes if minutes < 60 else minutes // 60 if delta.days < 2 else delta.days
        )
        if self.zone != self.workspace.timezone:
            local = from_utc(when, self.workspace.timezone)
            text += " " + self.tr("{t} in the workspace's zone ({zone}).").format(
                t=f"{local:%a %H:%M}", zone=self.workspace.timezone
            )
        self.hint.setText(text)

    # ------------------------------------------------------------ suggestions

    def _no_suggestions(self) -> None:
        self.suggest_button.setEnabled(False)
        self.suggest_button.setToolTip(self.tr(NO_SUGGESTIONS))

    def suggest(self) -> None:
        if not self.platforms:
            self.suggest_button.setToolTip(self.tr("Choose an account first."))
            return
        try:
            found = suggest_times(self.best_times, self.workspace.id, self.platforms, self.zone)
        except Exception:  # noqa: BLE001 — recommendations are a nicety; never break composing
            found = []
        self.suggestions.clear()
        if not found:
            self._no_suggestions()
            self.suggestions.hide()
            return
        for s in found:
            item = QListWidgetItem(theme.icon("fa5s.star", "star"), s.label)
            item.setToolTip(s.explanation)
            item.setData(0x0100, s.when_utc)
            self.suggestions.addItem(item)
        self.suggestions.show()

    def _use_suggestion(self, item: QListWidgetItem) -> None:
        when = item.data(0x0100)
        if isinstance(when, datetime):
            local = from_utc(when, self.zone)
            self.set_wall(local.replace(tzinfo=None), fold=local.fold)

    def set_platforms(self, platforms: list[str]) -> None:
        self.platforms = platforms


def default_wall(now_local: datetime) -> datetime:
    """The next full hour at least 30 minutes away."""
    base = now_local.replace(minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(hours=1)
    if base - now_local.replace(tzinfo=None) < timedelta(minutes=30):
        base += timedelta(hours=1)
    return base
