"""Fuzz: wall time ↔ UTC conversion with every zone, invalid names, and the ends of the
calendar. The only ways out are an aware UTC instant, or ValueError (NonexistentTimeError and
AmbiguousTimeError are ValueErrors that name the problem): never OverflowError, KeyError,
ZoneInfoNotFoundError, OSError...
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    all_zones,
    from_utc,
    hour_of_week,
    next_valid_wall,
    to_utc,
)
from tests.soak.fuzzing import examples

ZONES = list(all_zones())
BAD_ZONES = [
    "", " ", "UTC ", "utc", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", ".",
    "..", "Europe/", "/Europe/London", "Europe//London", "Europe/London\x00", "Europe\\London",
    "Etc/GMT+15", "EST5EDT,M3.2.0,M11.1.0", "America/New York", "zoneinfo", "__init__",
    "tzdata", "Europe/London/", "\ud800", "A" * 300, "posixrules", "Factory", "localtime",
]  # fmt: skip
zone_names = st.one_of(
    st.sampled_from(ZONES),
    st.sampled_from(BAD_ZONES),
    st.text(max_size=40),
    st.builds(lambda z, t: z + t, st.sampled_from(ZONES), st.text(max_size=3)),
)
# The calendar's first and last day are tested on their own (test_calendar_ends), so that a
# failure there does not stop the random search from looking everywhere else.
walls = st.one_of(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
)
ENDS = [
    (datetime(1, 1, 1), "Asia/Tokyo"),
    (datetime(1, 1, 1, 5, 0), "Pacific/Kiritimati"),
    (datetime(9999, 12, 31, 23, 59), "America/Los_Angeles"),
    (datetime(9999, 12, 31, 20, 0), "Pacific/Pago_Pago"),
]
folds = st.sampled_from([None, 0, 1])


def _is_clear(exc: BaseException) -> bool:
    """A domain error a caller can show: ValueError with a message."""
    return isinstance(exc, ValueError) and bool(str(exc).strip())


@settings(max_examples=examples(2000))
@given(wall=walls, zone=zone_names, fold=folds)
@example(wall=datetime(2024, 3, 31, 2, 30), zone="Europe/Berlin", fold=None)
@example(wall=datetime(2024, 10, 27, 2, 30), zone="Europe/Berlin", fold=None)
def test_to_utc_answers_or_raises_a_domain_error(
    wall: datetime, zone: str, fold: int | None
) -> None:
    try:
        instant = to_utc(wall, zone, fold)
    except (NonexistentTimeError, AmbiguousTimeError) as exc:
        assert str(exc).strip()
        if isinstance(exc, NonexistentTimeError):
            assert exc.next_valid > wall.replace(second=0, microsecond=0) - timedelta(minutes=1)
        return
    except Exception as exc:
        assert _is_clear(exc), f"{type(exc).__name__}: {exc}"
        return
    assert instant.tzinfo is not None and instant.utcoffset() == timedelta(0)
    back = from_utc(instant, zone).replace(tzinfo=None, fold=0)
    assert back == wall.replace(fold=0), (wall, zone, fold, instant, back)


@pytest.mark.parametrize(("wall", "zone"), ENDS, ids=[f"{w:%Y}-{z}" for w, z in ENDS])
def test_calendar_ends(wall: datetime, zone: str) -> None:
    """A wall time whose UTC instant falls before year 1 or after 9999 (a CSV row, a typo in
    the composer's year) is a ValueError, not an OverflowError traceback."""
    for fold in (None, 0, 1):
        try:
            to_utc(wall, zone, fold)
        except Exception as exc:
            assert _is_clear(exc), f"to_utc({wall!r}, {zone!r}): {type(exc).__name__}: {exc}"
    try:
        next_valid_wall(wall, zone)
    except Exception as exc:
        assert _is_clear(exc), f"next_valid_wall: {type(exc).__name__}: {exc}"


@settings(max_examples=examples(1000))
@given(wall=walls, zone=zone_names)
def test_next_valid_wall_answers_or_raises_a_domain_error(wall: datetime, zone: str) -> None:
    try:
        found = next_valid_wall(wall, zone)
    except Exception as exc:
        assert _is_clear(exc), f"{type(exc).__name__}: {exc}"
        return
    assert found >= wall.replace(second=0, microsecond=0)


@settings(max_examples=examples(1000))
@given(instant=st.datetimes(timezones=st.just(UTC)), zone=zone_names)
def test_from_utc_and_hour_of_week(instant: datetime, zone: str) -> None:
    try:
        local = from_utc(instant, zone)
        how = hour_of_week(instant, zone)
    except Exception as exc:
        assert _is_clear(exc), f"{type(exc).__name__}: {exc}"
        return
    assert local.tzinfo is not None
    assert 0 <= how < 168


@settings(max_examples=examples(200))
@given(wall=walls, zone=st.sampled_from(ZONES), tz_offset=st.integers(-1439, 1439))
def test_aware_input_is_refused_clearly(wall: datetime, zone: str, tz_offset: int) -> None:
    from datetime import timezone

    aware = wall.replace(tzinfo=timezone(timedelta(minutes=tz_offset)))
    try:
        to_utc(aware, zone)
    except ValueError as exc:
        assert str(exc).strip()
    else:
        raise AssertionError("an aware datetime was taken for a wall time")
