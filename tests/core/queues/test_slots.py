from datetime import UTC, datetime
from itertools import islice

import pytest

from app.core.queues import Slot, SlotSyntaxError, format_slots, instants, parse_slots


def test_parse_reads_ranges_lists_and_groups():
    slots = parse_slots("Mon–Fri 09:00, 12:30, 17:00; Sat 10:00")
    assert len(slots) == 16
    assert Slot.at(0, 12, 30) in slots and Slot.at(5, 10) in slots
    assert Slot.at(6, 10) not in slots
    assert parse_slots("mon-wed 9:00") == parse_slots("Monday, Tuesday, Wed 09:00")
    assert len(parse_slots("Daily 08:00")) == 7


def test_format_is_the_inverse_of_parse():
    text = "Mon–Fri 09:00, 12:30, 17:00; Sat 10:00"
    assert format_slots(parse_slots(text)) == text
    assert format_slots([Slot.at(0, 9), Slot.at(2, 9)]) == "Mon 09:00; Wed 09:00"


@pytest.mark.parametrize(
    ("text", "names"),
    [("Mon 25:00", "25:00"), ("Funday 09:00", "funday"), ("Fri–Mon 09:00", "backwards"),
     ("09:00", "needs days")],
)  # fmt: skip
def test_bad_slot_text_says_what_is_wrong(text, names):
    with pytest.raises(SlotSyntaxError, match=names):
        parse_slots(text)


def test_instants_follow_the_zone_in_order():
    slots = parse_slots("Mon–Fri 09:00, 17:00")
    friday_evening = datetime(2026, 1, 9, 18, 0, tzinfo=UTC)
    got = list(islice(instants(slots, "UTC", friday_evening), 3))
    assert got == [
        datetime(2026, 1, 12, 9, tzinfo=UTC),
        datetime(2026, 1, 12, 17, tzinfo=UTC),
        datetime(2026, 1, 13, 9, tzinfo=UTC),
    ]


def test_a_slot_in_the_spring_gap_moves_to_the_first_valid_time():
    # Europe/London skips 01:00-02:00 on Sunday 29 March 2026; 01:30 and 02:00 are one slot.
    slots = [Slot.at(6, 1, 30), Slot.at(6, 2, 0), Slot.at(6, 3, 0)]
    got = list(islice(instants(slots, "Europe/London", datetime(2026, 3, 28, tzinfo=UTC)), 2))
    assert got == [datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC)]


def test_a_repeated_hour_is_used_once():
    # 01:30 happens twice in London on Sunday 25 October 2026 (00:30 and 01:30 UTC).
    slots = [Slot.at(6, 1, 30)]
    got = list(islice(instants(slots, "Europe/London", datetime(2026, 10, 24, tzinfo=UTC)), 2))
    assert got == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 1, 30, tzinfo=UTC),
    ]


def test_no_slots_no_instants():
    assert list(instants([], "UTC", datetime(2026, 1, 1, tzinfo=UTC))) == []
