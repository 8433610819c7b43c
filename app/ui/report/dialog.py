"""Analytics ▸ "Client report…" (objectName analyticsReportButton): a small dialog that picks
the period (last 7 / 30 / 90 days or custom) and the file, draws the PDF on a worker thread
with progress, then offers to open it or show its folder.

objectNames: clientReportDialog, reportPeriodCombo, reportFromEdit, reportToEdit,
reportPathEdit, reportBrowseButton, reportProgress, reportStatusLabel, reportGenerateButton,
reportOpenButton, reportShowFolderButton, reportCloseButton, reportCancelButton (shown while
the PDF is being made; Esc does the same) (docs/testing.md)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.report import gather
from app.core.timeutil import from_utc
from app.core.workspaces import WorkspaceInfo
from app.platforms.names import Platform
from app.ui import theme
from app.ui.analytics.background import BackgroundJob
from app.ui.analytics.services import AnalyticsServices
from app.ui.dates import limit_dates, weekday_date_format
from app.ui.report.pdf import write_pdf

PRESETS = ((7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days"))
CUSTOM = 0


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def default_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def file_name(workspace: str, first: date, last: date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", workspace.lower()).strip("-") or "workspace"
    return f"herald-report-{slug}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"


def grow_to_contents(dialog: QDialog) -> None:
    """Grow to what is shown now (the progress bar, a two-line status, the buttons)."""
    layout = dialog.layout()
    if layout is not None:
        layout.activate()
    dialog.resize(dialog.width(), max(dialog.height(), dialog.sizeHint().height()))


class ReportCancelled(Exception):
    """The person cancelled: raised in the worker at its next step; nothing is saved."""


class ClientReportDialog(QDialog):
    """Signals: saved(str) with the PDF's path; failed(str) with the reason; cancelled()."""

    saved = Signal(str)
    failed = Signal(str)
    cancelled = Signal()
    _progress = Signal(int, str)  # from the worker thread, queued to the UI thread

    def __init__(
        self,
        services: AnalyticsServices,
        workspace: WorkspaceInfo,
        parent: QWidget | None = None,
        *,
        platforms: Sequence[Platform] | None = None,
        accounts: Sequence[int] = (),
        labels: Sequence[int] = (),
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clientReportDialog")
        self.setWindowTitle(self.tr("Client report — {name}").format(name=workspace.name))
        self.services, self.workspace = services, workspace
        self.filters = (list(platforms) if platforms else None, list(accounts), list(labels))
        self.folder = folder or default_folder()
        self.path: Path | None = None  # the last PDF written
        self.job: BackgroundJob | None = None
        self._cancel = threading.Event()
        self._path_chosen = False
        self._build()
        self._progress.connect(self._on_progress)
        self.period_combo.setCurrentIndex(1)  # last 30 days
        self._on_preset()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)
        intro = QLabel(
            self.tr(
                "A PDF for {name}'s client: the figures per network, the best platform, the "
                "best times to post and the top posts of the period (days in {zone})."
            ).format(name=self.workspace.name, zone=self.workspace.timezone),
            self,
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "small")
        root.addWidget(intro)
        form = QFormLayout()
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("reportPeriodCombo")
        for days, label in PRESETS:
            self.period_combo.addItem(self.tr(label), days)
        self.period_combo.addItem(self.tr("Custom"), CUSTOM)
        self.period_combo.currentIndexChanged.connect(lambda _i: self._on_preset())
        form.addRow(self.tr("Period"), self.period_combo)
        dates = QHBoxLayout()
        self.from_edit, self.to_edit = QDateEdit(self), QDateEdit(self)
        for edit, name, label in (
            (self.from_edit, "reportFromEdit", self.tr("First day")),
            (self.to_edit, "reportToEdit", self.tr("Last day")),
        ):
            limit_dates(edit)
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(weekday_date_format())
            edit.setAccessibleName(label)
            edit.dateChanged.connect(lambda _d: self._on_dates())
            dates.addWidget(edit)
        dash = QLabel("–", self)
        dates.insertWidget(1, dash)
        dates.addStretch(1)
        form.addRow(self.tr("Days"), dates)
        path_row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("reportPathEdit")
        self.path_edit.setAccessibleName(self.tr("Save as"))
        self.path_edit.textEdited.connect(lambda _t: setattr(self, "_path_chosen", True))
        path_row.addWidget(self.path_edit, 1)
        self.browse_button = QPushButton(self.tr("Choose…"), self)
        self.browse_button.setObjectName("reportBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        path_row.addWidget(self.browse_button)
        form.addRow(self.tr("Save as"), path_row)
        root.addLayout(form)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reportProgress")
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName(self.tr("Report progress"))
        self.progress.hide()
        root.addWidget(self.progress)
        self.status = QLabel("", self)
        self.status.setObjectName("reportStatusLabel")
        self.status.setWordWrap(True)
        root.addWidget(self.status)
        root.addStretch(1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(theme.icon("fa5s.file-pdf"), self.tr("Open"), self)
        self.open_button.setObjectName("reportOpenButton")
        self.open_button.clicked.connect(self.open_file)
        self.folder_button = QPushButton(
            theme.icon("fa5s.folder-open"), self.tr("Show folder"), self
        )
        self.folder_button.setObjectName("reportShowFolderButton")
        self.folder_button.clicked.connect(self.show_folder)
        for b in (self.open_button, self.folder_button):
            b.hide()
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("reportCloseButton")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.close_button)
        self.cancel_button = cancel = QPushButton(self.tr("Cancel"), self)
        cancel.setObjectName("reportCancelButton")
        cancel.setToolTip(self.tr("Stop making the PDF; nothing is saved"))
        cancel.clicked.connect(self.cancel)
        cancel.hide()
        buttons.addWidget(cancel)
        self.generate_button = QPushButton(self.tr("Create PDF"), self)
        self.generate_button.setObjectName("reportGenerateButton")
        self.generate_button.setProperty("primary", True)
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        buttons.addWidget(self.generate_button)
        root.addLayout(buttons)
        self.setMinimumWidth(520)

    # ------------------------------------------------------------------ period and file

    def today(self) -> date:
        return from_utc(self.services.clock.now(), self.workspace.timezone).date()

    def period(self) -> tuple[date, date]:
        return _pydate(self.from_edit.date()), _pydate(self.to_edit.date())

    def set_period(self, first: date, last: date) -> None:
        """A custom period (tests, the view's own range)."""
        self.period_combo.setCurrentIndex(self.period_combo.findData(CUSTOM))
        for edit, value in ((self.from_edit, first), (self.to_edit, last)):
            edit.setDate(_qdate(value))

    def _on_preset(self) -> None:
        days = self.period_combo.currentData()
        custom = days == CUSTOM
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            today = self.today()
            for edit, value in ((self.from_edit, today - timedelta(days=days - 1)),
                                (self.to_edit, today)):  # fmt: skip
                edit.blockSignals(True)
                edit.setDate(_qdate(value))
                edit.blockSignals(False)
        self._on_dates()

    def _on_dates(self) -> None:
        first, last = self.period()
        ok = first <= last
        self.generate_button.setEnabled(ok and self.job is None)
        self.generate_button.setToolTip(
            self.tr("Create the PDF of this period")
            if ok
            else self.tr("The first day is after the last day: change one of them")
        )
        self._say("" if ok else self.tr("The first day is after the last day."), error=not ok)
        if not self._path_chosen:
            self.path_edit.setText(str(self.folder / file_name(self.workspace.name, first, last)))

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the client report"), self.path_edit.text(),
            self.tr("PDF files (*.pdf)"),
        )  # fmt: skip
        if chosen:
            self.set_path(chosen)

    def set_path(self, path: str | Path) -> None:
        self._path_chosen = True
        self.path_edit.setText(str(path))

    # ------------------------------------------------------------------ generating

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {theme.hex_of('error_text')};" if error else "")

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def generate(self) -> BackgroundJob | None:
        """Gather and draw on a worker thread; `saved` or `failed` when done."""
        target = self.target()
        first, last = self.period()
        if target is None:
            self._say(self.tr("Choose where to save the PDF."), error=True)
            return None
        if first > last or self.job is not None:
            return None
        db, clock, ws = self.services.db, self.services.clock, self.workspace.id
        platforms, accounts, labels = self.filters
        cancel = self._cancel
        cancel.clear()

        def emit(percent: int, what: str) -> None:
            if cancel.is_set() and percent < 100:  # at 100 the file is already in place
                raise ReportCancelled
            self._progress.emit(percent, what)

        def work() -> Path | None:
            try:
                report = gather(db, ws, first, last, clock, platforms=platforms,
                                accounts=accounts, labels=labels, progress=emit)  # fmt: skip
                return write_pdf(report, target, emit)
            except ReportCancelled:  # not a failure: None says so
                return None

        self.open_button.hide()
        self.folder_button.hide()
        self.progress.setValue(0)
        self.progress.show()
        self._say(self.tr("Creating the report…"))
        self.job = BackgroundJob(work, "herald-client-report", self)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._finished)
        self._set_busy(True)
        grow_to_contents(self)
        return self.job.start()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.generate_button, self.close_button, self.browse_button,
                  self.period_combo, self.path_edit):  # fmt: skip
            w.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        custom = self.period_combo.currentData() == CUSTOM
        self.from_edit.setEnabled(custom and not busy)
        self.to_edit.setEnabled(custom and not busy)

    def _on_progress(self, percent: int, what: str) -> None:
        self.progress.setValue(percent)
        self._say(what)

    def _done(self, path: Path | None) -> None:
        if path is None:  # cancelled
            self.progress.hide()
            self._say(self.tr("Cancelled: no PDF was saved."))
            return self.cancelled.emit()
        self.path = Path(path)
        self.progress.setValue(100)
        self._say(self.tr("Saved {path}").format(path=self.path))
        self.open_button.show()
        self.folder_button.show()
        self.open_button.setFocus()
        grow_to_contents(self)
        self.services.notify(self.tr("Client report saved: {name}").format(name=self.path.name))
        self.saved.emit(str(self.path))

    def cancel(self) -> None:
        """Stop at the worker's next step; the half-drawn file is removed."""
        if self.job is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self._say(self.tr("Cancelling…"))

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self._say(self.tr("The report could not be created: {why}").format(why=message),
                  error=True)  # fmt: skip
        grow_to_contents(self)
        self.failed.emit(message)

    def _finished(self) -> None:
        self.job = None
        self._set_busy(False)

    def wait(self, timeout: float = 30.0) -> bool:
        """Join the worker (tests; closing). The result still arrives by signal."""
        return self.job.wait(timeout) if self.job is not None else True

    def reject(self) -> None:
        # never close under a running worker: Esc cancels it instead
        self.cancel() if self.job is not None else super().reject()

    # ------------------------------------------------------------------ afterwards

    def open_file(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def show_folder(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
