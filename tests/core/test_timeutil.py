from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    OutOfCalendarError,
    ensure_utc,
    from_utc,
    hour_of_week,
    next_valid_wall,
    to_utc,
)

# (zone, a wall time inside the spring-forward gap, a repeated wall time, fold=0 UTC, fold=1 UTC)
CASES = [
    (
        "America/New_York",
        datetime(2026, 3, 8, 2, 30),
        datetime(2026, 11, 1, 1, 30),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    ),
    (
        "Europe/London",
        datetime(2026, 3, 29, 1, 30),
        datetime(2026, 10, 25, 1, 30),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
    (
        # Lord Howe moves by 30 minutes: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April.
        "Australia/Lord_Howe",
        datetime(2026, 10, 4, 2, 15),
        datetime(2026, 4, 5, 1, 45),
        datetime(2026, 4, 4, 14, 45, tzinfo=UTC),
        datetime(2026, 4, 4, 15, 15, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("zone", "gap", "repeated", "first", "second"), CASES)
def test_gap_is_refused_with_next_valid_time(zone, gap, repeated, first, second):
    with pytest.raises(NonexistentTimeError) as info:
        to_utc(gap, zone)
    assert zone in str(info.value)
    valid = info.value.next_valid
    assert valid > gap
    # the suggestion itself converts without error
    to_utc(valid, zone, fold=0)


@pytest.mark.parametrize(("zone", "gap", "repeated", "first", "second"), CASES)
def test_repeated_time_needs_a_fold(zone, gap, repeated, first, second):
    with pytest.raises(AmbiguousTimeError) as info:
        to_utc(repeated, zone)
    assert info.value.first == first
    assert info.value.second == second
    assert to_utc(repeated, zone, fold=0) == first
    assert to_utc(repeated, zone, fold=1) == second


def test_lord_howe_gap_is_thirty_minutes():
    assert next_valid_wall(datetime(2026, 10, 4, 2, 0), "Australia/Lord_Howe") == datetime(
        2026, 10, 4, 2, 30
    )
    assert to_utc(datetime(2026, 10, 4, 2, 30), "Australia/Lord_Howe") == datetime(
        2026, 10, 3, 15, 30, tzinfo=UTC
    )


def test_kathmandu_quarter_hour_offset_has_no_dst():
    # UTC+05:45 all year: every wall time maps to exactly one instant.
    assert to_utc(datetime(2026, 1, 15, 9, 0), "Asia/Kathmandu") == datetime(
        2026, 1, 15, 3, 15, tzinfo=UTC
    )
    assert to_utc(datetime(2026, 7, 15, 9, 0), "Asia/Kathmandu") == datetime(
        2026, 7, 15, 3, 15, tzinfo=UTC
    )
    back = from_utc(datetime(2026, 7, 15, 3, 15, tzinfo=UTC), "Asia/Kathmandu")
    assert (back.hour, back.minute) == (9, 0)


def test_fold_is_ignored_when_time_is_unambiguous():
    wall = datetime(2026, 6, 1, 12, 0)
    assert to_utc(wall, "Europe/London", fold=1) == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Europe/Lond"])
def test_unknown_zone_names_the_zone(zone):
    with pytest.raises(ValueError, match="unknown time zone"):
        to_utc(datetime(2026, 1, 1), zone)


def test_aware_input_is_refused():
    with pytest.raises(ValueError):
        to_utc(datetime(2026, 1, 1, tzinfo=UTC), "UTC")
    with pytest.raises(ValueError):
        from_utc(datetime(2026, 1, 1), "UTC")


def test_hour_of_week_follows_local_wall_time_across_dst():
    # Tuesday 09:00 in New York, in winter (UTC-5) and in summer (UTC-4)
    winter = to_utc(datetime(2026, 1, 6, 9, 0), "America/New_York")
    summer = to_utc(datetime(2026, 7, 7, 9, 0), "America/New_York")
    assert winter.hour != summer.hour
    assert hour_of_week(winter, "America/New_York") == 1 * 24 + 9
    assert hour_of_week(summer, "America/New_York") == 1 * 24 + 9


@given(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"]),
)
def test_round_trip_or_clear_error(wall, zone):
    wall = wall.replace(microsecond=0)
    try:
        instant = to_utc(wall, zone)
    except NonexistentTimeError:
        return
    except AmbiguousTimeError as exc:
        assert exc.first < exc.second
        instant = to_utc(wall, zone, fold=1)
    assert instant.tzinfo is not None
    assert from_utc(instant, zone).replace(tzinfo=None, fold=0) == wall


@pytest.mark.parametrize(
    ("wall", "zone", "side"),
    [
        (datetime(1, 1, 1), "Asia/Tokyo", "before year 1"),
        (datetime(9999, 12, 31, 23, 59), "America/Los_Angeles", "after year 9999"),
        (datetime(9999, 12, 31, 20, 0), "Pacific/Pago_Pago", "after year 9999"),
    ],
)
def test_calendar_ends_are_a_clear_value_error(wall, zone, side):
    """A wall time whose UTC instant leaves years 1-9999 (a CSV row, a typo in a year) is a
    ValueError naming the time, not datetime's OverflowError."""
    for fold in (None, 0, 1):
        with pytest.raises(OutOfCalendarError) as caught:
            to_utc(wall, zone, fold)
        message = str(caught.value)
        assert isinstance(caught.value, ValueError)
        assert f"{wall:%m-%d %H:%M} in {zone} is outside the calendar" in message
        assert wall.isoformat(sep=" ", timespec="minutes") in message and side in message
    with pytest.raises(OutOfCalendarError):
        next_valid_wall(wall, zone)


def test_instants_at_the_calendar_ends_are_a_clear_value_error():
    with pytest.raises(OutOfCalendarError, match="outside the calendar in Asia/Tokyo"):
        from_utc(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "Asia/Tokyo")
    with pytest.raises(OutOfCalendarError, match="before year 1"):
        hour_of_week(datetime(1, 1, 1, tzinfo=UTC), "America/New_York")
    with pytest.raises(OutOfCalendarError):
        ensure_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))))
    # The ends themselves still work where the conversion stays inside.
    assert to_utc(datetime(1, 1, 1, 12, 0), "Asia/Tokyo").year == 1
    assert from_utc(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "UTC").year == 9999
