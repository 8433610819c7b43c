"""File ▸ Import posts from CSV… (objectName `csvImportDialog`, issue 22): the file's rows in a
preview table, bad rows highlighted with their reasons, and Import enabled only when every row
is valid. The rules are those of `main.py import` (app.core.csv_rows); reading and checking
run off the UI thread with a progress bar, and so does the import itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.csv_import import CsvImportService, ImportPreview, ImportRefused
from app.core.workspaces import WorkspaceInfo
from app.ui import theme

COLUMNS = ("Line", "When", "Time zone", "Accounts", "Text", "Problems")
_INDEX = QModelIndex | QPersistentModelIndex
#: up to this many rows are made tall enough for every reason (measuring more is slow)
ROWS_FITTED = 2000


class PreviewModel(QAbstractTableModel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.preview: ImportPreview | None = None

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self.preview = preview
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.preview is None else len(self.preview.checks)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.preview is None:
            return None
        check = self.preview.checks[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                str(check.line),
                check.record.get("scheduled_at", ""),
                check.record.get("timezone", ""),
                check.record.get("accounts", ""),
                " ".join(check.record.get("text", "").split())[:140],
                "; ".join(check.problems) or self.tr("OK"),
            )
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(check.problems) or None
            return values[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and check.problems:
            colour = QColor(theme.hex_of("error_text"))
            colour.setAlpha(40)
            return colour
        if role == Qt.ItemDataRole.ForegroundRole and check.problems and index.column() == 5:
            return QColor(theme.hex_of("error_text"))
        return None


class _Worker(QThread):
    """Runs one call off the UI thread; `progressed(done, total)`, then `done(result)`."""

    progressed = Signal(int, int)
    done = Signal(object)  # the result, or the exception raised

    def __init__(self, call: Callable[..., object], parent: QWidget) -> None:
        super().__init__(parent)
        self._call = call

    def run(self) -> None:
        try:
            result = self._call(lambda n, total: self.progressed.emit(n, total))
        except Exception as exc:  # handed to the UI thread, which says it  # noqa: BLE001
            result = exc
        self.done.emit(result)


class CsvImportDialog(QDialog):
    imported = Signal(int)  # how many posts

    def __init__(
        self, service: CsvImportService, workspace: WorkspaceInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("csvImportDialog")
        self.setWindowTitle(self.tr("Import posts from CSV — {ws}").format(ws=workspace.name))
        self.resize(900, 520)
        self.service = service
        self.workspace = workspace
        self.preview: ImportPreview | None = None
        self._worker: _Worker | None = None
        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("csvFileEdit")
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("Choose a CSV file…"))
        self.file_edit.setAccessibleName(self.tr("CSV file"))
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.setObjectName("csvChooseFileButton")
        self.choose_button.clicked.connect(self.choose)
        help_text = QLabel(
            self.tr(
                "Columns: scheduled_at, timezone, accounts, text, media (and text_twitter…). "
                "Nothing is imported until every row is valid."
            ),
            self,
        )
        help_text.setWordWrap(True)
        help_text.setProperty("role", "small")
        self.model = PreviewModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("csvPreviewTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)  # a row's reasons in full (rows fit them, small files)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((44, 130, 110, 175, 160)):
            header.resizeSection(column, width)
        self.summary = QLabel(self)
        self.summary.setObjectName("csvImportSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("csvImportProgress")
        self.progress.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setObjectName("csvImportButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(help_text)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    # ------------------------------------------------------------ reading the file

    def choose(self) -> None:
        dialog = QFileDialog(self, self.tr("CSV file to import"))
        dialog.setObjectName("csvFileDialog")
        dialog.setNameFilter(self.tr("CSV files (*.csv);;All files (*)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.load(Path(name)))
        dialog.open()

    def load(self, path: Path) -> None:
        """Read and check the file off the UI thread; the table fills when it is done."""
        self.file_edit.setText(str(path))
        self.import_button.setEnabled(False)
        self.model.set_preview(None)
        self.summary.setText(self.tr("Checking {name}…").format(name=path.name))
        ws = self.workspace.id
        self._run(lambda progress: self.service.preview(path, ws, progress), self._previewed)

    def _previewed(self, result: object) -> None:
        if isinstance(result, Exception):
            self.summary.setText(self.tr("Can't read this file: {why}").format(why=result))
            return
        assert isinstance(result, ImportPreview)
        self.preview = result
        self.model.set_preview(result)
        if len(result.checks) <= ROWS_FITTED:
            self.table.resizeRowsToContents()
        if result.file_errors:
            self.summary.setText("\n".join(result.file_errors[:8]))
        elif result.bad:
            self.summary.setText(
                self.tr(
                    "{bad} of {n} rows have problems (highlighted; hover for the reason). "
                    "Fix them in the file and choose it again: nothing is imported until "
                    "every row is valid."
                ).format(bad=result.bad, n=len(result.checks))
            )
            first = next(n for n, c in enumerate(result.checks) if c.problems)
            self.table.scrollTo(self.model.index(first, 0))
        else:
            self.summary.setText(self.tr("All {n} rows are valid.").format(n=len(result.checks)))
        self.import_button.setEnabled(result.ready)
        self.import_button.setToolTip(
            "" if result.ready else self.tr("Nothing is imported until every row is valid.")
        )
        self.import_button.setText(
            self.tr("Import {n} posts").format(n=len(result.checks))
            if result.ready
            else self.tr("Import")
        )

    # ------------------------------------------------------------ importing

    def start_import(self) -> None:
        preview = self.preview
        if preview is None or not preview.ready:
            return
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.summary.setText(self.tr("Importing {n} posts…").format(n=len(preview.checks)))
        self._run(lambda _progress: self.service.commit(preview), self._imported)

    def _imported(self, result: object) -> None:
        self.choose_button.setEnabled(True)
        if isinstance(result, ImportRefused):
            self.summary.setText(
                self.tr("Nothing was imported: {why}").format(why="; ".join(result.problems[:5]))
            )
            return
        if isinstance(result, Exception):
            self.summary.setText(self.tr("Nothing was imported: {why}").format(why=result))
            return
        assert isinstance(result, int)
        self.summary.setText(self.tr("Imported {n} posts.").format(n=result))
        self.preview = None
        self.imported.emit(result)

    # ------------------------------------------------------------ internals

    def busy(self) -> bool:
        return self._worker is not None

    def _run(self, call: Callable[..., object], then: Callable[[object], None]) -> None:
        worker = _Worker(call, self)
        self._then = then
        self.progress.setRange(0, 0)  # busy until the first count comes
        self.progress.show()
        # Bound methods of this dialog: the signals cross back to the UI thread (queued).
        worker.progressed.connect(self._on_progress)
        worker.done.connect(self._on_done)
        worker.finished.connect(worker.deleteLater)
        self._worker = worker
        worker.start()

    def _on_progress(self, n: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(n)

    def _on_done(self, result: object) -> None:
        self.progress.hide()
        if self._worker is not None:
            self._worker.wait()
        self._worker = None
        self._then(result)

    def done(self, result: int) -> None:
        if self._worker is not None:
            self._worker.wait()  # never leave a thread running behind a closed dialog
        super().done(result)


# The menu entry lives in a light module (see there why).
from app.ui.menu_entries import install_import_entry as install_menu_entry  # noqa: E402, F401
from app.ui.menu_entries import open_import  # noqa: E402, F401
