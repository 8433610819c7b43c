"""`main.py report` (issue 23): the client report PDF from the command line; bad input is
one line on stderr, exit 2, and no file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.core.models import Checkpoint
from app.platforms.names import Platform
from tests.core.analytics import helpers as h
from tests.ui.report.conftest import pdf_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bakery(db):
    ws = h.workspace(db, name="Corner Bakery", zone="Europe/London")
    x = h.account(db, ws, Platform.TWITTER)
    when = h.T0 + timedelta(days=2)  # Wednesday 7 January 2026, 09:00 UTC
    _post, (target,) = h.publish(db, ws, x, when, text="Sourdough is back on the shelves")
    h.snapshot(db, target, Checkpoint.H24, likes=40, impressions=800,
               fetched_at=when + timedelta(hours=24))  # fmt: skip
    return ws


def args(db_url: str, out: Path, *, workspace="Corner Bakery", first="2026-01-01",
         last="2026-01-31") -> list[str]:  # fmt: skip
    return ["report", "--db", db_url, "--workspace", workspace, "--from", first, "--to", last,
            "--out", str(out)]  # fmt: skip


def test_writes_the_pdf(qapp, db_url, bakery, tmp_path, capsys):
    out = tmp_path / "bakery.pdf"
    assert main(args(db_url, out)) == 0
    printed = capsys.readouterr()
    assert printed.out == f"{out}\t1 published post\n" and printed.err == ""
    text = " ".join(pdf_text(out).split())
    assert "Corner Bakery" in text and "Sourdough is back on the shelves" in text
    assert "1 Jan 2026 – 31 Jan 2026" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first": "2026-02-30"}, "The --from date '2026-02-30' is not a date like 2026-03-01."),
        ({"last": "31/01/2026"}, "The --to date '31/01/2026' is not a date like 2026-03-01."),
        ({"first": "2026-02-01"}, "--from (2026-02-01) is after --to (2026-01-31)."),
        ({"workspace": "Nobody"}, "No workspace named 'Nobody'."),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(
    qapp, db_url, bakery, tmp_path, capsys, change, message
):
    out = tmp_path / "out" / "r.pdf"
    out.parent.mkdir()
    assert main(args(db_url, out, **change)) == 2
    assert capsys.readouterr().err == f"herald report: {message}\n"
    assert list(out.parent.iterdir()) == []


def test_an_unwritable_path_is_one_line_exit_2(qapp, db_url, bakery, tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "r.pdf"
    assert main(args(db_url, missing)) == 2
    err = capsys.readouterr().err
    assert err.startswith("herald report: Cannot write ") and err.count("\n") == 1
    assert "does not exist" in err
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert main(args(db_url, folder)) == 2
    err = capsys.readouterr().err
    assert err == f"herald report: Cannot write {folder}: it is a folder.\n"
    assert list(folder.iterdir()) == []
    assert not missing.parent.exists()


def test_runs_headless_in_its_own_process(db_url, bakery, tmp_path):
    """No display, no QT_QPA_PLATFORM: the command draws offscreen by itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM",
                                                           "WAYLAND_DISPLAY")}  # fmt: skip
    env["PYTHONPATH"] = str(ROOT)
    out = tmp_path / "headless.pdf"
    proc = subprocess.run([sys.executable, "main.py", *args(db_url, out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF-")
