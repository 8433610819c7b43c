"""Write a ClientReport as an A4 PDF (QPdfWriter + QPainter; DejaVu Sans embedded).

Page 1: the workspace, the period and when the report was made, the key figures, the best
platform and why, then the best-time maps (continuing on the next pages), the figures per
network and the top posts. Safe off the UI thread (a QGuiApplication must exist: fonts). The
file appears whole or not at all: drawn into a temporary file beside it, then renamed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app import platforms
from app.core.report import ClientReport, NetworkFigures, TopPostRow
from app.ui.report.canvas import CONTENT_W, MARGIN, Canvas, a4_writer, load_fonts
from app.ui.report.heat import draw_heatmap
from app.ui.report.tables import Column, draw_table

Progress = Callable[[int, str], None]
_app: object = None  # the QGuiApplication a command line made (kept alive)


class ReportWriteError(OSError):
    """The PDF could not be written where asked: one line for a person."""


def _quiet(_percent: int, _what: str) -> None:
    pass


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def period_text(r: ClientReport) -> str:
    return f"{_day(r.first)} – {_day(r.last)}"


# ------------------------------------------------------------------ sections


def _title(c: Canvas, r: ClientReport) -> None:
    c.fill(MARGIN, c.y, CONTENT_W, 3, "accent")
    c.y += 12
    c.text(MARGIN, c.y, "CLIENT REPORT", 8, bold=True, colour="accent")
    c.y += 13
    c.y += c.text(MARGIN, c.y, r.workspace, 22, bold=True, colour="strong", wrap=True)
    c.y += 4
    c.y += c.text(MARGIN, c.y, f"{period_text(r)}  ·  times in {r.zone}", 10.5, colour="body")
    c.y += 3
    made = r.generated_at.strftime("%H:%M UTC")
    c.y += c.text(MARGIN, c.y, f"Generated {_day(r.generated_at)}, {made}, by Herald", 8,
                  colour="muted")  # fmt: skip
    if r.filters:
        c.y += 2
        c.y += c.text(MARGIN, c.y, f"Limited to: {r.filters}", 8, colour="muted")
    c.y += 16


def _kpis(c: Canvas, r: ClientReport) -> None:
    boxes = (
        ("Posts published", f"{r.published:,}", f"{r.measured:,} with figures"),
        (
            "Impressions",
            f"{r.impressions:,}" if r.impressions is not None else "not reported",
            "where networks report them",
        ),
        ("Engagements", f"{r.engagement:,}", "likes + shares + comments"),
        ("Engagement rate", pct(r.rate), "engagements ÷ impressions"),
    )
    gap = 8.0
    w = (CONTENT_W - gap * 3) / 4
    h = 54.0
    for i, (label, value, note) in enumerate(boxes):
        x = MARGIN + i * (w + gap)
        c.fill(x, c.y, w, h, "outside")
        c.frame(x, c.y, w, h, "line")
        c.text(x + 8, c.y + 7, label, 7.5, colour="muted", width=w - 16)
        c.text(x + 8, c.y + 18, value, 15, bold=True, colour="strong", width=w - 16)
        c.text(x + 8, c.y + 39, c.elide(note, 6.5, w - 16), 6.5, colour="muted", width=w - 16)
    c.y += h + 12


def _best(c: Canvas, r: ClientReport) -> None:
    if r.best is None:
        return
    inner = CONTENT_W - 20
    head = f"Best platform: {r.best.platform.label}"
    h = 10 + c.text_height(head, 11, inner, True) + 3 + c.text_height(r.best.why, 8.5, inner)
    c.fill(MARGIN, c.y, CONTENT_W, h + 8, "accent_soft")
    c.fill(MARGIN, c.y, 3, h + 8, "accent")
    y = c.y + 8
    y += c.text(MARGIN + 12, y, head, 11, bold=True, colour="accent_strong", width=inner)
    c.text(MARGIN + 12, y + 3, r.best.why, 8.5, colour="body", width=inner, wrap=True)
    c.y += h + 8 + 16


def _heading(c: Canvas, text: str, need: float) -> None:
    c.ensure(need)
    c.y += c.text(MARGIN, c.y, text, 13, bold=True, colour="strong")
    c.y += 4


def _best_times(c: Canvas, r: ClientReport) -> None:
    if not r.best_times:
        return
    _heading(c, "Best times to post", 200)
    caption = (
        f"Each map scores the hours of the week (Monday to Sunday, 00 to 23 in {r.zone}) as "
        "Herald's Best times view does: the darker the cell, the better the hour. Outlined "
        "cells are the three recommended hours; a dot marks an hour you posted at. Where you "
        "have few posts, scores lean on the network's typical week, and say so. Under each map: "
        "the recommended hours with their expected score, confidence and the posts of yours "
        "behind them."
    )
    c.y += c.text(MARGIN, c.y, caption, 7.5, colour="muted", wrap=True)
    c.y += 10
    for m in r.best_times:
        draw_heatmap(c, m)


def _network_row(n: NetworkFigures) -> list[str]:
    return [
        n.label,
        f"{n.published:,}",
        f"{n.measured:,}",
        f"{n.impressions:,}" if n.impressions is not None else "not reported",
        f"{n.likes:,}",
        f"{n.shares:,}",
        f"{n.comments:,}",
        f"{n.engagement:,}",
        pct(n.rate),
    ]


def _networks(c: Canvas, r: ClientReport) -> None:
    _heading(c, "Summary by network", 90)
    columns = (
        Column("Network", 1.35),
        Column("Published", 1.05, numeric=True),
        Column("Measured", 1.0, numeric=True),
        Column("Impressions", 1.35, numeric=True),
        Column("Likes", 0.85, numeric=True),
        Column("Shares", 0.85, numeric=True),
        Column("Comments", 1.1, numeric=True),
        Column("Engagements", 1.3, numeric=True),
        Column("Avg rate", 0.95, numeric=True),
    )
    draw_table(c, columns, [_network_row(n) for n in r.networks])
    notes = []
    for n in r.networks:
        if n.impressions is None:
            why = "; ".join(platforms.get(n.platform.value).analytics.not_reported)
            notes.append(f"{n.label}: {why or 'impressions not reported'}.")
    if notes:
        c.y += 4
        text = "Not reported is not zero. " + " ".join(notes)
        c.y += c.text(MARGIN, c.y, text, 7, colour="muted", wrap=True)
    c.y += 16


def _post_row(i: int, p: TopPostRow) -> list[str]:
    return [
        str(i),
        p.excerpt,
        ", ".join(n.label for n in p.networks),
        f"{p.published_local:%a} {_day(p.published_local)}, {p.published_local:%H:%M}",
        f"{p.engagement:,}",
        f"{p.impressions:,}" if p.impressions is not None else "not reported",
        pct(p.rate),
    ]


def _top_posts(c: Canvas, r: ClientReport) -> None:
    if not r.top_posts:
        return
    _heading(c, "Top posts", 90)
    columns = (
        Column("#", 0.4, numeric=True),
        Column("Post", 3.1, wrap=True),
        Column("Networks", 1.2, wrap=True),
        Column("Published", 2.0),
        Column("Engagements", 1.3, numeric=True),
        Column("Impressions", 1.25, numeric=True),
        Column("Rate", 0.65, numeric=True),
    )
    draw_table(c, columns, [_post_row(i, p) for i, p in enumerate(r.top_posts, 1)])


def _empty(c: Canvas, r: ClientReport) -> None:
    text = r.empty_message + " There is nothing to summarise: choose another period."
    h = c.text_height(text, 10, CONTENT_W - 24) + 20
    c.fill(MARGIN, c.y, CONTENT_W, h, "outside")
    c.frame(MARGIN, c.y, CONTENT_W, h, "line")
    c.text(MARGIN + 12, c.y + 10, text, 10, colour="body", width=CONTENT_W - 24, wrap=True)
    c.y += h + 12


def draw(c: Canvas, r: ClientReport, progress: Progress = _quiet) -> None:
    _title(c, r)
    if r.empty:
        _empty(c, r)
        return
    _kpis(c, r)
    _best(c, r)
    progress(75, "Drawing the best-time maps…")
    _best_times(c, r)
    progress(90, "Drawing the tables…")
    _networks(c, r)
    _top_posts(c, r)


# ------------------------------------------------------------------ the file


def _temp_beside(target: Path) -> str:
    if target.is_dir():
        raise ReportWriteError(f"Cannot write {target}: it is a folder.")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise ReportWriteError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    os.close(fd)
    return temp


def ensure_gui_app() -> None:
    """Fonts need a QGuiApplication: a command line makes one, offscreen unless told."""
    from PySide6.QtGui import QGuiApplication

    global _app
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QGuiApplication(["herald-report"])


def write_pdf(report: ClientReport, path: str | Path, progress: Progress = _quiet) -> Path:
    """Draw `report` into `path` (replaced whole); ReportWriteError when it cannot be."""
    target = Path(path).expanduser().absolute()
    temp = _temp_beside(target)
    load_fonts()
    done = False
    try:
        title = f"{report.workspace}: client report, {period_text(report)}"
        writer = a4_writer(temp, title)
        canvas = Canvas(writer, f"Herald  ·  {report.workspace}  ·  {period_text(report)}")
        try:
            draw(canvas, report, progress)
        except BaseException:
            canvas.abort()
            raise
        canvas.finish()
        del canvas, writer  # the writer closes its file
        if os.path.getsize(temp) == 0:
            raise ReportWriteError(f"Cannot write {target}: the PDF came out empty.")
        os.replace(temp, target)
        done = True
    except OSError as exc:
        if isinstance(exc, ReportWriteError):
            raise
        raise ReportWriteError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    progress(100, f"Saved {target.name}")
    return target
