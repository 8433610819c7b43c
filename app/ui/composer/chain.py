"""The composer's "Thread & comment" tab (issue 19): a post as a chain of parts, split on
request at sentence boundaries with numbering, each part counted live against every selected
network; and a first comment for the networks that take one. Which network takes what is
data (`descriptor.formats`); storing goes through the chain service (app.core.chains).

Installed by `install(dialog)` (one line in dialog.py); `store(dialog, post_id)` after a save
and `refusal(dialog)` before one are the saving hooks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.chain_split import SplitError, split_into_parts
from app.core.chains import ChainError
from app.platforms.names import Platform
from app.ui import theme
from app.ui.composer.chain_rules import count_text, lone_hint, lone_refusal, names
from app.ui.composer.chain_rules import networks_with as _networks_with

#: whole lines of text each part's editor shows (no half-cut line)
PART_LINES = 3
COMMENT_LINES = 2
SIDE_WIDTH = 120


def lines_height(edit: QPlainTextEdit, lines: int) -> int:
    """The height that shows exactly `lines` lines of `edit`'s text."""
    margin = edit.document().documentMargin()
    frame = edit.frameWidth()
    # + the style sheet's padding (4 px) and border (1 px) above and below
    return int(edit.fontMetrics().lineSpacing() * lines + 2 * (margin + frame)) + 12


