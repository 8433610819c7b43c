"""Issue 21 (a new user at 1024x700): when a month row has room for one chip but not for a chip
and a "+N more" line under it, the day shows its first post and "+N more" beside the day
number, instead of a cell with no post at all."""

from __future__ import annotations

from datetime import datetime

from tests.ui.calendar.helpers import schedule
from tests.ui.calendar.test_calendar import env

__all__ = ["env"]


def test_a_short_row_shows_a_chip_and_more_beside_the_day_number(env):
    context, ws, x, li, window, view = env
    for hour in (9, 12, 17):
        schedule(context, ws.id, [x], datetime(2026, 1, 6, hour, 0))
    grid = view.month
    view.reload()
    window.resize(1440, 900)
    index = (datetime(2026, 1, 6).date() - grid.first_day).days
    cell = grid.cell_rect(index)
    # Rows of about 63 px (a 1024x700 window): room for one chip, not one and a line below.
    grid.resize(grid.width(), int(63 * grid.height() / cell.height()))
    cell = grid.cell_rect(index)
    assert 55 < cell.height() < 70
    chips = [c for c in grid.layout_chips() if cell.contains(c.rect.center())]
    assert len(chips) == 1
    ((rect, _day, hidden),) = [m for m in grid._more if cell.contains(m[0].center())]
    assert hidden == 2
    assert rect.bottom() <= chips[0].rect.top()  # in the day number's row, above the chip
