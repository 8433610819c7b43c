"""How the dashboard writes numbers, rates and dates (system locale; readable without one)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale


def date_format() -> str:
    """The system locale's short date; "19 Dec 2025" where there is no locale (C/POSIX)."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return "d MMM yyyy"
    return locale.dateFormat(QLocale.FormatType.ShortFormat)


def day(value: date) -> str:
    return QLocale().toString(QDate(value.year, value.month, value.day), date_format())


def number(n: int) -> str:
    """Grouped digits everywhere ("378,319"), the locale's where it has them: every table
    writes its counts the same way."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return f"{int(n):,}"
    return locale.toString(int(n))


def compact(n: int) -> str:
    """12,345 -> "12.3k", 1,234,567 -> "1.2M" (locale digits below 10,000)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.1f}k"
    return number(n)


def pct(rate: float | None, digits: int = 1) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def value(measure: str, v: float | None) -> str:
    """A heatmap value: a rate ("3.2%") or, where impressions are unknown, engagements."""
    if v is None:
        return "—"
    if measure == "engagement":
        return f"{v:.1f} eng."
    return pct(v)