class PartRow(QWidget):
    changed = Signal()
    remove = Signal(object)

    def __init__(self, index: int, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(f"chainPart{index}")
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: 600;")
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(f"chainPartEdit{index}")
        self.edit.setFixedHeight(lines_height(self.edit, PART_LINES))
        self.edit.setPlainText(text)
        self.edit.textChanged.connect(self.changed.emit)
        self.counter = QLabel(self)
        self.counter.setObjectName(f"chainPartCounter{index}")
        self.counter.setProperty("role", "small")
        self.remove_button = QPushButton(theme.icon("fa5s.times"), "", self)
        self.remove_button.setObjectName(f"chainPartRemove{index}")
        self.remove_button.setAccessibleName(self.tr("Remove this part"))
        self.remove_button.setToolTip(self.tr("Remove this part"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: self.remove.emit(self))
        self.counter.setWordWrap(True)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.title)
        side.addWidget(self.counter)
        side.addStretch(1)
        side_box = QWidget(self)
        side_box.setLayout(side)
        side_box.setFixedWidth(SIDE_WIDTH)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(side_box)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.set_index(index)

    def set_index(self, index: int) -> None:
        self.title.setText(self.tr("Part {n}").format(n=index))
        self.edit.setAccessibleName(self.tr("Text of part {n}").format(n=index))
        self.remove_button.setVisible(index > 1)

    def recount(self, networks: list[Platform]) -> None:
        text, over = count_text(self.edit.toPlainText(), networks)
        self.counter.setText(text)
        colour = theme.hex_of("error_text") if over else theme.hex_of("muted")
        self.counter.setStyleSheet(f"color: {colour};")


class ChainPanel(QWidget):
    """Parts 1..n (part 1 is the composer's post text) and the first comment."""

    def __init__(self, dialog: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("chainPanel")
        self.dialog = dialog
        self.rows: list[PartRow] = []
        self.thread_check = QCheckBox(self.tr("Publish as a thread of replies"), self)
        self.thread_check.setObjectName("threadModeCheck")
        self.thread_check.toggled.connect(self._on_mode)
        self.split_button = self._button(
            "fa5s.cut", self.tr("Split into parts"), "splitIntoPartsButton", self.split
        )
        self.add_button = self._button("fa5s.plus", self.tr("Add part"), "addPartButton", self.add)
        self.hint = QLabel(self)
        self.hint.setObjectName("chainHint")
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "small")
        self.parts_box = QWidget(self)
        self.parts_box.setObjectName("chainPartsEditor")
        self.parts_layout = QVBoxLayout(self.parts_box)
        self.parts_layout.setContentsMargins(0, 0, 4, 0)
        self.parts_layout.setSpacing(8)
        self.parts_layout.addStretch(1)
        self.parts_scroll = QScrollArea(self)
        self.parts_scroll.setWidgetResizable(True)
        self.parts_scroll.setWidget(self.parts_box)
        self.comment_label = QLabel(self)
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setObjectName("firstCommentEdit")
        self.comment_edit.setAccessibleName(self.tr("First comment"))
        self.comment_edit.setPlaceholderText(
            self.tr("Links or hashtags to post as a comment right after the post")
        )
        self.comment_edit.setFixedHeight(lines_height(self.comment_edit, COMMENT_LINES))
        self.comment_edit.textChanged.connect(self.refresh)
        self.comment_counter = QLabel(self)
        self.comment_counter.setObjectName("firstCommentCounter")
        self.comment_counter.setProperty("role", "small")
        top = QHBoxLayout()
        top.addWidget(self.thread_check)
        top.addStretch(1)
        top.addWidget(self.split_button)
        top.addWidget(self.add_button)
        # The first comment's row has the shape of a part's: title and count, then the text.
        self.comment_label.setWordWrap(True)
        self.comment_label.setStyleSheet("font-weight: 600;")
        self.comment_counter.setWordWrap(True)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.comment_label)
        side.addWidget(self.comment_counter)
        side.addStretch(1)
        self.comment_side = QWidget(self)
        self.comment_side.setLayout(side)
        self.comment_side.setFixedWidth(SIDE_WIDTH)
        comment_row = QHBoxLayout()
        comment_row.setSpacing(6)
        comment_row.addWidget(self.comment_side)
        comment_row.addWidget(self.comment_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.parts_scroll, 1)
        layout.addLayout(comment_row)
        dialog.base_edit.textChanged.connect(self._on_base_changed)
        dialog.account_list.itemChanged.connect(lambda *_: self.refresh())
        self._on_mode(False)

    def _button(self, icon: str, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(theme.icon(icon), text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------ state

    def networks(self) -> list[Platform]:
        ids = set(self.dialog.selected_ids())
        seen: dict[Platform, None] = {}
        for a in self.dialog.accounts:
            if a.id in ids:
                seen[Platform(a.platform)] = None
        return list(seen)

    def threaded(self) -> bool:
        return self.thread_check.isChecked() and len(self.rows) > 1

    def parts(self) -> list[str]:
        return [r.edit.toPlainText().strip() for r in self.rows] if self.threaded() else []

    def comment(self) -> str | None:
        text = self.comment_edit.toPlainText().strip()
        return text if text and not self.comment_edit.isHidden() else None

    def set_parts(self, parts: list[str], comment: str | None) -> None:
        self.comment_edit.setPlainText(comment or "")
        if parts:
            self.thread_check.setChecked(True)
            self._set_rows(parts)
        self.refresh()

    # ------------------------------------------------------------ actions

    def split(self) -> None:
        base = self.dialog.base_edit.toPlainText()
        if len(self.rows) > 1:  # split what the parts say now
            base = " ".join(r.edit.toPlainText().strip() for r in self.rows)
        chain_networks = _networks_with(self.networks(), "chain") or self.networks()
        try:
            parts = split_into_parts(base, chain_networks)
        except SplitError as exc:
            self.hint.setText(str(exc))
            return
        self.thread_check.setChecked(True)
        self._set_rows(parts or [""])
        self.refresh()

    def add(self) -> None:
        self.thread_check.setChecked(True)
        if not self.rows:
            self._set_rows([self.dialog.base_edit.toPlainText()])
        self._append("")
        self.rows[-1].edit.setFocus()
        self.refresh()

    def _set_rows(self, texts: list[str]) -> None:
        for row in self.rows:
            self._drop(row)
        self.rows = []
        for text in texts:
            self._append(text)
        if texts:
            self.dialog.base_edit.setPlainText(texts[0])

    def _append(self, text: str) -> None:
        row = PartRow(len(self.rows) + 1, text, self.parts_box)
        row.changed.connect(lambda r=row: self._on_part_changed(r))
        row.remove.connect(self._remove)
        self.parts_layout.insertWidget(self.parts_layout.count() - 1, row)
        self.rows.append(row)

    def _drop(self, row: PartRow) -> None:
        self.parts_layout.removeWidget(row)
        row.hide()  # never a top-level window, even for a moment
        row.deleteLater()

    def _remove(self, row: PartRow) -> None:
        self.rows.remove(row)
        self._drop(row)
        for i, r in enumerate(self.rows, start=1):
            r.set_index(i)
        self.refresh()

    def _on_part_changed(self, row: PartRow) -> None:
        if self.rows and row is self.rows[0]:
            text = row.edit.toPlainText()
            if self.dialog.base_edit.toPlainText() != text:
                self.dialog.base_edit.setPlainText(text)  # part 1 is the post's text
        self.refresh()

    def _on_base_changed(self) -> None:
        if self.rows:
            first = self.rows[0].edit
            text = self.dialog.base_edit.toPlainText()
            if first.toPlainText() != text:
                first.blockSignals(True)
                first.setPlainText(text)
                first.blockSignals(False)
                self.refresh()

    def _on_mode(self, on: bool) -> None:
        self.parts_scroll.setVisible(on)
        self.add_button.setVisible(on)
        if on and not self.rows:
            self._set_rows([self.dialog.base_edit.toPlainText()])
        self.refresh()

    def refresh(self) -> None:
        networks, bad = self.networks(), False
        chain = _networks_with(networks, "chain")
        comment = _networks_with(networks, "first_comment")
        for row in self.rows:
            row.recount(chain or networks)
        if not networks:
            hint = self.tr("Choose accounts to see which networks take threads and comments.")
        elif not chain:
            hint = self.tr("None of the chosen networks takes threads: part 1 goes out alone.")
        else:
            others = [p for p in networks if p not in chain]
            hint = self.tr("The thread goes out on {names}.").format(names=names(chain))
            if others:
                lone, bad = lone_hint(self.parts(), others)
                hint += " " + lone
        self.hint.setText(hint)
        colour = theme.hex_of("error_text") if bad else theme.hex_of("muted")
        self.hint.setStyleSheet(f"color: {colour};")
        self.comment_label.setText(
            self.tr("First comment ({names})").format(names=names(comment))
            if comment
            else self.tr("First comment")
        )
        self.comment_side.setVisible(bool(comment))
        self.comment_edit.setVisible(bool(comment))
        text, over = count_text(self.comment_edit.toPlainText(), comment)
        self.comment_counter.setText(text)
        colour = theme.hex_of("error_text") if over else theme.hex_of("muted")
        self.comment_counter.setStyleSheet(f"color: {colour};")


# ---------------------------------------------------------------------- hooks


def install(dialog: Any) -> ChainPanel | None:
    """Add the tab (when the composer was handed a chain service) and load the post's."""
    service = getattr(dialog.services, "chains", None)
    if service is None:
        return None
    panel = ChainPanel(dialog, dialog.tabs)
    dialog.chain_panel = panel
    dialog.tabs.addTab(panel, theme.icon("fa5s.stream"), dialog.tr("Thread && comment"))
    return panel


def load(dialog: Any) -> None:
    panel: ChainPanel | None = getattr(dialog, "chain_panel", None)
    if panel is None or dialog.post is None:
        return
    rest, comment = dialog.services.chains.texts(dialog.post.id)
    first = dialog.base_edit.toPlainText()
    panel.set_parts([first, *rest] if rest else [], comment)


def refusal(dialog: Any) -> str | None:
    """Why the chain cannot be saved (an empty part, a part over a limit), or None."""
    panel: ChainPanel | None = getattr(dialog, "chain_panel", None)
    if panel is None or not panel.threaded():
        return None
    for i, part in enumerate(panel.parts(), start=1):
        if not part:
            return dialog.tr("Part {n} of the thread is empty.").format(n=i)
        _, over = count_text(part, _networks_with(panel.networks(), "chain"))
        if over:
            return dialog.tr("Part {n} of the thread is too long.").format(n=i)
    own = dialog.values()["overrides"]  # a network's own text is not the thread's
    following = {Platform(a.platform) for a in dialog.accounts if own.get(a.id) is None}
    lone = [p for p in panel.networks() if p in following and p not in chain_networks(panel)]
    return lone_refusal(panel.parts(), lone)


def chain_networks(panel: ChainPanel) -> list[Platform]:
    return _networks_with(panel.networks(), "chain")


def store(dialog: Any, post_id: int) -> bool:
    """Store the thread and comment; False (with the reason shown) when refused."""
    panel: ChainPanel | None = getattr(dialog, "chain_panel", None)
    if panel is None:
        return True
    try:
        dialog.services.chains.set_chain(post_id, panel.parts(), panel.comment())
    except ChainError as exc:  # the post is saved; its thread is not
        dialog._show_error(str(exc))
        return False
    return True
