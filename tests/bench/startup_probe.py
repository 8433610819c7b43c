"""Child process for the start-up benchmark: from process spawn to the first Expose event of
the main window, with the peak resident memory at that moment.

    python -m tests.bench.startup_probe herald DB_URL   # the real main.py path
    python -m tests.bench.startup_probe content DB_URL  # the same, until the calendar's
                                                        #   month is painted with its posts
    python -m tests.bench.startup_probe floorA          # bare QMainWindow + pyqtgraph
    python -m tests.bench.startup_probe floorB DB_URL   # bare QMainWindow + SQLAlchemy ORM
                                                        #   + one SQLite query

Prints one JSON line: `monotonic` (CLOCK_MONOTONIC at the first Expose, or for `content` when
the paint of the month grid (objectName `monthGrid`) holding chips has ended, which the parent
subtracts from its own reading taken just before spawning, so interpreter start-up counts)
and `peak_mib`. The process then ends at once with os._exit: what happens after the window
is on screen is not start-up.

For Herald the probe creates the QApplication (Herald's launcher reuses an existing one, so
the cost is the same) only to put an event filter on it, then runs main.py as `python
main.py --db DB_URL` would: logging, icon, theme, vault, tray, wiring, scheduler, event loop.
"""

from __future__ import annotations

import json
import os
import resource
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstExpose(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if mode == "content":
                if (
                    event.type() == QEvent.Type.Paint
                    and obj.objectName() == "monthGrid"
                    and getattr(obj, "chips", None)
                    and obj.isVisible()  # type: ignore[attr-defined]
                ):
                    # The paint runs after this filter returns; report once it has.
                    QTimer.singleShot(0, report)
                return False
            if event.type() == QEvent.Type.Expose and isinstance(obj, QWindow):
                for widget in QApplication.topLevelWidgets():
                    if isinstance(widget, QMainWindow) and widget.windowHandle() is obj:
                        report()
            return False

    app = QApplication(sys.argv[:1])
    watcher = FirstExpose()
    app.installEventFilter(watcher)
    if mode in ("herald", "content"):
        sys.argv = [str(ROOT / "main.py"), "--db", sys.argv[2]]
        runpy.run_path(str(ROOT / "main.py"), run_name="__main__")
        raise SystemExit("main.py returned before its window was exposed")
    if mode == "floorA":
        import pyqtgraph  # noqa: F401  (what a charting app must load)
    elif mode == "floorB":
        floor_b_query(sys.argv[2])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    window = QMainWindow()
    window.resize(1280, 820)
    window.show()
    app.exec()
    raise SystemExit("the event loop ended before the window was exposed")


def floor_b_query(url: str) -> None:
    """SQLAlchemy's ORM with one mapped table and one query (the posts in a month)."""
    from sqlalchemy import DateTime, Integer, create_engine, func, select
    from sqlalchemy.orm import DeclarativeBase, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class PostRow(Base):  # no Mapped[] annotations: they cannot resolve in a function
        __tablename__ = "posts"
        id = mapped_column(Integer, primary_key=True)
        scheduled_at = mapped_column(DateTime)

    engine = create_engine(url)
    with Session(engine) as s:
        s.scalar(select(func.count(PostRow.id)).where(PostRow.scheduled_at.is_not(None)))


def report() -> None:
    print(json.dumps({"monotonic": time.monotonic(), "peak_mib": peak_mib()}), flush=True)
    sys.stderr.flush()
    os._exit(0)


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
