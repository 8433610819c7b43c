"""Settings → Developer apps: the user's own client id and secret for each platform.

Herald talks to the real platforms through developer apps the user creates. For each
platform this dialog shows where to create it, the exact loopback redirect URI to register
(with a Copy button) and fields for the client id and secret. Secrets are stored only in the
vault (through AccountService); a stored secret is never shown again: leaving the field
empty keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import platforms
from app.core.accounts import AccountError, AccountService
from app.core.ports import AppCredentials
from app.core.vault import VaultError
from app.platforms.descriptor import PlatformDescriptor
from app.ui import theme


class _SetupHints(Mapping[str, str]):
    """Where to create each network's app, in one line: its descriptor's `setup_help`
    (docs/developer-apps.md has the details)."""

    def __getitem__(self, name: str) -> str:
        return platforms.get(name).setup_help

    def __iter__(self) -> Iterator[str]:
        return iter([d.name for d in networks()])

    def __len__(self) -> int:
        return len(networks())


class _SecretOptional(Set[str]):
    """The networks whose public client may leave the secret empty (`auth.secret_optional`)."""

    def __contains__(self, name: object) -> bool:
        return any(d.name == str(name) and d.auth.secret_optional for d in networks())

    def __iter__(self) -> Iterator[str]:
        return iter([d.name for d in networks() if d.auth.secret_optional])

    def __len__(self) -> int:
        return len(list(iter(self)))


PORTAL_HINTS: Mapping[str, str] = _SetupHints()
SECRET_OPTIONAL: Set[str] = _SecretOptional()


def networks() -> tuple[PlatformDescriptor, ...]:
    """The registered networks that sign in through a developer app the person creates (those
    with a registered loopback redirect), in registry order. A network that needs none
    (Bluesky: an app password) is not listed."""
    return tuple(
        d for d in platforms.all_platforms() if d.auth.redirect_uri and d.auth.needs_developer_app
    )


def redirect_uris() -> dict[str, str]:
    return {d.name: d.auth.redirect_uri for d in networks()}


def mark_primary(button: QPushButton) -> None:
    """The blue main action; re-polished because button boxes polish their buttons early."""
    button.setProperty("primary", True)
    button.style().unpolish(button)
    button.style().polish(button)


class PlatformSection(QFrame):
    """One platform's card: hint, client id, client secret, redirect URI + Copy."""

    def __init__(
        self, platform: str, redirect_uri: str, stored: AppCredentials | None, parent=None
    ) -> None:
        super().__init__(parent)
        network = platforms.get(platform)
        self.platform = network.name
        self.stored = stored
        key = network.name
        name = network.display_name
        self.setObjectName(f"developerAppSection_{key}")
        self.setProperty("role", "card")

        icon = QLabel(self)
        icon.setPixmap(theme.platform_icon(platform).pixmap(20, 20))
        icon.setAccessibleName(name)
        title = QLabel(name, self)
        title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.state_label = QLabel("", self)
        self.state_label.setObjectName(f"developerAppState_{key}")
        self.state_label.setProperty("role", "small")
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(icon)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.state_label)

        hint = QLabel(self.tr(network.setup_help), self)
        hint.setObjectName(f"developerAppHint_{key}")
        hint.setProperty("role", "small")
        hint.setWordWrap(True)

        self.client_id = QLineEdit(stored.client_id if stored else "", self)
        self.client_id.setObjectName(f"clientIdEdit_{key}")
        self.client_id.setAccessibleName(self.tr("{platform} client id").format(platform=name))
        self.client_secret = QLineEdit("", self)
        self.client_secret.setObjectName(f"clientSecretEdit_{key}")
        self.client_secret.setAccessibleName(
            self.tr("{platform} client secret").format(platform=name)
        )
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        if stored and stored.client_secret:
            self.client_secret.setPlaceholderText(self.tr("Stored — type to replace"))
        elif network.auth.secret_optional:
            self.client_secret.setPlaceholderText(self.tr("Optional for a Native App"))
        else:
            self.client_secret.setPlaceholderText(self.tr("Stored encrypted"))

        self.redirect_label = QLabel(redirect_uri, self)
        self.redirect_label.setObjectName(f"redirectUriLabel_{key}")
        self.redirect_label.setAccessibleName(
            self.tr("{platform} redirect URI").format(platform=name)
        )
        self.redirect_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.redirect_label.setFont(mono)
        self.redirect_label.setStyleSheet(
            f"background: {theme.hex_of('hover')}; border: 1px solid {theme.hex_of('line')};"
            " border-radius: 4px; padding: 4px 8px;"
        )
        self.copy_button = QPushButton(theme.icon("fa5s.copy"), self.tr("Copy"), self)
        self.copy_button.setObjectName(f"copyRedirectButton_{key}")
        self.copy_button.setAccessibleName(
            self.tr("Copy the {platform} redirect URI").format(platform=name)
        )
        self.copy_button.setToolTip(self.tr("Copy this address to paste it into the portal"))
        self.copy_button.setIconSize(QSize(14, 14))
        self.copy_button.clicked.connect(self.copy_redirect)
        redirect_row = QHBoxLayout()
        redirect_row.setSpacing(8)
        redirect_row.addWidget(self.redirect_label, 1)
        redirect_row.addWidget(self.copy_button)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        grid.addWidget(self._field_label(self.tr("Client id"), self.client_id), 0, 0)
        grid.addWidget(self.client_id, 0, 1)
        grid.addWidget(self._field_label(self.tr("Client secret"), self.client_secret), 1, 0)
        grid.addWidget(self.client_secret, 1, 1)
        grid.addWidget(self._field_label(self.tr("Redirect URI"), self.copy_button), 2, 0)
        grid.addLayout(redirect_row, 2, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.client_id.textChanged.connect(self._refresh_state)
        self._refresh_state()

    def _field_label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _refresh_state(self) -> None:
        if self.client_id.text().strip():
            self.state_label.setText(self.tr("✓ Set up") if self.stored else self.tr("New"))
        else:
            self.state_label.setText(self.tr("Not set up"))

    def copy_redirect(self) -> None:
        QGuiApplication.clipboard().setText(self.redirect_label.text())
        self.copy_button.setText(self.tr("Copied"))
        # The button is the timer's context: closing the dialog first cancels the reset.
        QTimer.singleShot(1500, self.copy_button, self._reset_copy)

    def _reset_copy(self) -> None:
        self.copy_button.setText(self.tr("Copy"))

    def values(self) -> tuple[str, str]:
        return self.client_id.text().strip(), self.client_secret.text().strip()


class DeveloperAppsDialog(QDialog):
    """objectName developerAppsDialog. Saves through `AccountService` on OK."""

    def __init__(self, service: AccountService, parent=None, *, focus: str | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("developerAppsDialog")
        self.setWindowTitle(self.tr("Developer apps"))
        self.setAccessibleName(self.tr("Developer apps"))
        self.setMinimumSize(640, 420)

        intro = QLabel(
            self.tr(
                "To publish to the real platforms, Herald signs in through developer apps that "
                "you create and own. For each platform, create the app in its developer portal, "
                "register the redirect URI shown here exactly as written, and paste the app's "
                "client id and secret. Secrets are stored encrypted; the README explains each "
                "step."
            ),
            self,
        )
        intro.setObjectName("developerAppsIntro")
        intro.setWordWrap(True)

        uris = redirect_uris()
        self.sections: dict[str, PlatformSection] = {}
        self.order = tuple(d.name for d in networks())
        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        for index, platform in enumerate(self.order):
            stored = service.app_credentials(platform)  # type: ignore[arg-type]
            section = PlatformSection(platform, uris[platform], stored, body)
            self.sections[platform] = section
            grid.addWidget(section, index // 2, index % 2)
        self._grid = grid
        scroll = QScrollArea(self)
        scroll.setObjectName("developerAppsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
        )

        self.error_label = QLabel("", self)
        self.error_label.setObjectName("developerAppsErrorLabel")
        self.error_label.setStyleSheet(f"color: {theme.hex_of('error_text')};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        buttons = QDialogButtonBox(self)
        buttons.setObjectName("developerAppsButtons")
        save = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("developerAppsSaveButton")
        save.setAccessibleName(self.tr("Save developer apps"))
        save.setDefault(True)
        mark_primary(save)
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("developerAppsCancelButton")
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        previous: QWidget | None = None
        for platform in self.order:
            section = self.sections[platform]
            for widget in (section.client_id, section.client_secret, section.copy_button):
                if previous is not None:
                    self.setTabOrder(previous, widget)
                previous = widget
        self._fit_to_screen(body, intro, buttons)
        target = self.sections[focus] if focus in self.sections else self.sections[self.order[0]]
        target.client_id.setFocus()
        if focus in self.sections:
            QTimer.singleShot(0, lambda: scroll.ensureWidgetVisible(target))

    def _fit_to_screen(self, body: QWidget, intro: QLabel, buttons: QWidget) -> None:
        """As large as the content, but never larger than the screen (then it scrolls)."""
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        width = 980
        intro.setFixedWidth(width - 32)
        height = (
            body.sizeHint().height()
            + intro.heightForWidth(width - 32)
            + buttons.sizeHint().height()
            + 16 * 2
            + 12 * 3
        )
        if available is not None:
            width = min(width, available.width() - 24)
            height = min(height, available.height() - 24)
        intro.setMinimumWidth(0)
        intro.setMaximumWidth(16777215)
        # Two cards side by side only when both fit (a 1024-pixel screen clipped the right
        # column); otherwise one column that scrolls.
        card = max(s.minimumSizeHint().width() for s in self.sections.values())
        columns = 2 if width - 32 - 16 >= 2 * card + 12 else 1
        for index, platform in enumerate(self.order):
            section = self.sections[platform]
            self._grid.removeWidget(section)
            self._grid.addWidget(section, index // columns, index % columns)
        self._grid.setRowStretch(len(self.order) // columns, 1)
        if available is not None and columns == 1:
            height = available.height() - 24
        self.resize(width, height)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def save(self) -> None:
        """Store every platform's app; an emptied client id removes that platform's app."""
        pending: list[tuple[str, AppCredentials | None]] = []
        for platform in self.order:
            section = self.sections[platform]
            client_id, secret = section.values()
            if not client_id:
                if secret:
                    section.client_id.setFocus()
                    self.show_error(
                        self.tr("Enter the {platform} client id as well as its secret.").format(
                            platform=platforms.get(platform).display_name
                        )
                    )
                    return
                pending.append((platform, None))
                continue
            if not secret and section.stored is not None:
                secret = section.stored.client_secret or ""
            pending.append((platform, AppCredentials(client_id, secret or None)))
        try:
            for platform, app in pending:
                if app is None:
                    if self.sections[platform].stored is not None:
                        self.service.clear_app_credentials(platform)  # type: ignore[arg-type]
                else:
                    self.service.set_app_credentials(platform, app)  # type: ignore[arg-type]
        except (AccountError, VaultError) as exc:
            self.show_error(str(exc))
            return
        self.accept()
