"""Window first, content right after (issue 20, start-up).

When the database is a SQLite file that already has workspaces, the main window's frame
(navigation, header with the workspaces, menus, the calendar's toolbar and this month's
days) is shown before SQLAlchemy, Herald's models and the services are imported. A worker
thread then imports them and opens the database (schema check, migrations); the window is
filled in on the UI thread when that is done.

`read_ahead` decides whether this path applies, with the standard library's sqlite3 only,
read-only: anything it is not sure of (no file, no workspace yet, not SQLite, PostgreSQL, an
unreadable or locked file) returns None and the launcher takes the usual path, which shows
the first-run welcome and the database errors as before.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: the keys of app.core.settings (THEME, THEME_FOLLOWS_SYSTEM), repeated so that reading them
#: needs no SQLAlchemy; tests/ui/test_window_first.py holds them equal
THEME_KEY = "ui.theme"
FOLLOWS_SYSTEM_KEY = "ui.theme_follows_system"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class ReadAhead:
    """What the window's frame shows before the database is opened."""

    workspaces: tuple[tuple[int, str, str], ...]  # (id, name, zone), by name
    theme: str  # "system", "light" or "dark", as SettingsService.theme()


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL (no query, not in memory), else None."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix) :]
            if not rest or "?" in rest or rest == ":memory:":
                return None
            return Path(unquote(rest))
    return None


def read_ahead(db_url: str | None) -> ReadAhead | None:
    """The workspaces and the theme of the database Herald is about to open, if it is a
    SQLite file that has workspaces; None otherwise (take the usual path)."""
    if db_url is None:
        from app.core import paths

        db_url = os.environ.get("HERALD_DB_URL") or paths.default_db_url()
    path = sqlite_file(db_url)
    if path is None or not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=1.0)
        try:
            rows = con.execute("SELECT id, name, timezone FROM workspaces ORDER BY name").fetchall()
            keys = (THEME_KEY, FOLLOWS_SYSTEM_KEY)
            stored = con.execute("SELECT key, value FROM settings WHERE key IN (?, ?)", keys)
            settings = {key: json.loads(value) for key, value in stored.fetchall()}
        finally:
            con.close()
    except (sqlite3.Error, ValueError, TypeError) as exc:
        log.debug("window first: not for this database (%s)", exc)
        return None
    if not rows:
        return None  # the first-run welcome decides what comes next
    theme = settings.get(THEME_KEY)
    if theme not in THEMES:
        theme = "system" if settings.get(FOLLOWS_SYSTEM_KEY) else "light"
    return ReadAhead(tuple((int(i), str(n), str(z)) for i, n, z in rows), str(theme))


class ContextLoader(QObject):
    """Opens the AppContext on a worker thread (importing SQLAlchemy, the models and the
    calendar's modules on the way) and hands it to the UI thread: `ready(context)` or
    `failed(exception)`, delivered through the event loop. The first workspace's month is
    read there too (MonthAhead), for the calendar's prefetch to find."""

    ready = Signal(object)  # (AppContext, MonthAhead | None)
    failed = Signal(object)

    #: imported on the worker too, so that building the views does not wait for them
    WARM = ("app.ui.calendar.view", "app.ui.views", "app.core.settings", "app.ui.tray")

    def __init__(
        self,
        open_context: Callable[..., Any],
        db_url: str | None,
        workspace: tuple[int, str, str] | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self._open = open_context
        self._url = db_url
        self._workspace = workspace  # (id, name, zone): its month is read on the worker too

    def start(self) -> None:
        threading.Thread(target=self._run, name="herald-open", daemon=True).start()

    def _run(self) -> None:
        try:
            context = self._open(self._url)
        except Exception as exc:  # noqa: BLE001 - told to the person on the UI thread
            self.failed.emit(exc)
            return
        _warm(self.WARM)
        try:
            month = read_month(context, self._workspace)
        except Exception:  # the calendar reads the month itself
            log.exception("window first: reading the month ahead")
            month = None
        self.ready.emit((context, month))


def _warm(names: tuple[str, ...]) -> None:
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the UI thread imports it again and reports it there
            log.exception("window first: importing %s", name)


@dataclass(frozen=True)
class MonthAhead:
    """This month of a workspace, read and grouped on the worker, as the calendar's prefetch
    keeps a range (app/ui/calendar/prefetch.py): its key, the database's change marker taken
    before reading (a change since makes the calendar read again) and the prepared range."""

    key: Any
    marker: object | None
    prepared: Any

    def seed(self, calendar: Any) -> None:
        """Hands the month to a just-built CalendarView, before it is given its workspace."""
        calendar.prefetch.seed(self.key, self.marker, self.prepared)


def read_month(context: Any, workspace: tuple[int, str, str] | None) -> MonthAhead | None:
    """The month the calendar opens on (today's, in the workspace's zone), prepared as its
    prefetch would prepare it; None when there is nothing to read ahead."""
    if workspace is None:
        return None
    from PySide6.QtCore import QLocale

    from app.core.ideas import IdeasService
    from app.core.timeutil import from_utc, is_valid_zone
    from app.ui.calendar import ranges
    from app.ui.calendar.prefetch import preparer, range_key

    ws_id, _name, zone = workspace
    if not is_valid_zone(zone):
        return None
    posts = context.posts
    today = from_utc(context.clock.now(), zone).date()
    first, days = ranges.visible_range("month", today, QLocale().firstDayOfWeek().value)
    key = range_key(ws_id, first, days, zone)
    marker = posts.change_marker()
    if marker is None:
        return None
    labels = IdeasService(context.db, context.clock, context.events, posts).labels_of
    return MonthAhead(key, marker, preparer(posts.list_range, lambda: labels)(key))
