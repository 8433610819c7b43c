"""The range of dates Herald's date pickers offer.

Qt's pickers go up to 9999-12-31, where a week view or a zone conversion leaves Python's
calendar (years 1–9999) and raises. The pickers stop a year short of it, so every date a
person can pick is one Herald can convert and show; no real post is anywhere near either end.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime
from PySide6.QtWidgets import QDateTimeEdit

FIRST_DATE = QDate(1900, 1, 1)
LAST_DATE = QDate(9998, 12, 31)


def limit_dates(edit: QDateTimeEdit) -> None:
    """Keep a QDateEdit / QDateTimeEdit within FIRST_DATE..LAST_DATE."""
    edit.setDateTimeRange(QDateTime(FIRST_DATE, QTime(0, 0)), QDateTime(LAST_DATE, QTime(23, 59)))


def weekday_date_format(locale: QLocale | None = None) -> str:
    """The locale's short date with the weekday in front ("Tue 10/03/2026", "Di. 10.03.26");
    "Tue 10 Mar 2026" where there is no locale (C/POSIX), never "10 3 2026"."""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        return "ddd d MMM yyyy"
    return "ddd " + locale.dateFormat(QLocale.FormatType.ShortFormat)


def show_weekday_dates(edit: QDateTimeEdit) -> None:
    edit.setDisplayFormat(weekday_date_format(edit.locale()))
