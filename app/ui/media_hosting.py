"""Choosing how Instagram gets an account's images (the "media hosting" setting).

Instagram does not accept uploads: it downloads every image from a public web address, and a
desktop has none. The user picks one of:

- Facebook Page photos: Herald uploads the image as an unpublished photo to one of their
  connected Facebook Pages and gives Instagram that photo's address (images only);
- an S3-compatible bucket they own (not available in this version: shown, disabled);
- this computer (only the built-in emulator can reach it: demo mode only).

The value is the dict stored under "media_hosting" in the account's settings, in the shape
of the adapters' MediaHosting (media_server).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import platforms
from app.core.accounts import AccountInfo, AccountService, AccountStatus
from app.core.events import ACCOUNTS_CHANGED, EventHub
from app.ui import theme
from app.ui.developer_apps import mark_primary

# The adapters' wording (app/adapters/media_server.py MEDIA_HOSTING_HELP), kept here because
# app/ui imports no adapter.
HELP = {
    "facebook_page_photo": (
        "Herald uploads each image as an unpublished photo to one of your connected Facebook "
        "Pages and hands Instagram that photo's address. Nothing appears on the Page. "
        "Images only (no videos)."
    ),
    "s3": (
        "Herald uploads each file to an S3-compatible bucket you own (AWS S3, Cloudflare R2, "
        "Backblaze B2, MinIO...) whose objects are publicly readable, and gives Instagram its "
        "public address. Not available in this version."
    ),
    "loopback": (
        "Herald serves the file from this computer (127.0.0.1). Works only with the built-in "
        "emulator (demo and tests): Instagram itself cannot reach your computer."
    ),
}


def edit_media_hosting(
    parent: QWidget,
    accounts: AccountService,
    events: EventHub | None,
    account: AccountInfo,
    *,
    demo: bool = False,
) -> bool:
    """Ask how `account`'s network gets its media and store the answer; True when saved.
    The pages that can host it are the workspace's enabled accounts of the network its
    descriptor names (`media.hosting_network`). Used by the Accounts view and the composer."""
    rules = platforms.get(account.platform).media
    if not rules.needs_hosting:
        return False
    pages = [
        a
        for a in accounts.list(account.workspace_id)
        if rules.hosting_network is not None
        and str(a.platform) == rules.hosting_network
        and a.status != AccountStatus.DISABLED
    ]
    dialog = MediaHostingDialog(account, pages, demo=demo, parent=parent)
    try:
        if not dialog.exec():
            return False
        value = dialog.value
    finally:
        dialog.deleteLater()
    accounts.update_settings(account.id, {"media_hosting": value})
    if events is not None:
        events.publish(ACCOUNTS_CHANGED, workspace_id=account.workspace_id)
    return True


class MediaHostingDialog(QDialog):
    """objectName mediaHostingDialog. `value` is the setting to store (after exec())."""

    def __init__(
        self,
        account: AccountInfo,
        facebook_pages: Sequence[AccountInfo],
        *,
        demo: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.account = account
        self.setObjectName("mediaHostingDialog")
        network = platforms.get(account.platform)
        host = platforms.get(network.media.hosting_network or network.name)
        self._network, self._host = network.display_name, host.display_name
        self.setWindowTitle(
            self.tr("Media hosting for {platform} {handle}").format(
                platform=network.display_name, handle=account.handle
            )
        )
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(540)
        current = account.settings.get("media_hosting")
        current = current if isinstance(current, dict) else {}
        helps = HELP

        icon = QLabel(self)
        icon.setPixmap(theme.platform_icon(network.name).pixmap(28, 28))
        title = QLabel(
            self.tr("How should {platform} get your images?").format(platform=network.display_name),
            self,
        )
        title.setProperty("role", "title")
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(icon)
        head.addWidget(title, 1)
        intro = QLabel(
            self.tr(
                "{platform} does not accept uploads: it downloads each image from a public web "
                "address. Your computer does not have one, so choose where Herald should put "
                "images for {platform} to fetch."
            ).format(platform=network.display_name),
            self,
        )
        intro.setObjectName("mediaHostingIntro")
        intro.setWordWrap(True)

        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        self.page_combo = QComboBox(self)
        self.page_combo.setObjectName("facebookPageCombo")
        self.page_combo.setAccessibleName(
            self.tr("{host} Page that hosts the images").format(host=host.display_name)
        )
        for page in facebook_pages:
            self.page_combo.addItem(
                theme.platform_icon(str(page.platform)), page.handle, page.external_id
            )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addLayout(head)
        layout.addWidget(intro)

        options = [
            (
                "facebook_page_photo",
                "facebookPagePhotoRadio",
                self.tr("{host} Page photos").format(host=host.display_name),
            ),
            ("s3", "s3Radio", self.tr("S3-compatible bucket")),
            ("loopback", "loopbackRadio", self.tr("This computer (demo only)")),
        ]
        for kind, name, label in options:
            radio = QRadioButton(label, self)
            radio.setObjectName(name)
            radio.setAccessibleName(label)
            self.group.addButton(radio)
            self.radios[kind] = radio
            text = QLabel(self.tr(helps[kind]), self)
            text.setObjectName(f"{name}Help")
            text.setProperty("role", "small")
            text.setWordWrap(True)
            text.setContentsMargins(24, 0, 0, 0)
            layout.addWidget(radio)
            layout.addWidget(text)
            if kind == "facebook_page_photo":
                row = QHBoxLayout()
                row.setContentsMargins(24, 0, 0, 0)
                row.setSpacing(8)
                page_label = QLabel(self.tr("Page"), self)
                page_label.setBuddy(self.page_combo)
                row.addWidget(page_label)
                row.addWidget(self.page_combo, 1)
                layout.addLayout(row)

        facebook = self.radios["facebook_page_photo"]
        if not facebook_pages:
            facebook.setEnabled(False)
            no_page = self.tr("Connect a {host} Page in this workspace first").format(
                host=host.display_name
            )
            facebook.setToolTip(no_page)
            self.page_combo.setEnabled(False)
            self.page_combo.setToolTip(no_page)
        s3 = self.radios["s3"]
        s3.setEnabled(False)
        s3.setToolTip(self.tr("Not available in this version of Herald yet"))
        loopback = self.radios["loopback"]
        if not demo:
            loopback.setEnabled(False)
            loopback.setToolTip(
                self.tr("Only the demo's emulator can fetch images from this computer")
            )
        facebook.toggled.connect(self._update)

        self.note = QLabel("", self)
        self.note.setObjectName("mediaHostingNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.hex_of('warning_text')};")
        layout.addWidget(self.note)

        buttons = QDialogButtonBox(self)
        buttons.setObjectName("mediaHostingButtons")
        self.save_button = buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("mediaHostingSaveButton")
        self.save_button.setAccessibleName(self.tr("Save media hosting"))
        self.save_button.setDefault(True)
        mark_primary(self.save_button)
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("mediaHostingCancelButton")
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._select_initial(current, demo)
        self._update()

    def _select_initial(self, current: dict[str, Any], demo: bool) -> None:
        kind = current.get("kind")
        if kind == "facebook_page_photo" and current.get("page_id"):
            index = self.page_combo.findData(current["page_id"])
            if index >= 0:
                self.page_combo.setCurrentIndex(index)
        radio = self.radios.get(str(kind)) if kind else None
        if radio is not None and radio.isEnabled():
            radio.setChecked(True)
        elif self.radios["facebook_page_photo"].isEnabled():
            self.radios["facebook_page_photo"].setChecked(True)
        elif demo:
            self.radios["loopback"].setChecked(True)

    def _update(self) -> None:
        chosen = self.kind
        self.page_combo.setEnabled(chosen == "facebook_page_photo" and self.page_combo.count() > 0)
        self.save_button.setEnabled(chosen is not None)
        if chosen is None:
            self.note.setText(
                self.tr(
                    "Connect a {host} Page in this workspace to host {platform} images. Until "
                    "a media hosting is chosen, {platform} posts with images cannot be published."
                ).format(host=self._host, platform=self._network)
            )
            self.save_button.setToolTip(self.tr("Choose an option first"))
        else:
            self.note.setText("")
            self.save_button.setToolTip("")
        self.note.setVisible(bool(self.note.text()))

    @property
    def kind(self) -> str | None:
        for kind, radio in self.radios.items():
            if radio.isChecked():
                return kind
        return None

    @property
    def value(self) -> dict[str, Any]:
        kind = self.kind
        if kind == "facebook_page_photo":
            return {"kind": kind, "page_id": str(self.page_combo.currentData())}
        return {"kind": kind or "loopback"}
