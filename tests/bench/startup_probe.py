"""Child process for the startup benchmark: time from process start to the first shown window.

`python -m tests.bench.startup_probe herald DB_URL` or `... floor`. Prints JSON with the
seconds to first show and the peak RSS in MiB.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if mode == "floor":
        import pyqtgraph  # noqa: F401  (the floor includes what a charting app must load)

        window = QMainWindow()
        window.resize(1280, 820)
    else:
        from app.core.appcontext import AppContext
        from app.core.db import open_database
        from app.ui.main_window import MainWindow
        from app.ui.theme import apply_theme

        apply_theme(app)
        window = MainWindow(AppContext(db=open_database(sys.argv[2])))
    window.show()
    app.processEvents()
    elapsed = time.perf_counter() - T0
    print(json.dumps({"seconds": elapsed, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    """Peak resident memory of this process. Linux keeps ru_maxrss across exec (a child of a
    big parent would report the parent's peak), so read VmHWM, which starts anew with exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
