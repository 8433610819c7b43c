"""Asks for the server of a network Herald registers itself on (a Mastodon instance)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class InstanceDialog(QDialog):
    """ "Which Mastodon instance?" with the address typed (mastodon.social) and OK/Cancel."""

    def __init__(self, network: str, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instanceAddressDialog")
        self.setWindowTitle(self.tr("Connect {network}").format(network=network))
        label = QLabel(
            self.tr(
                "Your {network} server's address, as in your handle @you@server (for example "
                "mastodon.social). Herald registers itself there: no developer app needed."
            ).format(network=network),
            self,
        )
        label.setWordWrap(True)
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("instanceAddressEdit")
        self.edit.setPlaceholderText("mastodon.social")
        self.edit.setAccessibleName(self.tr("{network} server address").format(network=network))
        label.setBuddy(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("instanceAddressButtons")
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("instanceAddressOkButton")
        ok.setText(self.tr("Sign in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            "instanceAddressCancelButton"
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        why = self.tr("Type your server's address first")

        def typed(text: str) -> None:
            ok.setEnabled(bool(text.strip()))
            ok.setToolTip("" if text.strip() else why)  # a disabled button says why

        self.edit.textChanged.connect(typed)
        typed(current)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def address(self) -> str:
        return self.edit.text().strip()


def ask_instance(network: str, current: str, parent: QWidget) -> str | None:
    """The address typed, or None when the person cancelled."""
    dialog = InstanceDialog(network, current, parent)
    try:
        return dialog.address() if dialog.exec() else None
    finally:
        dialog.deleteLater()
