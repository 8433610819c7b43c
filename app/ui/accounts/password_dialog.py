"""The sign-in dialog of a network that connects with an app password (Bluesky): handle, app
password and service (with its default). "Connect" signs in off the UI thread (a ConnectJob);
a refusal is shown once, inside the dialog, and the fields stay as typed."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app import platforms
from app.ui import theme
from app.ui.accounts.connect import ConnectJob

#: (handle, app password, service) -> a job not yet started
JobFactory = Callable[[str, str, str], ConnectJob]


def default_service(platform: str) -> str:
    """The network package's DEFAULT_SERVICE (Bluesky: https://bsky.social), or ""."""
    try:
        module = importlib.import_module(f"app.platforms.{platform.lower()}")
    except ImportError:
        return ""
    return str(getattr(module, "DEFAULT_SERVICE", ""))


class AppPasswordDialog(QDialog):
    def __init__(
        self, platform: str, make_job: JobFactory, parent: QWidget | None = None, handle: str = ""
    ) -> None:
        super().__init__(parent)
        network = platforms.get(platform)
        self.platform = network.name
        self._make_job = make_job
        self.job: ConnectJob | None = None
        self.accounts: list = []
        self.setObjectName("appPasswordDialog")
        self.setWindowTitle(self.tr("Connect {platform}").format(platform=network.display_name))
        self.setMinimumWidth(440)

        intro = QLabel(network.setup_help, self)
        intro.setObjectName("appPasswordHelp")
        intro.setWordWrap(True)
        self.handle = QLineEdit(handle, self)
        self.handle.setObjectName("appPasswordHandleEdit")
        self.handle.setPlaceholderText(self.tr("you.bsky.social"))
        self.password = QLineEdit(self)
        self.password.setObjectName("appPasswordEdit")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("xxxx-xxxx-xxxx-xxxx"))
        self.service = QLineEdit(default_service(network.name), self)
        self.service.setObjectName("appPasswordServiceEdit")
        self.service.setToolTip(
            self.tr("Where your account lives; keep the default unless you host your own.")
        )
        form = QFormLayout()
        form.addRow(self.tr("Handle"), self.handle)
        form.addRow(self.tr("App password"), self.password)
        form.addRow(self.tr("Service"), self.service)
        self.status = QLabel("", self)
        self.status.setObjectName("appPasswordStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.error = QLabel("", self)
        self.error.setObjectName("appPasswordError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        buttons = QDialogButtonBox(self)
        self.connect_button = buttons.addButton(
            self.tr("Connect"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setObjectName("appPasswordConnectButton")
        self.connect_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("appPasswordCancelButton")
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._set_status("")

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def sign_in(self) -> None:
        if self.job is not None:
            return
        handle, password = self.handle.text().strip(), self.password.text()
        if not handle or not password:
            self.show_error(self.tr("Enter your handle and an app password."))
            return
        self.error.hide()
        self._set_status(self.tr("Signing in…"))
        self._busy(True)
        job = self._make_job(handle, password, self.service.text().strip())
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self.job = job
        job.start()

    def _busy(self, busy: bool) -> None:
        for widget in (self.handle, self.password, self.service, self.connect_button):
            widget.setEnabled(not busy)

    def _on_succeeded(self, accounts: object) -> None:
        self.accounts = list(accounts) if isinstance(accounts, list) else []
        self.accept()

    def _on_failed(self, message: str) -> None:
        self.show_error(message)
        self.password.setFocus()

    def _on_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.wait(5)
            job.deleteLater()
        self._busy(False)
        if not self.error.isVisible():
            self._set_status("")

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()  # the sign-in's answer is then ignored
        super().reject()
