"""Which days a calendar mode shows around an anchor day, how paging moves the anchor, and the
title of the range. Plain dates, no widgets: the view asks, the grids draw."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QLocale

from app.core.timeutil import zone_info


def visible_range(mode: str, anchor: date, first_weekday: int) -> tuple[date, int]:
    """The first day shown and how many days; `first_weekday` is 1 = Monday ... 7 = Sunday."""
    if mode == "month":
        first = anchor.replace(day=1)
        offset = (first.isoweekday() - first_weekday) % 7
        next_month = (first + timedelta(days=32)).replace(day=1)
        weeks = -(-(offset + (next_month - first).days) // 7)  # 5 or 6 (4 in a rare Feb)
        return first - timedelta(days=offset), weeks * 7
    if mode == "week":
        offset = (anchor.isoweekday() - first_weekday) % 7
        return anchor - timedelta(days=offset), 7
    return anchor, 1


def step(mode: str, anchor: date, direction: int) -> date:
    """The anchor one page earlier (-1) or later (+1)."""
    if mode == "month":
        month = anchor.replace(day=1)
        year, index = divmod(month.month - 1 + direction, 12)
        return month.replace(year=month.year + year, month=index + 1)
    if mode == "week":
        return anchor + timedelta(days=7 * direction)
    return anchor + timedelta(days=direction)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def range_title(mode: str, anchor: date, first: date) -> str:
    """ "March 2026", "2 – 8 Mar 2026" or the long date of the day, in the locale's words."""
    locale = QLocale()
    if mode == "month":
        return locale.toString(QDate(anchor.year, anchor.month, 1), "MMMM yyyy")
    if mode == "week":
        last = first + timedelta(days=6)
        fmt_first = "d MMM" if first.year == last.year else "d MMM yyyy"
        return (
            locale.toString(_qdate(first), fmt_first)
            + " – "
            + locale.toString(_qdate(last), "d MMM yyyy")
        )
    return locale.toString(_qdate(first), QLocale.FormatType.LongFormat)


def day_start_utc(day: date, zone: str) -> datetime:
    """The instant `day` begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone_info(zone)).astimezone(UTC)
