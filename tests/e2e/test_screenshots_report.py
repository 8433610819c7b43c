"""The client report (issue 23) for a person to look at (UI-REVIEW.md):

- report-page1.png: the first page of the PDF over the screenshots' seed, through pdftoppm
  (the copy in docs/screenshots/ comes from it);
- report-dialog[-dark]-<size>.png and report-dialog-saved[-dark]-<size>.png: Analytics with
  the "Client report…" dialog open in a real window under Xvfb at 1440x900 and 1024x700 (and
  dark at 1024x700), before and after the PDF is made; nothing clipped, nothing outside
  (layout-report[-dark]-<size>.txt stays empty).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    assert_screenshot,
    child_env,
    run_child,
    shot_name,
    theme_name,
)

pytestmark = pytest.mark.e2e
#: (width, height, theme): both sizes in the light theme, the small one in the dark theme too
SHOTS = ((1440, 900, "light"), (1024, 700, "light"), (1024, 700, "dark"))


def write_seeded_report(db_path: Path, out: Path) -> Path:
    """The screenshots' seed (12 weeks of a bakery on every network), its last 30 days."""
    from datetime import UTC, date, datetime

    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.core.report import gather
    from app.ui.report.pdf import write_pdf
    from tests.ui.analytics.seed import seed_dashboard

    db = open_database(f"sqlite:///{db_path}")
    try:
        clock = FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC))
        ws = seed_dashboard(db, clock.now(), "Europe/London")["workspace"]
        report = gather(db, ws, date(2026, 2, 17), date(2026, 3, 18), clock)
        return write_pdf(report, out)
    finally:
        db.dispose()


def test_report_first_page(qapp, tmp_path):
    from tests.ui.report.conftest import poppler

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = write_seeded_report(tmp_path / "seed.db", tmp_path / "report.pdf")
    prefix = tmp_path / "page"
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "90", "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(prefix)], check=True, timeout=60)  # fmt: skip
    target = ARTIFACTS / "report-page1.png"
    target.write_bytes((tmp_path / "page.png").read_bytes())
    assert_screenshot(target, 1000, 1100)


def test_report_dialog_screenshots(xvfb_display, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height, theme in SHOTS:
        env = child_env(tmp_path, xvfb_display(width, height), theme)
        db = tmp_path / f"shots-{width}-{theme}.db"
        run_child([sys.executable, __file__, str(db), str(ARTIFACTS), str(width), str(height)],
                  env)  # fmt: skip
        for base in ("report-dialog", "report-dialog-saved"):
            shot = ARTIFACTS / shot_name(base, width, height, theme)
            assert_screenshot(shot, width, height)
        found = ARTIFACTS / shot_name("layout-report", width, height, theme).replace(".png", ".txt")
        assert found.read_text(encoding="utf-8") == ""  # nothing clipped, nothing outside


# ---------------------------------------------------------------------- the child process


def _settle(app, rounds: int = 40) -> None:
    import time

    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def main(db_path: str, out_dir: str, width: int, height: int) -> int:
    import time
    from datetime import UTC, datetime

    from PySide6.QtWidgets import QApplication

    from app.core.appcontext import AppContext
    from app.core.clock import FakeClock
    from app.core.db import open_database
    from app.ui.main_window import MainWindow
    from app.ui.theme import apply_theme
    from tests.e2e.layout_checks import problems, write
    from tests.ui.analytics.seed import seed_dashboard

    app = QApplication(sys.argv[:1])
    apply_theme(app, theme_name())
    db = open_database(f"sqlite:///{db_path}")
    clock = FakeClock(datetime(2026, 3, 18, 15, tzinfo=UTC))
    ids = seed_dashboard(db, clock.now(), "Europe/London", weeks=6)
    window = MainWindow(AppContext(db=db, clock=clock))
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    window.select_workspace(ids["workspace"])
    window.show_area("analytics")
    view = window.views["analytics"]
    deadline = time.monotonic() + 30
    while (view.data is None or not view.is_idle()) and time.monotonic() < deadline:
        _settle(app, 5)
    view.report_button.click()
    dialog = view.report_button.dialog
    dialog.set_path(Path(db_path).with_suffix(".pdf"))
    _settle(app)
    out = Path(out_dir)
    screen = window.screen()
    first, saved = (
        shot_name("report-dialog", width, height),
        shot_name("report-dialog-saved", width, height),
    )
    found = problems(window, f"analytics-{width}x{height}")
    found += problems(dialog, first.removesuffix(".png"))
    screen.grabWindow(0).save(str(out / first))
    dialog.generate()
    deadline = time.monotonic() + 60
    while dialog.job is not None and time.monotonic() < deadline:
        _settle(app, 5)
    _settle(app)
    assert dialog.path is not None, dialog.status.text()
    found += problems(dialog, saved.removesuffix(".png"))
    screen.grabWindow(0).save(str(out / saved))
    write(out, shot_name("layout-report", width, height).replace(".png", ".txt"), found)
    dialog.close()
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
