"""The client report's PDF (issue 23): it opens with pdftoppm, its first page shows the
heatmaps in the theme's colours, its text holds the workspace and the top post, its fonts
are embedded, tables run onto further pages, and it is drawn off the UI thread."""

from __future__ import annotations

import dataclasses
import subprocess
import threading
from datetime import timedelta

import pytest
from PIL import Image

from app.core.report import TopPostRow
from app.platforms.names import Platform
from app.ui.report import pdf
from app.ui.report.heat import cell_colour
from app.ui.report.pdf import ReportWriteError, write_pdf
from tests.ui.report.conftest import first_page_png, pdf_pages, pdf_text, poppler


def heat_colours(m) -> set[tuple[int, int, int]]:
    top = max(m.scores)
    return {cell_colour(s, top).getRgb()[:3] for s in m.scores}


def test_first_page_shows_the_heatmaps(qapp, report, tmp_path):
    out = write_pdf(report, tmp_path / "bakery.pdf")
    png = first_page_png(out, tmp_path)
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (496, 702)  # A4 at 60 dpi
        counts = dict((c, n) for n, c in rgb.getcolors(maxcolors=1_000_000))
    first_map = report.best_times[0]
    found = {c for c in heat_colours(first_map) if counts.get(c, 0) >= 4}
    # many distinct cells of the first map's scale, in solid colour (not a blank page)
    assert len(found) >= 40, len(found)
    darkest = cell_colour(max(first_map.scores), max(first_map.scores)).getRgb()[:3]
    assert counts.get(darkest, 0) >= 4


def test_text_holds_the_workspace_the_period_and_the_top_post(qapp, report, tmp_path):
    out = write_pdf(report, tmp_path / "bakery.pdf")
    first = pdf_text(out, page=1)
    assert "Corner Bakery" in first and "17 Feb 2026 – 18 Mar 2026" in first
    assert "Generated 18 Mar 2026, 15:00 UTC" in first
    assert f"Best platform: {report.best.platform.label}" in first
    everything = " ".join(pdf_text(out).split())
    assert report.top_posts[0].excerpt in everything
    assert "Top posts" in everything and "Summary by network" in everything
    # Mastodon reports no impressions: said, not 0
    assert "not reported" in everything and "Mastodon's API reports no views" in everything
    for m in report.best_times:
        assert m.platform.label in everything


def test_fonts_are_embedded(qapp, report, tmp_path):
    out = write_pdf(report, tmp_path / "bakery.pdf")
    fonts = subprocess.run([poppler("pdffonts"), str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]  # fmt: skip
    assert fonts and all(line.split()[0].startswith("DejaVuSans") for line in fonts)
    assert all(" yes " in line for line in fonts)  # emb


def test_a_long_table_runs_onto_new_pages_with_its_header(qapp, report, tmp_path):
    base = report.top_posts[0]
    rows = tuple(
        TopPostRow(
            i,
            f"Post number {i}: " + "a fresh loaf, " * 12,
            (Platform.TWITTER,),
            base.published_local + timedelta(hours=i),
            100 - i,
            1000,
            0.1,
        )
        for i in range(1, 61)
    )
    long = dataclasses.replace(report, top_posts=rows)
    short_pages = pdf_pages(write_pdf(report, tmp_path / "short.pdf"))
    out = write_pdf(long, tmp_path / "long.pdf")
    pages = pdf_pages(out)
    assert pages >= short_pages + 2
    text = pdf_text(out)
    assert "Post number 60" in text and "Post number 1:" in text
    last = pdf_text(out, page=pages)
    assert "Engagements" in last and "Impressions" in last  # the header again
    assert f"Page {pages}" in last


def test_an_empty_period_says_so(qapp, db, bakery, tmp_path):
    from datetime import date

    from app.core.clock import FakeClock
    from app.core.report import gather
    from tests.ui.report.conftest import NOW

    empty = gather(db, bakery, date(2025, 1, 1), date(2025, 1, 31), FakeClock(NOW))
    out = write_pdf(empty, tmp_path / "empty.pdf")
    text = " ".join(pdf_text(out).split())
    assert "No posts were published in Corner Bakery between 01 Jan 2025 and 31 Jan 2025" in text
    assert pdf_pages(out) == 1


def test_drawn_off_the_ui_thread(qapp, report, tmp_path):
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["path"] = write_pdf(report, tmp_path / "thread.pdf")
        except Exception as exc:  # reported below
            result["error"] = exc
        result["thread"] = threading.current_thread().name

    worker = threading.Thread(target=work, name="report-worker")
    worker.start()
    worker.join(60)
    assert "error" not in result, result.get("error")
    assert result["thread"] == "report-worker"
    assert pdf_pages(tmp_path / "thread.pdf") >= 2
    assert "Corner Bakery" in pdf_text(tmp_path / "thread.pdf", page=1)


def test_unwritable_paths_say_so_and_leave_nothing(qapp, report, tmp_path):
    with pytest.raises(ReportWriteError, match="Cannot write .*missing"):
        write_pdf(report, tmp_path / "missing" / "r.pdf")
    with pytest.raises(ReportWriteError, match="it is a folder"):
        write_pdf(report, tmp_path)
    assert not (tmp_path / "missing").exists()


def test_a_failure_half_way_leaves_the_old_file_and_no_part(qapp, report, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.pdf"
    target.write_bytes(b"the previous report")

    def broken(canvas, r, progress=None):
        canvas.text(40, 40, "half a page")
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(pdf, "draw", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        write_pdf(report, target)
    assert target.read_bytes() == b"the previous report"
    assert sorted(p.name for p in folder.iterdir()) == ["r.pdf"]
