"""A seeded bakery workspace (tests/ui/analytics/seed.py, the screenshots' seed) and the
poppler tools the PDF tests read the report with."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.core.clock import FakeClock
from app.core.report import gather
from tests.ui.analytics.seed import seed_dashboard

NOW = datetime(2026, 3, 18, 15, tzinfo=UTC)
FIRST, LAST = date(2026, 2, 17), date(2026, 3, 18)


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils): cannot read PDFs")
    return found


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run([poppler("pdftotext"), "-layout", *pages, str(path), "-"],
                         capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
    return out.stdout


def pdf_pages(path: Path) -> int:
    out = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True,
                         check=True, timeout=60)  # fmt: skip
    return int(next(ln.split()[-1] for ln in out.stdout.splitlines() if ln.startswith("Pages:")))


def first_page_png(path: Path, out_dir: Path, dpi: int = 60) -> Path:
    prefix = out_dir / "page"
    subprocess.run([poppler("pdftoppm"), "-png", "-r", str(dpi), "-f", "1", "-l", "1",
                    str(path), str(prefix)], check=True, timeout=60)  # fmt: skip
    (png,) = sorted(out_dir.glob("page*.png"))
    return png


@pytest.fixture
def bakery(db):
    ids = seed_dashboard(db, NOW, "Europe/London", weeks=5)
    return ids["workspace"]


@pytest.fixture
def report(db, bakery):
    return gather(db, bakery, FIRST, LAST, FakeClock(NOW))
