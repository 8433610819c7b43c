"""Analytics ▸ "Client report…" (issue 23): the button opens the dialog; a preset or custom
period, a worker thread with progress, then Open / Show folder."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton

from app.core.clock import FakeClock
from app.platforms.names import Platform
from tests.ui.analytics.test_dashboard import open_view
from tests.ui.report.conftest import NOW, pdf_text


@pytest.fixture
def view(qtbot, db, bakery):
    return open_view(qtbot, db, FakeClock(NOW), bakery)


def open_dialog(qtbot, view):
    button = view.findChild(QPushButton, "analyticsReportButton")
    assert button is not None and button.isVisible() and button.text() == "Client report…"
    button.click()
    dialog = view.report_button.dialog
    assert dialog is not None and dialog.objectName() == "clientReportDialog"
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_presets_and_custom_period(qtbot, view, tmp_path):
    dialog = open_dialog(qtbot, view)
    assert dialog.period_combo.currentText() == "Last 30 days"
    assert dialog.period() == (date(2026, 2, 17), date(2026, 3, 18))  # the clock's today
    assert not dialog.from_edit.isEnabled()
    dialog.period_combo.setCurrentIndex(0)
    assert dialog.period() == (date(2026, 3, 12), date(2026, 3, 18))
    assert dialog.path_edit.text().endswith("herald-report-corner-bakery-20260312-20260318.pdf")
    dialog.set_period(date(2026, 3, 10), date(2026, 3, 1))
    assert dialog.from_edit.isEnabled()
    assert not dialog.generate_button.isEnabled()
    assert dialog.status.text() == "The first day is after the last day."
    dialog.set_period(date(2026, 3, 1), date(2026, 3, 10))
    assert dialog.generate_button.isEnabled() and dialog.status.text() == ""
    dialog.set_path(tmp_path / "mine")  # no suffix: .pdf is added
    assert dialog.target() == tmp_path / "mine.pdf"


def test_generates_in_a_worker_then_offers_the_file(qtbot, view, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = open_dialog(qtbot, view)
    dialog.set_path(tmp_path / "bakery.pdf")
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.saved, timeout=60000) as saved:
        dialog.generate_button.click()
        assert not dialog.generate_button.isEnabled()  # busy while the worker runs
        assert not dialog.close_button.isEnabled()
    assert saved.args == [str(tmp_path / "bakery.pdf")]
    qtbot.waitUntil(lambda: dialog.job is None)
    assert dialog.progress.value() == 100 and len(set(seen)) >= 3  # progress came along
    assert dialog.status.text() == f"Saved {tmp_path / 'bakery.pdf'}"
    assert dialog.open_button.isVisible() and dialog.folder_button.isVisible()
    assert dialog.generate_button.isEnabled()
    text = " ".join(pdf_text(tmp_path / "bakery.pdf").split())
    assert "Corner Bakery" in text and "17 Feb 2026 – 18 Mar 2026" in text
    dialog.open_button.click()
    dialog.folder_button.click()
    assert opened == [str(tmp_path / "bakery.pdf"), str(tmp_path)]


def test_the_views_platform_filter_carries_into_the_report(qtbot, view, tmp_path):
    view.filters.set_platform(Platform.INSTAGRAM)
    dialog = open_dialog(qtbot, view)
    dialog.set_path(tmp_path / "ig.pdf")
    with qtbot.waitSignal(dialog.saved, timeout=60000):
        dialog.generate()
    qtbot.waitUntil(lambda: dialog.job is None)
    text = " ".join(pdf_text(tmp_path / "ig.pdf").split())
    assert "Limited to: Instagram only" in text
    assert "Mastodon" not in text


def test_a_failure_is_said_and_the_dialog_stays_usable(qtbot, view, tmp_path):
    dialog = open_dialog(qtbot, view)
    dialog.set_path(tmp_path / "missing" / "r.pdf")
    with qtbot.waitSignal(dialog.failed, timeout=60000) as failed:
        dialog.generate_button.click()
    qtbot.waitUntil(lambda: dialog.job is None)
    assert "Cannot write" in failed.args[0]
    assert dialog.status.text().startswith("The report could not be created: Cannot write")
    assert not dialog.open_button.isVisible()
    assert dialog.generate_button.isEnabled() and dialog.close_button.isEnabled()
    assert not (tmp_path / "missing").exists()
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_cancel_stops_the_worker_and_saves_nothing(qtbot, view, tmp_path, monkeypatch):
    import threading

    from app.ui.report import dialog as dialog_module

    reached, go_on = threading.Event(), threading.Event()
    real_gather = dialog_module.gather

    def slow_gather(*args, progress, **kwargs):
        progress(1, "Reading…")
        reached.set()
        go_on.wait(30)  # the person clicks Cancel meanwhile
        return real_gather(*args, progress=progress, **kwargs)

    monkeypatch.setattr(dialog_module, "gather", slow_gather)
    dialog = open_dialog(qtbot, view)
    out = tmp_path / "reports"
    out.mkdir()
    dialog.set_path(out / "r.pdf")
    dialog.generate_button.click()
    assert reached.wait(30)
    cancel = dialog.findChild(QPushButton, "reportCancelButton")
    assert cancel.isVisible() and cancel.isEnabled()
    with qtbot.waitSignal(dialog.cancelled, timeout=60000):
        cancel.click()
        assert dialog.status.text() == "Cancelling…" and not cancel.isEnabled()
        go_on.set()
    qtbot.waitUntil(lambda: dialog.job is None)
    assert dialog.status.text() == "Cancelled: no PDF was saved."
    assert list(out.iterdir()) == []  # neither the PDF nor its temporary file
    assert not cancel.isVisible() and not dialog.progress.isVisible()
    assert dialog.generate_button.isEnabled() and not dialog.open_button.isVisible()
    with qtbot.waitSignal(dialog.saved, timeout=60000):  # and it still works afterwards
        dialog.generate_button.click()
    assert [p.name for p in out.iterdir()] == ["r.pdf"]
