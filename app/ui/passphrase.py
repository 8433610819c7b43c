"""Asking for the vault passphrase when this computer has no usable OS keychain.

`ask_passphrase` is a `Vault` passphrase callback that shows a password dialog (twice when
a passphrase is being created). `unlock_vault` resolves the vault's key on the UI thread,
before any work that encrypts or decrypts, and turns the vault's errors into clear messages:
a wrong passphrase says so and changes nothing.

The vault calls its callback on whichever thread first needs the key; the callback refuses
to open a dialog off the UI thread (the vault then reports itself locked), so callers unlock
on the UI thread first.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from app.core.member_keys import MemberKeyMissingError
from app.core.vault import Vault, VaultError, VaultLockedError, WrongPassphraseError

MIN_LENGTH = 8


def _tr(text: str) -> str:
    return QCoreApplication.translate("Passphrase", text)


def _on_ui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class PassphraseDialog(QInputDialog):
    """A password-mode input dialog with an explanation; objectName passphraseDialog."""

    def __init__(
        self, parent: QWidget | None, title: str, text: str, ok_text: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(title)
        self.setLabelText(text)
        self.setTextEchoMode(QLineEdit.EchoMode.Password)
        self.setInputMode(QInputDialog.InputMode.TextInput)
        self.setOkButtonText(ok_text or _tr("Unlock"))
        self.setMinimumWidth(460)
        self.setMaximumWidth(560)
        for label in self.findChildren(QLabel):  # a paragraph, not one 1,250-pixel line
            label.setWordWrap(True)
        self.setAccessibleName(title)
        edit = self.findChild(QLineEdit)
        if edit is not None:
            edit.setObjectName("passphraseEdit")
            edit.setAccessibleName(_tr("Vault passphrase"))


def _ask(parent: QWidget | None, title: str, text: str, ok_text: str | None = None) -> str | None:
    dialog = PassphraseDialog(parent, title, text, ok_text)
    try:
        if dialog.exec() != QInputDialog.DialogCode.Accepted.value:
            return None
        return dialog.textValue()
    finally:
        if shiboken6.isValid(dialog):  # its parent may have gone while it was open
            dialog.deleteLater()


def ask_passphrase(
    creating: bool, parent: QWidget | None = None, problem: str | None = None
) -> str | None:
    """Vault passphrase callback: the passphrase, or None when the person cancels."""
    if not _on_ui_thread():
        return None
    if parent is None or not shiboken6.isValid(parent) or not parent.isVisible():
        active = QApplication.activeWindow()
        parent = active if active is not None and active.isVisible() else None
    why = _tr(
        "Herald keeps your account tokens and app secrets encrypted. This computer has no "
        "keychain Herald can use to hold the key."
    )
    if problem:
        why += " " + _tr("(Details: {problem}.)").format(problem=problem)
    if not creating:
        return _ask(
            parent,
            _tr("Unlock Herald's vault"),
            why + "\n\n" + _tr("Enter the vault passphrase you chose for this Herald database:"),
        )
    text = (
        why
        + "\n\n"
        + _tr(
            "Choose a passphrase to protect them. Herald asks for it once each time it starts. "
            "It cannot be recovered: if you forget it you will need to reconnect your "
            "accounts. At least {n} characters:"
        ).format(n=MIN_LENGTH)
    )
    while True:
        first = _ask(parent, _tr("Protect your accounts with a passphrase"), text, _tr("Create"))
        if first is None:
            return None
        if len(first) < MIN_LENGTH:
            QMessageBox.warning(
                parent,
                _tr("Passphrase too short"),
                _tr("Please use at least {n} characters.").format(n=MIN_LENGTH),
            )
            continue
        again = _ask(
            parent,
            _tr("Repeat the passphrase"),
            _tr("Type the same passphrase again:"),
            _tr("Create"),
        )
        if again is None:
            return None
        if again == first:
            return first
        QMessageBox.warning(
            parent,
            _tr("Passphrases differ"),
            _tr("The two passphrases are not the same. Nothing was changed; please try again."),
        )


def passphrase_callback(
    parent_getter: Callable[[], QWidget | None], vault_getter: Callable[[], Vault | None]
) -> Callable[[bool], str | None]:
    """A callback for `Vault(passphrase=...)` that parents its dialog on a widget."""

    def callback(creating: bool) -> str | None:
        vault = vault_getter()
        problem = vault.keyring_problem if vault is not None else None
        return ask_passphrase(creating, parent_getter(), problem)

    return callback


def unlock_vault(vault: Vault, parent: QWidget | None = None) -> bool:
    """Resolve the vault key now, asking for the passphrase when needed. True when unlocked.

    A wrong passphrase is reported and asked again; cancelling changes nothing.
    """
    if vault.is_unlocked:
        return True
    while True:
        try:
            vault.unlock()
            return True
        except WrongPassphraseError:
            answer = QMessageBox.warning(
                parent,
                _tr("Wrong passphrase"),
                _tr(
                    "That passphrase does not open Herald's vault for this database. "
                    "Nothing was changed.\n\nTry again?"
                ),
                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Retry,
            )
            if answer != QMessageBox.StandardButton.Retry:
                return False
        except MemberKeyMissingError as exc:  # a member's login (issue 23)
            from app.ui.member_key import ask_member_key

            if not ask_member_key(parent, exc.login):
                return False
        except VaultLockedError as exc:
            if "No vault passphrase was given" in str(exc):
                return False  # the person cancelled the dialog: say nothing more
            QMessageBox.warning(parent, _tr("Herald's vault is locked"), str(exc))
            return False
        except VaultError as exc:
            QMessageBox.warning(parent, _tr("Herald's vault"), str(exc))
            return False
