"""The text editors: the base text and one tab per account that either follows it or holds
its own edit. Problems are highlighted with ExtraSelections; the text is never re-set."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from app import platforms
from app.ui import theme
from app.ui.composer.rules import Issue, utf16_offsets


def make_editor(name: str, accessible: str, parent: QWidget) -> QPlainTextEdit:
    editor = QPlainTextEdit(parent)
    editor.setObjectName(name)
    editor.setAccessibleName(accessible)
    editor.setTabChangesFocus(True)
    editor.setMinimumHeight(120)
    return editor


def highlight(editor: QPlainTextEdit, issues: Iterable[Issue]) -> None:
    """Mark each issue's range (errors red, warnings amber) without touching the text."""
    text = editor.toPlainText()
    doc = editor.document()
    selections = []
    limit = doc.characterCount() - 1
    for issue in issues:
        if issue.start is None or issue.end is None or issue.end <= issue.start:
            continue
        start, end = utf16_offsets(text, issue.start, issue.end)
        start, end = max(0, min(start, limit)), max(0, min(end, limit))
        if end <= start:
            continue
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(doc)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(
            theme.colour("mark_error" if issue.severity == "error" else "mark_warning")
        )
        fmt.setForeground(theme.colour("mark_ink"))  # dark ink on the pale mark, in either theme
        if issue.severity == "error":
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(theme.ROLES["danger"][0]))
        fmt.setToolTip(issue.message)
        selection.format = fmt
        selections.append(selection)
    old = editor.extraSelections()
    if not selections and not old:
        return
    editor.setExtraSelections(selections)


def highlighted_ranges(editor: QPlainTextEdit) -> list[tuple[int, int]]:
    """(start, end) of every highlighted range: what tests and screen readers can query."""
    return [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in editor.extraSelections()]


class AccountTab(QWidget):
    """One account's version of the post."""

    edited = Signal()  # the override (own text or following) changed

    def __init__(self, account, base_text: str, override: str | None, parent=None) -> None:
        super().__init__(parent)
        self.account = account
        self.account_id = account.id
        #: the network's name (its registry key) and its descriptor (display name, rules, preview)
        self.platform = str(account.platform)
        self.network = platforms.get(self.platform)
        name = f"{self.network.display_name} ({account.handle})"
        self.follow_check = QCheckBox(self.tr("Same text as “All networks”"), self)
        self.follow_check.setObjectName(f"followBaseCheck_{account.id}")
        self.follow_check.setAccessibleName(
            self.tr("{name} follows the base text").format(name=name)
        )
        self.follow_check.setToolTip(
            self.tr("Untick to write a version of this post just for {name}").format(name=name)
        )
        self.editor = make_editor(
            f"tabTextEdit_{account.id}", self.tr("Text for {name}").format(name=name), self
        )
        self.hint = QLabel(self)
        self.hint.setProperty("role", "small")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.follow_check)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.hint)
        self._base = base_text
        self._own = override
        self._stale = False
        following = override is None
        self.follow_check.setChecked(following)
        self.editor.setPlainText(base_text if following else override or "")
        self._apply_mode()
        self.follow_check.toggled.connect(self._on_follow)
        self.editor.textChanged.connect(self._on_text)

    @property
    def following(self) -> bool:
        return self.follow_check.isChecked()

    @property
    def override(self) -> str | None:
        return None if self.following else self.editor.toPlainText()

    def text(self) -> str:
        return self._base if self.following else self.editor.toPlainText()

    def set_base(self, text: str) -> None:
        """The base text changed; a following editor catches up when it is next shown."""
        self._base = text
        if self.following:
            self._stale = True
            if self.isVisible():
                self.sync()

    def sync(self) -> None:
        if self.following and self._stale:
            self._stale = False
            self.editor.blockSignals(True)
            self.editor.setPlainText(self._base)
            self.editor.blockSignals(False)

    def showEvent(self, event) -> None:
        self.sync()
        super().showEvent(event)

    def _apply_mode(self) -> None:
        following = self.following
        self.editor.setReadOnly(following)
        self.editor.setProperty("following", following)
        self.hint.setText(
            self.tr("Showing the base text. Untick the box above to change it for this account.")
            if following
            else self.tr("This account gets its own text; other accounts are not affected.")
        )

    def _on_follow(self, following: bool) -> None:
        self.editor.blockSignals(True)
        if following:
            self._own = self.editor.toPlainText()
            self.editor.setPlainText(self._base)
            self._stale = False
        else:
            own = self._own if self._own is not None else self._base
            self.editor.setPlainText(own)
            self.editor.setFocus()
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.blockSignals(False)
        self._apply_mode()
        self.edited.emit()

    def _on_text(self) -> None:
        if not self.following:
            self.edited.emit()
