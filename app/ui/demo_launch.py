"""--demo: the emulator in-process and a separate demo database, prepared off the UI thread
with a progress dialog (the first run seeds 90 days of history)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog

log = logging.getLogger(__name__)


class _Relay(QObject):
    progress = Signal(str, int)
    finished = Signal(object, str)


def start_demo():
    """A prepared DemoEnvironment (app.demo), or None when it failed or was cancelled."""
    from app import demo
    from app.core import paths

    relay = _Relay()
    cancel = threading.Event()
    result: dict = {}
    dialog = QProgressDialog(
        QCoreApplication.translate("Demo", "Preparing the demo: publishing history…"),
        QCoreApplication.translate("Demo", "Cancel"),
        0,
        100,
    )
    dialog.setObjectName("demoProgressDialog")
    dialog.setWindowTitle("Herald — DEMO")
    dialog.setMinimumDuration(300)
    dialog.canceled.connect(cancel.set)
    loop = QEventLoop()

    def on_progress(text: str, percent: int) -> None:
        dialog.setLabelText(text)
        dialog.setValue(percent)

    def on_finished(env, error: str) -> None:
        result["env"], result["error"] = env, error
        loop.quit()

    relay.progress.connect(on_progress)
    relay.finished.connect(on_finished)

    def work() -> None:
        try:
            env = demo.prepare_demo(
                paths.data_dir() / "demo",
                progress=lambda text, frac: relay.progress.emit(text, int(frac * 100)),
                cancel=cancel,
            )
            relay.finished.emit(env, "")
        except Exception as exc:  # reported to the person below, with the log for details
            log.exception("demo preparation failed")
            relay.finished.emit(None, str(exc) or exc.__class__.__name__)

    worker = threading.Thread(target=work, name="demo-prepare", daemon=True)
    worker.start()
    loop.exec()
    worker.join()
    cancelled = cancel.is_set()
    dialog.canceled.disconnect(cancel.set)  # closing the dialog emits canceled
    dialog.close()
    env = result.get("env")
    if env is None and not cancelled:
        QMessageBox.critical(
            None,
            "Herald",
            QCoreApplication.translate("Demo", "The demo could not be prepared: {error}").format(
                error=result.get("error", "")
            ),
        )
    if env is not None and cancelled:
        env.close()
        return None
    return env
