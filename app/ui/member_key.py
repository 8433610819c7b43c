"""A member's Herald without their member key (issue 23): ask for the key `members add`
printed, once, and keep it in the OS keychain (app.core.member_keys). `unlock_vault` calls
`ask_member_key` when unlocking on a member's login finds no key."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.core.member_keys import MemberKeyError, store_member_key
from app.ui.passphrase import PassphraseDialog


def _tr(text: str) -> str:
    return QCoreApplication.translate("MemberKey", text)


def member_key_dialog(parent: QWidget | None, login: str) -> PassphraseDialog:
    """The dialog (objectName memberKeyDialog, its field memberKeyEdit)."""
    dialog = PassphraseDialog(
        parent,
        _tr("Your member key"),
        _tr(
            "You connect to this shared database as {login}. Your workspaces' account "
            "secrets open only with your own member key: the line the administrator gave "
            "you with your connection URL (44 characters). Herald keeps it in this "
            "computer's keychain, so it asks only once."
        ).format(login=login),
        _tr("Keep it"),
    )
    dialog.setObjectName("memberKeyDialog")
    edit = dialog.findChild(QLineEdit, "passphraseEdit")
    if edit is not None:
        edit.setObjectName("memberKeyEdit")
        edit.setAccessibleName(_tr("Member key"))
    return dialog


def ask_member_key(parent: QWidget | None, login: str) -> bool:
    """True when a key was given and kept; False when the person cancelled or the keychain
    refused (said in a message). A mistyped key is said and asked again."""
    while True:
        dialog = member_key_dialog(parent, login)
        try:
            if dialog.exec() != QInputDialog.DialogCode.Accepted.value:
                return False
            text = dialog.textValue()
        finally:
            if shiboken6.isValid(dialog):
                dialog.deleteLater()
        try:
            store_member_key(login, text)
            return True
        except MemberKeyError as exc:
            QMessageBox.warning(parent, _tr("Your member key"), str(exc))
            if "not a Herald member key" not in str(exc):
                return False  # the keychain refused: asking again would not help
