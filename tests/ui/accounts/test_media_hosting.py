from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QRadioButton

from app.core.models import AccountStatus
from app.platforms.names import Platform
from app.ui.media_hosting import MediaHostingDialog
from tests.ui.accounts.helpers import add_account


def test_dialog_explains_each_choice_and_what_is_available(qtbot, context, workspace, db, clock):
    ig = add_account(db, clock, workspace.id, Platform.INSTAGRAM, "@bakery.ig")
    from app.ui.accounts.services import accounts_of

    account = accounts_of(context).get(ig)
    dialog = MediaHostingDialog(account, [], demo=False)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "mediaHostingDialog"
    assert "public web address" in dialog.findChild(QLabel, "mediaHostingIntro").text()
    facebook = dialog.findChild(QRadioButton, "facebookPagePhotoRadio")
    s3 = dialog.findChild(QRadioButton, "s3Radio")
    loopback = dialog.findChild(QRadioButton, "loopbackRadio")
    for radio in (facebook, s3, loopback):
        assert not radio.isEnabled() and radio.toolTip()  # disabled controls say why
        assert dialog.findChild(QLabel, f"{radio.objectName()}Help").text()
    assert "Connect a Facebook Page" in facebook.toolTip()
    save = dialog.findChild(QPushButton, "mediaHostingSaveButton")
    assert not save.isEnabled()
    assert dialog.note.isVisibleTo(dialog)


def test_facebook_page_photo_hosting_is_saved(qtbot, make_view, db, clock, workspace):
    ig = add_account(db, clock, workspace.id, Platform.INSTAGRAM, "@bakery.ig")
    add_account(db, clock, workspace.id, Platform.FACEBOOK, "Corner Bakery", external_id="page-1")
    add_account(
        db,
        clock,
        workspace.id,
        Platform.FACEBOOK,
        "Old Page",
        external_id="page-0",
        status=AccountStatus.DISABLED,
    )
    view = make_view()
    assert view.media_banner.isVisible()
    view.select_account(ig)
    button = view.findChild(QPushButton, "mediaHostingButton")
    assert button.isEnabled()
    seen = {}

    def choose():
        dialog = QApplication.activeModalWidget()
        seen["name"] = dialog.objectName()
        combo = dialog.findChild(QComboBox, "facebookPageCombo")
        seen["pages"] = [combo.itemText(i) for i in range(combo.count())]
        radio = dialog.findChild(QRadioButton, "facebookPagePhotoRadio")
        assert radio.isEnabled() and radio.isChecked()
        dialog.findChild(QPushButton, "mediaHostingSaveButton").click()

    QTimer.singleShot(0, choose)
    button.click()
    assert seen == {"name": "mediaHostingDialog", "pages": ["Corner Bakery"]}
    settings = view.service.get(ig).settings
    assert settings["media_hosting"] == {"kind": "facebook_page_photo", "page_id": "page-1"}
    assert not view.media_banner.isVisible()
    row = view.model.row_of(ig)
    assert view.model.index(row, 4).data() == "Media hosting: Facebook Page photos"

    # the adapters read the same setting
    from app.adapters.media_server import MediaHosting

    hosting = MediaHosting.from_dict(settings["media_hosting"])
    assert hosting.kind == "facebook_page_photo" and hosting.page_id == "page-1"


def test_demo_offers_this_computer(qtbot, context, workspace, db, clock):
    ig = add_account(db, clock, workspace.id, Platform.INSTAGRAM, "@demo.ig")
    from app.ui.accounts.services import accounts_of

    dialog = MediaHostingDialog(accounts_of(context).get(ig), [], demo=True)
    qtbot.addWidget(dialog)
    loopback = dialog.findChild(QRadioButton, "loopbackRadio")
    assert loopback.isEnabled() and loopback.isChecked()
    assert dialog.value == {"kind": "loopback"}
