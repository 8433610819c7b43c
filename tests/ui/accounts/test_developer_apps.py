from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from app.core.ports import AppCredentials
from app.platforms.names import Platform
from app.ui.developer_apps import DeveloperAppsDialog

SECRET = "li-very-secret-value-4242"


def _dialog(qtbot, context):
    from app.ui.accounts.services import accounts_of

    dialog = DeveloperAppsDialog(accounts_of(context))
    qtbot.addWidget(dialog)
    return dialog


def _db_bytes(db_url: str) -> bytes:
    path = Path(db_url.removeprefix("sqlite:///"))
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def test_one_section_per_platform_with_redirect_uri_and_copy(qtbot, context):
    dialog = _dialog(qtbot, context)
    assert dialog.objectName() == "developerAppsDialog"
    expected = {
        "TWITTER": "http://127.0.0.1:8765/callback",
        "LINKEDIN": "http://127.0.0.1:8766/callback",
        "FACEBOOK": "http://127.0.0.1:8767/callback",
        "INSTAGRAM": "http://127.0.0.1:8768/callback",
    }
    for key, uri in expected.items():
        assert dialog.findChild(QLineEdit, f"clientIdEdit_{key}") is not None
        secret = dialog.findChild(QLineEdit, f"clientSecretEdit_{key}")
        assert secret.echoMode() == QLineEdit.EchoMode.Password
        assert dialog.findChild(QLabel, f"redirectUriLabel_{key}").text() == uri
        dialog.findChild(QPushButton, f"copyRedirectButton_{key}").click()
        assert QGuiApplication.clipboard().text() == uri
        assert dialog.findChild(QLabel, f"developerAppHint_{key}").text()


def test_saved_through_the_vault_with_no_plaintext_secret_in_the_database(
    qtbot, context, db, db_url
):
    dialog = _dialog(qtbot, context)
    dialog.findChild(QLineEdit, "clientIdEdit_LINKEDIN").setText("  li-client-id  ")
    dialog.findChild(QLineEdit, "clientSecretEdit_LINKEDIN").setText(SECRET)
    dialog.findChild(QLineEdit, "clientIdEdit_TWITTER").setText("x-native-app")
    dialog.findChild(QPushButton, "developerAppsSaveButton").click()
    assert dialog.result() == 1

    service = context.accounts
    assert service.app_credentials(Platform.LINKEDIN) == AppCredentials("li-client-id", SECRET)
    assert service.app_credentials(Platform.TWITTER) == AppCredentials("x-native-app", None)
    assert service.app_credentials(Platform.FACEBOOK) is None
    data = _db_bytes(db_url)
    db.dispose()  # checkpoint the WAL into the file, then look again
    data += _db_bytes(db_url)
    assert SECRET.encode() not in data
    assert b"li-client-id" in data


def test_a_stored_secret_is_not_shown_and_is_kept_when_left_empty(qtbot, context):
    from app.ui.accounts.services import accounts_of

    accounts_of(context).set_app_credentials(Platform.LINKEDIN, AppCredentials("li-id", SECRET))
    dialog = _dialog(qtbot, context)
    secret_edit = dialog.findChild(QLineEdit, "clientSecretEdit_LINKEDIN")
    assert secret_edit.text() == ""
    assert "Stored" in secret_edit.placeholderText()
    assert dialog.findChild(QLineEdit, "clientIdEdit_LINKEDIN").text() == "li-id"
    dialog.findChild(QLineEdit, "clientIdEdit_LINKEDIN").setText("li-id-2")
    dialog.save()
    assert context.accounts.app_credentials(Platform.LINKEDIN) == AppCredentials("li-id-2", SECRET)


def test_emptying_the_client_id_removes_the_app(qtbot, context):
    from app.ui.accounts.services import accounts_of

    accounts_of(context).set_app_credentials(Platform.FACEBOOK, AppCredentials("fb-id", "s3cr3t!"))
    dialog = _dialog(qtbot, context)
    dialog.findChild(QLineEdit, "clientIdEdit_FACEBOOK").clear()
    dialog.save()
    assert context.accounts.app_credentials(Platform.FACEBOOK) is None


def test_a_secret_without_client_id_is_refused(qtbot, context):
    dialog = _dialog(qtbot, context)
    dialog.findChild(QLineEdit, "clientSecretEdit_FACEBOOK").setText("orphan-secret")
    dialog.save()
    assert dialog.result() == 0
    assert "client id" in dialog.error_label.text()
    assert context.accounts.app_credentials(Platform.FACEBOOK) is None


def test_opened_from_the_accounts_view(qtbot, make_view):
    view = make_view()
    seen = []

    def fill():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.objectName())
        dialog.findChild(QLineEdit, "clientIdEdit_INSTAGRAM").setText("ig-id")
        dialog.findChild(QLineEdit, "clientSecretEdit_INSTAGRAM").setText("ig-secret")
        dialog.findChild(QPushButton, "developerAppsSaveButton").click()

    QTimer.singleShot(0, fill)
    view.findChild(QPushButton, "developerAppsButton").click()
    assert seen == ["developerAppsDialog"]
    assert view.service.app_credentials(Platform.INSTAGRAM) == AppCredentials("ig-id", "ig-secret")
    assert view.last_message == "Developer apps saved."
