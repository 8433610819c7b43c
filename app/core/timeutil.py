"""Conversions between a person's wall time in an IANA zone and the UTC instants we store.

A wall time that falls in a DST gap or is repeated by a fall-back is never guessed: callers
get an exception that says which, and choose. A time whose conversion would leave years
1-9999 (Python's calendar) raises OutOfCalendarError, also a ValueError.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class NonexistentTimeError(ValueError):
    """The wall time is skipped by a DST transition (spring forward)."""

    def __init__(self, wall: datetime, zone: str, next_valid: datetime) -> None:
        self.wall = wall
        self.zone = zone
        self.next_valid = next_valid
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone} (clocks skip ahead); "
            f"the next valid time is {next_valid:%H:%M}"
        )


class AmbiguousTimeError(ValueError):
    """The wall time happens twice (fall back); pass fold=0 for the first, fold=1 for the second."""

    def __init__(self, wall: datetime, zone: str, first: datetime, second: datetime) -> None:
        self.wall = wall
        self.zone = zone
        self.first = first
        self.second = second
        super().__init__(
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone} (clocks go back): "
            f"first at {first:%H:%M} UTC, again at {second:%H:%M} UTC"
        )


class OutOfCalendarError(ValueError):
    """The time, converted to or from UTC, would fall before year 1 or after year 9999."""

    def __init__(self, when: datetime, zone: str) -> None:
        self.when = when
        self.zone = zone
        side = "before year 1" if when.year < 5000 else "after year 9999"
        shown = when.isoformat(sep=" ", timespec="minutes")
        if when.tzinfo is None:  # a wall time in `zone`
            message = f"{shown} in {zone} is outside the calendar (in UTC it would be {side})"
        else:  # an instant to be shown in `zone`
            message = f"{shown} is outside the calendar in {zone} (it would be {side} there)"
        super().__init__(message)


@contextmanager
def _in_calendar(when: datetime, zone: str) -> Iterator[None]:
    """Turn datetime's OverflowError ("date value out of range") into OutOfCalendarError."""
    try:
        yield
    except OverflowError:
        raise OutOfCalendarError(when, zone) from None


@lru_cache(maxsize=1024)
def zone_info(zone: str) -> ZoneInfo:
    """ZoneInfo for an IANA name; ValueError naming the zone when it is unknown."""
    if not isinstance(zone, str) or not zone or zone.startswith(("/", ".")) or ".." in zone:
        raise ValueError(f"unknown time zone: {zone!r}")
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError, OSError) as exc:
        raise ValueError(f"unknown time zone: {zone!r}") from exc


def is_valid_zone(zone: str) -> bool:
    try:
        zone_info(zone)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _roundtrips(wall: datetime, tz: ZoneInfo, fold: int) -> bool:
    candidate = wall.replace(tzinfo=tz, fold=fold)
    back = candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return back == wall


def to_utc(wall: datetime, zone: str, fold: int | None = None) -> datetime:
    """Naive local wall time in `zone` -> aware UTC instant.

    Raises NonexistentTimeError inside a DST gap, AmbiguousTimeError for a repeated time
    unless `fold` is 0 (the first occurrence) or 1 (the second), OutOfCalendarError when the
    instant would leave years 1-9999, ValueError for an unknown zone.
    """
    tz = zone_info(zone)
    if wall.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall time; attach no tzinfo")
    if fold not in (None, 0, 1):
        raise ValueError("fold must be None, 0 or 1")
    wall = wall.replace(fold=0)
    with _in_calendar(wall, zone):
        first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
        exists = _roundtrips(wall, tz, 0) or _roundtrips(wall, tz, 1)
    if not exists:
        raise NonexistentTimeError(wall, zone, next_valid_wall(wall, zone))
    if first != second:
        if fold is None:
            raise AmbiguousTimeError(wall, zone, first, second)
        return first if fold == 0 else second
    return first


def next_valid_wall(wall: datetime, zone: str) -> datetime:
    """The first wall time at or after `wall` (minute resolution) that exists in `zone`.

    OutOfCalendarError when the search leaves years 1-9999."""
    tz = zone_info(zone)
    probe = wall.replace(second=0, microsecond=0, fold=0)
    with _in_calendar(wall, zone):
        for _ in range(24 * 60):
            if _roundtrips(probe, tz, 0) or _roundtrips(probe, tz, 1):
                return probe
            probe += timedelta(minutes=1)
    raise ValueError(f"no valid time found after {wall} in {zone}")


def from_utc(instant: datetime, zone: str) -> datetime:
    """Aware instant -> aware wall time in `zone` (fold set as zoneinfo computes it).

    OutOfCalendarError when the wall time would leave years 1-9999."""
    if instant.tzinfo is None:
        raise ValueError("from_utc takes a timezone-aware instant")
    tz = zone_info(zone)
    with _in_calendar(instant, zone):
        return instant.astimezone(tz)


def ensure_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("expected a timezone-aware datetime")
    with _in_calendar(instant, "UTC"):
        return instant.astimezone(UTC)


def hour_of_week(instant: datetime, zone: str) -> int:
    """0..167: Monday 00:00-00:59 is 0, Sunday 23:00-23:59 is 167, in the zone's wall time."""
    local = from_utc(instant, zone)
    return local.weekday() * 24 + local.hour
