"""Window first, content right after (issue 20): the read-ahead decides the path without
SQLAlchemy, the frame shows the workspaces and the calendar's frame, attach fills it in."""

from PySide6.QtWidgets import QComboBox

from app.core import settings
from app.core.appcontext import AppContext
from app.ui.main_window import MainWindow
from app.ui.window_first import (
    FOLLOWS_SYSTEM_KEY,
    THEME_KEY,
    THEMES,
    read_ahead,
    read_month,
    sqlite_file,
)


def test_the_read_ahead_keys_are_the_settings_keys():
    assert (THEME_KEY, FOLLOWS_SYSTEM_KEY, THEMES) == (
        settings.THEME,
        settings.THEME_FOLLOWS_SYSTEM,
        settings.THEMES,
    )


def test_only_a_plain_sqlite_file_takes_the_window_first_path(tmp_path):
    assert sqlite_file("sqlite:////data/h.db") is not None
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@127.0.0.1/h"):
        assert sqlite_file(url) is None
    assert read_ahead(f"sqlite:///{tmp_path / 'missing.db'}") is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert read_ahead(f"sqlite:///{tmp_path / 'junk.db'}") is None


def test_a_database_without_workspaces_keeps_the_first_run_path(tmp_path):
    from app.core.db import open_database

    url = f"sqlite:///{tmp_path / 'h.db'}"
    db = open_database(url)
    try:
        assert read_ahead(url) is None
        context = AppContext(db=db)
        context.workspaces.create("Bakery", "Europe/London")
        context.workspaces.create("Agency", "America/New_York")
        settings.SettingsService(db).set(settings.THEME, "dark")
        ahead = read_ahead(url)
        assert ahead is not None and ahead.theme == "dark"
        assert [(name, zone) for _id, name, zone in ahead.workspaces] == [
            ("Agency", "America/New_York"),
            ("Bakery", "Europe/London"),
        ]
    finally:
        db.dispose()


def test_the_frame_then_the_content(qtbot, db, clock):
    context = AppContext(db=db, clock=clock)
    bakery = context.workspaces.create("Bakery", "Europe/London")
    window = MainWindow(None, workspaces=[(bakery.id, "Bakery", "Europe/London")])
    qtbot.addWidget(window)
    window.show()
    combo = window.findChild(QComboBox, "workspaceCombo")
    assert combo.currentText() == "Bakery" and window.zone_label.text() == "Europe/London"
    frame = window.findChild(object, "calendarFrame")
    assert frame is not None
    # the count of undated drafts is not known yet: no button that may vanish a blink later
    assert frame.toolbar.drafts_button.isHidden()
    window.show_area("accounts")  # asked for before the content: shown once it is in
    month = read_month(context, (bakery.id, "Bakery", "Europe/London"))
    assert month is not None
    window.views.when_built("calendar", month.seed)
    window.attach(context)
    assert window.findChild(object, "calendarFrame") is None
    assert window.workspace is not None and window.workspace.id == bakery.id
    assert window.calendar.prefetch.hits == 1  # the month read on the worker was used
    assert window.stack.currentWidget() is window.views["accounts"]
