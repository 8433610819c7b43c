from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

from app.core.timeutil import to_utc
from app.ui.dates import LAST_DATE, limit_dates


def test_pickers_stop_where_every_zone_can_still_be_converted(qtbot):
    edit = QDateEdit()
    qtbot.addWidget(edit)
    limit_dates(edit)
    edit.setDate(QDate(9999, 12, 31))
    assert edit.date() == LAST_DATE
    last = edit.dateTime().toPython().replace(hour=23, minute=59)
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles"):
        to_utc(last, zone)  # raises OutOfCalendarError beyond the calendar's end
