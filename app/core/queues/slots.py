"""Weekly queue slots: parse "Mon–Fri 09:00, 12:30, 17:00; Sat 10:00", write it back, and
turn slots into the instants they stand for in a zone.

DST: a slot whose wall time a spring-forward skips moves to the first valid time after it;
a slot in an hour a fall-back repeats is used once, at its first occurrence. Two slots that
land on the same instant (a skipped 01:30 moving to 02:00 beside a 02:00 slot) count once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.timeutil import NonexistentTimeError, from_utc, to_utc

__all__ = ["DAY_NAMES", "Slot", "SlotSyntaxError", "format_slots", "instants", "parse_slots"]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_KEYS = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
_DAY_KEYS.update(
    {
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    }
)
_EVERY_DAY = {"daily", "every day", "everyday"}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_RANGE = re.compile(r"\s*[–—-]\s*")


class SlotSyntaxError(ValueError):
    """Slot text that cannot be read; the message names the part and shows the form."""


@dataclass(frozen=True, order=True)
class Slot:
    weekday: int  # 0 = Monday
    minute: int  # minutes after local midnight, 0..1439

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if not 0 <= self.minute < 24 * 60:
            raise ValueError(f"minute must be 0 to 1439, not {self.minute}")

    @classmethod
    def at(cls, weekday: int, hour: int, minute: int = 0) -> Slot:
        return cls(weekday, hour * 60 + minute)

    @property
    def time_text(self) -> str:
        return f"{self.minute // 60:02d}:{self.minute % 60:02d}"

    @property
    def label(self) -> str:
        return f"{DAY_NAMES[self.weekday]} {self.time_text}"


_FORM = 'write it like "Mon–Fri 09:00, 12:30, 17:00; Sat 10:00"'


def _days(text: str) -> list[int]:
    key = " ".join(text.lower().split())
    if key in _EVERY_DAY:
        return list(range(7))
    days: list[int] = []
    for part in key.split(","):
        ends = _RANGE.split(part.strip())
        if len(ends) > 2 or not all(e in _DAY_KEYS for e in ends):
            raise SlotSyntaxError(f'"{part.strip()}" is not a day or a range of days; {_FORM}')
        first, last = _DAY_KEYS[ends[0]], _DAY_KEYS[ends[-1]]
        if last < first:
            raise SlotSyntaxError(f'"{part.strip()}" runs backwards; {_FORM}')
        days.extend(range(first, last + 1))
    return days


def _minute(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SlotSyntaxError(f'"{text.strip()}" is not a time from 00:00 to 23:59; {_FORM}')
    return int(match[1]) * 60 + int(match[2])


def parse_slots(text: str) -> list[Slot]:
    """Groups separated by ";", each "DAYS TIME, TIME..."; DAYS is a day, a range (Mon–Fri,
    Mon-Fri), a comma list (Mon, Wed), or "Daily". Returns sorted, distinct slots."""
    found: set[Slot] = set()
    for group in filter(None, (g.strip() for g in text.split(";"))):
        match = re.match(r"^(.*?)\s*(\d{1,2}:\d{2}.*)$", group)
        if not match or not match[1].strip():
            raise SlotSyntaxError(f'"{group}" needs days and times; {_FORM}')
        days = _days(match[1].strip().rstrip(","))
        minutes = [_minute(t) for t in match[2].split(",") if t.strip()]
        found.update(Slot(d, m) for d in days for m in minutes)
    return sorted(found)


def format_slots(slots: Iterable[Slot]) -> str:
    """The inverse of parse_slots: days with the same times are grouped into ranges."""
    by_day: dict[int, tuple[int, ...]] = {}
    for slot in sorted(set(slots)):
        by_day[slot.weekday] = (*by_day.get(slot.weekday, ()), slot.minute)
    groups: list[str] = []
    day = 0
    while day < 7:
        if day not in by_day:
            day += 1
            continue
        end = day
        while end + 1 < 7 and by_day.get(end + 1) == by_day[day]:
            end += 1
        days = DAY_NAMES[day] if end == day else f"{DAY_NAMES[day]}–{DAY_NAMES[end]}"
        times = ", ".join(f"{m // 60:02d}:{m % 60:02d}" for m in by_day[day])
        groups.append(f"{days} {times}")
        day = end + 1
    return "; ".join(groups)


def _instant(day: date, minute: int, zone: str) -> datetime:
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)  # noqa: DTZ001 a wall time in the zone, made aware by to_utc
    try:
        return to_utc(wall, zone, fold=0)  # a repeated hour: its first occurrence only
    except NonexistentTimeError as gap:
        return to_utc(gap.next_valid, zone, fold=0)


def instants(slots: Iterable[Slot], zone: str, after: datetime) -> Iterator[datetime]:
    """The UTC instants of `slots` strictly after `after`, in order, each once, for ever
    (the caller stops). Nothing when there are no slots."""
    by_day: dict[int, list[int]] = {}
    for slot in sorted(set(slots)):
        by_day.setdefault(slot.weekday, []).append(slot.minute)
    if not by_day:
        return
    day = from_utc(after, zone).date() - timedelta(days=1)  # a gap may push into tomorrow
    last: datetime | None = None
    while True:
        for minute in by_day.get(day.weekday(), ()):
            when = _instant(day, minute, zone)
            if when > after and when != last:
                last = when
                yield when
        day += timedelta(days=1)
