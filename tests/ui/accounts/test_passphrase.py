"""No OS keychain: the UI asks for a passphrase, explains why, and a wrong one changes nothing."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from app.core.models import Setting
from app.core.ports import AppCredentials
from app.core.vault import Vault
from app.platforms.names import Platform
from app.ui.passphrase import passphrase_callback, unlock_vault


@pytest.fixture
def no_keychain():
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


class Answers:
    """Types the given answers into each passphrase dialog as it appears (None = Cancel)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.texts: list[str] = []
        self._seen: list = []
        QTimer.singleShot(0, self._poll)

    def _poll(self):
        dialog = QApplication.activeModalWidget()
        if (
            dialog is not None
            and dialog.objectName() == "passphraseDialog"
            and dialog.isVisible()
            and not any(d is dialog for d in self._seen)
        ):
            self._seen.append(dialog)
            self.texts.append(dialog.labelText())
            edit = dialog.findChild(QLineEdit, "passphraseEdit")
            assert edit.echoMode() == QLineEdit.EchoMode.Password
            answer = self.answers.pop(0)
            if answer is None:
                dialog.reject()
            else:
                edit.setText(answer)
                dialog.accept()
        if self.answers:
            QTimer.singleShot(10, self._poll)


def _vault(db):
    holder = {}
    vault = Vault(db, passphrase=passphrase_callback(lambda: None, lambda: holder.get("v")))
    holder["v"] = vault
    return vault


def _settings(db) -> dict:
    with db.session() as s:
        return {row.key: row.value for row in s.query(Setting).all()}


def test_creating_a_passphrase_asks_twice_with_an_explanation(qtbot, db, no_keychain):
    vault = _vault(db)
    answers = Answers("correct horse battery", "correct horse battery")
    assert unlock_vault(vault)
    assert vault.key_source == "passphrase"
    assert len(answers.texts) == 2
    assert "no keychain" in answers.texts[0] and "cannot be recovered" in answers.texts[0]
    assert "vault.check" in _settings(db)


def test_wrong_passphrase_says_so_and_changes_nothing(qtbot, db, no_keychain, monkeypatch):
    first = _vault(db)
    setup = Answers("correct horse battery", "correct horse battery")
    assert unlock_vault(first)
    assert not setup.answers
    from app.core.accounts import AccountService

    AccountService(db, first).set_app_credentials(Platform.LINKEDIN, AppCredentials("id", "sec"))
    before = _settings(db)

    warnings = []

    def fake_warning(parent, title, text, *args):
        warnings.append((title, text))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(fake_warning))
    second = _vault(db)  # a later start of Herald
    answers = Answers("wrong passphrase!")
    assert not unlock_vault(second)
    assert "Enter the vault passphrase" in answers.texts[0]
    assert warnings and warnings[0][0] == "Wrong passphrase"
    assert "Nothing was changed" in warnings[0][1]
    assert not second.is_unlocked
    assert _settings(db) == before


def test_cancelling_leaves_the_vault_locked_quietly(qtbot, db, no_keychain, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a)))
    vault = _vault(db)
    answers = Answers(None)
    assert not unlock_vault(vault)
    assert not answers.answers
    assert warnings == []
    assert "vault.check" not in _settings(db)


def test_accounts_view_asks_before_opening_developer_apps(
    qtbot, make_view, no_keychain, monkeypatch
):
    view = make_view()
    answers = Answers("correct horse battery", "correct horse battery")
    opened = []
    from app.ui import developer_apps

    monkeypatch.setattr(
        developer_apps.DeveloperAppsDialog, "exec", lambda d: opened.append(d.objectName()) or 0
    )
    view.edit_developer_apps()
    assert len(answers.texts) == 2
    assert opened == ["developerAppsDialog"]
    assert view.vault.is_unlocked
