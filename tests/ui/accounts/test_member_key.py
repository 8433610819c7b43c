"""A member's desktop without their member key (issue 23): unlocking asks for it once, keeps
it in the OS keychain, says a mistyped key clearly, and cancelling changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from app.core import member_keys, workspace_keys
from app.core.vault import KEYRING_SERVICE, Vault
from app.ui.member_key import member_key_dialog
from app.ui.passphrase import unlock_vault

LOGIN = "herald_ann_1a2b3c4d"


@pytest.fixture
def member_login(monkeypatch):
    """This database connection is Ann's member login (on PostgreSQL: members.login ==
    current_user; tests/core/members/test_secrets_pg.py covers that part for real)."""

    def member_unlock(db, environ):  # type: ignore[no-untyped-def]
        member_keys.load_member_key(LOGIN, environ)
        return True

    monkeypatch.setattr(workspace_keys, "member_unlock", member_unlock)


class Typing:
    """Types each answer into the member-key dialog, and closes warnings (None = Cancel)."""

    def __init__(self, *answers):
        self.answers, self.warnings, self.seen = list(answers), [], []
        self.stopped = False
        QTimer.singleShot(0, self._poll)

    def stop(self):
        self.stopped = True

    def _poll(self):
        if self.stopped:
            return
        widget = QApplication.activeModalWidget()
        if widget is not None and widget.isVisible() and not any(w is widget for w in self.seen):
            self.seen.append(widget)
            if widget.objectName() == "memberKeyDialog":
                answer = self.answers.pop(0)
                edit = widget.findChild(QLineEdit, "memberKeyEdit")
                assert edit.echoMode() == QLineEdit.EchoMode.Password
                if answer is None:
                    widget.reject()
                else:
                    edit.setText(answer)
                    widget.accept()
            else:  # a QMessageBox
                self.warnings.append(widget.text())
                widget.close()
        QTimer.singleShot(10, self._poll)


def test_the_member_key_is_asked_once_and_kept(qtbot, db, member_login, memory_keyring):
    key, _ = member_keys.new_member_key()
    vault = Vault(db, environ={})
    typing = Typing("not-the-key", key)
    try:
        assert unlock_vault(vault)
        again = Vault(db, environ={})
        assert unlock_vault(again)  # from the keychain now: no dialog
    finally:
        typing.stop()
    assert vault.key_source == "member-key"
    assert typing.warnings and "not a Herald member key" in typing.warnings[0]
    assert memory_keyring.get_password(KEYRING_SERVICE, f"member-key:{LOGIN}") == key
    assert len(typing.seen) == 3  # two dialogs and one warning


def test_cancelling_changes_nothing(qtbot, db, member_login, memory_keyring):
    typing = Typing(None)
    vault = Vault(db, environ={})
    try:
        assert not unlock_vault(vault)
    finally:
        typing.stop()
    assert not vault.is_unlocked
    assert memory_keyring.get_password(KEYRING_SERVICE, f"member-key:{LOGIN}") is None


def test_the_dialog_explains_and_has_stable_names(qtbot):
    dialog = member_key_dialog(None, LOGIN)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "memberKeyDialog"
    assert dialog.findChild(QLineEdit, "memberKeyEdit") is not None
    assert LOGIN in dialog.labelText() and "keychain" in dialog.labelText()
