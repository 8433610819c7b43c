"""The queue slots editor (issue 22): the weekly slots of one or several accounts at once.

Tick the accounts on the left; the grid shows the first ticked account's slots (a column
per weekday, a row per time) and Save gives every ticked account the same slots. The line
above the grid is the same slots as text ("Mon–Fri 09:00, 17:00; Sat 10:00"), editable.
"Best times" fills the grid from the best-time model. Paused and "pull forward" are the
queue's own switches (see app/core/queues for what pausing does to placed posts).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.accounts import AccountInfo
from app.core.enums import AccountStatus
from app.core.queues import (
    QueueError,
    QueueService,
    Slot,
    SlotSyntaxError,
    format_slots,
    parse_slots,
)
from app.core.queues.slots import DAY_NAMES
from app.core.timeutil import from_utc
from app.core.workspaces import WorkspaceInfo
from app.ui import theme

__all__ = ["QueueSlotsEditor", "install_menu_entry"]


class QueueSlotsEditor(QDialog):
    def __init__(
        self,
        service: QueueService,
        accounts: Sequence[AccountInfo],
        workspace: WorkspaceInfo,
        parent: QWidget | None = None,
    ) -> None:
        """`accounts`: the workspace's accounts (disabled ones are left out)."""
        super().__init__(parent)
        self.setObjectName("queueSlotsEditor")
        self.setWindowTitle(self.tr("Queue slots — %s") % workspace.name)
        self.workspace = workspace
        self.service = service
        self.accounts = [a for a in accounts if a.status != AccountStatus.DISABLED]
        self._minutes: list[int] = []
        self._syncing = False
        self._build()
        self._load_first()

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        self.account_list = QListWidget(self)
        self.account_list.setObjectName("queueAccountList")
        self.account_list.setAccessibleName(self.tr("Accounts these slots apply to"))
        for i, account in enumerate(self.accounts):
            item = QListWidgetItem(f"{account.platform.label}  {account.handle}")
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if i == 0 else Qt.CheckState.Unchecked)
            self.account_list.addItem(item)
        self.account_list.itemChanged.connect(self._on_accounts_changed)
        self.account_list.setFixedWidth(230)

        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("queueSlotsText")
        self.text_edit.setPlaceholderText("Mon–Fri 09:00, 12:30, 17:00; Sat 10:00")
        self.text_edit.setAccessibleName(self.tr("Slots as text"))
        self.text_edit.textEdited.connect(self._on_text_edited)

        self.grid = QTableWidget(0, 7, self)
        self.grid.setObjectName("queueSlotsGrid")
        self.grid.setHorizontalHeaderLabels(list(DAY_NAMES))
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.itemChanged.connect(self._on_cell_changed)

        self.time_edit = QTimeEdit(QTime(9, 0), self)
        self.time_edit.setObjectName("queueSlotTimeEdit")
        self.time_edit.setDisplayFormat("HH:mm")
        add_time = QPushButton(self.tr("Add time"), self)
        add_time.setObjectName("addSlotTimeButton")
        add_time.clicked.connect(self._add_time_row)
        self.best_button = QPushButton(self.tr("Best times"), self)
        self.best_button.setObjectName("bestTimesButton")
        self.best_button.setToolTip(
            self.tr("Fill the slots with the ten best hours of the week from your past posts")
        )
        self.best_button.clicked.connect(self.fill_best_times)
        clear = QPushButton(self.tr("Clear"), self)
        clear.setObjectName("clearSlotsButton")
        clear.clicked.connect(lambda: self.set_slots([]))

        self.paused_check = QCheckBox(self.tr("Paused (held posts keep their order)"), self)
        self.paused_check.setObjectName("queuePausedCheck")
        self.pull_check = QCheckBox(
            self.tr("Pull later posts forward when a queued post is removed or published"), self
        )
        self.pull_check.setObjectName("queuePullForwardCheck")

        self.next_label = QLabel("", self)
        self.next_label.setObjectName("queueNextSlotsLabel")
        self.next_label.setWordWrap(True)
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("queueSlotsErrorLabel")
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        buttons = QDialogButtonBox(self)
        save = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("saveSlotsButton")
        close = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("closeSlotsButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        tools = QHBoxLayout()
        tools.addWidget(self.time_edit)
        tools.addWidget(add_time)
        tools.addStretch(1)
        tools.addWidget(clear)
        tools.addWidget(self.best_button)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Weekly slots, in %s") % self.workspace.timezone, self))
        right.addWidget(self.text_edit)
        right.addWidget(self.grid, 1)
        right.addLayout(tools)
        right.addWidget(self.paused_check)
        right.addWidget(self.pull_check)
        right.addWidget(self.next_label)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Accounts"), self))
        left.addWidget(self.account_list, 1)
        hint = QLabel(self.tr("Save gives every ticked account these slots."), self)
        hint.setObjectName("queueAccountsHint")
        hint.setWordWrap(True)
        hint.setFixedWidth(230)
        left.addWidget(hint)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(860, 560)

    # ------------------------------------------------------------ state

    def selected_ids(self) -> list[int]:
        out = []
        for row in range(self.account_list.count()):
            item = self.account_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_selected(self, account_ids: list[int]) -> None:
        wanted = set(account_ids)
        for row in range(self.account_list.count()):
            item = self.account_list.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def slots(self) -> list[Slot]:
        found = []
        for row, minute in enumerate(self._minutes):
            for day in range(7):
                cell = self.grid.item(row, day)
                if cell is not None and cell.checkState() == Qt.CheckState.Checked:
                    found.append(Slot(day, minute))
        return sorted(found)

    def set_slots(self, slots: list[Slot]) -> None:
        self._syncing = True
        try:
            self._minutes = sorted({s.minute for s in slots})
            chosen = set(slots)
            self.grid.setRowCount(len(self._minutes))
            for row, minute in enumerate(self._minutes):
                self.grid.setVerticalHeaderItem(row, QTableWidgetItem(Slot(0, minute).time_text))
                for day in range(7):
                    cell = QTableWidgetItem()
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                    on = Slot(day, minute) in chosen
                    cell.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                    self.grid.setItem(row, day, cell)
            self.text_edit.setText(format_slots(slots))
        finally:
            self._syncing = False

    # ------------------------------------------------------------ reactions

    def _load_first(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.set_slots([])
            return
        info = self.service.queue(ids[0])
        self.set_slots(list(info.slots))
        self.paused_check.setChecked(info.paused)
        self.pull_check.setChecked(info.pull_forward)
        self._show_next()

    def _on_accounts_changed(self, _item: QListWidgetItem) -> None:
        if len(self.selected_ids()) == 1:
            self._load_first()
        self._show_next()

    def _on_text_edited(self, text: str) -> None:
        try:
            slots = parse_slots(text) if text.strip() else []
        except SlotSyntaxError as exc:
            self._show_error(str(exc))
            return
        self._show_error("")
        cursor = self.text_edit.cursorPosition()
        self.set_slots(slots)
        self.text_edit.setText(text)
        self.text_edit.setCursorPosition(cursor)

    def _on_cell_changed(self, _item: QTableWidgetItem) -> None:
        if not self._syncing:
            self.text_edit.setText(format_slots(self.slots()))

    def _add_time_row(self) -> None:
        t = self.time_edit.time()
        minute = t.hour() * 60 + t.minute()
        if minute in self._minutes:
            return
        # A new time starts on the weekdays, the common case; untick what does not apply.
        self.set_slots([*self.slots(), *(Slot(d, minute) for d in range(5))])

    def fill_best_times(self) -> None:
        ids = self.selected_ids()
        try:
            self.set_slots(self.service.best_time_slots(self.workspace.id, ids))
        except QueueError as exc:
            self._show_error(str(exc))
            return
        self._show_error("")

    def save(self) -> bool:
        ids = self.selected_ids()
        if not ids:
            self._show_error(self.tr("Tick at least one account."))
            return False
        if self.text_edit.text().strip():
            try:
                parse_slots(self.text_edit.text())
            except SlotSyntaxError as exc:
                self._show_error(str(exc))
                return False
        try:
            self.service.set_slots(ids, self.slots())
            self.service.set_pull_forward(ids, self.pull_check.isChecked())
            if self.paused_check.isChecked():
                self.service.pause(ids)
            else:
                self.service.resume(ids)
        except QueueError as exc:
            self._show_error(str(exc))
            return False
        self._show_error("")
        self._show_next()
        self.accept()
        return True

    def _show_next(self) -> None:
        ids = self.selected_ids()
        try:
            upcoming = self.service.upcoming(ids, 3) if ids else []
        except QueueError:
            upcoming = []
        zone = self.workspace.timezone
        shown = ", ".join(f"{from_utc(u, zone):%a %d %b %H:%M}" for u in upcoming)
        self.next_label.setText(self.tr("Next free slots: %s") % shown if shown else "")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


# The menu entry lives in a light module (see there why).
from app.ui.menu_entries import install_queue_slots_entry as install_menu_entry  # noqa: E402
