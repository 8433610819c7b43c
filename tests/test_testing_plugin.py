"""The testers' kit (app.testing): its fixtures, helpers and documentation hold."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

import app.testing
from app.core.models import PostStatus
from app.core.posts import PostService
from app.platforms.names import Platform
from app.testing import advance, compose_post

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "test_testers_example.py"
SECTION = "Testing Herald with pytest-qt"
INTERACTIVE = (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QTabWidget,
)
#: Qt's own children of composite widgets (tab bar arrows, spin box editors...)
# Qt names these itself (tab scrollers; a line edit's clear button action).
QT_INTERNAL = ("ScrollLeftButton", "ScrollRightButton", "_q_qlineeditclearaction")


def docs_text() -> str:
    readme = ROOT / "README.md"
    if readme.is_file() and SECTION in readme.read_text("utf-8"):
        return readme.read_text("utf-8")
    return (ROOT / "docs" / "testing.md").read_text("utf-8")


# ------------------------------------------------------------------ the plugin itself


def test_the_plugin_is_registered_and_cheap_to_import():
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("herald") == "app.testing"
    heavy = ("PySide6", "sqlalchemy", "app.core.db", "app.emulator", "app.ui", "httpx")
    code = (
        "import sys, app.testing; "
        f"print([m for m in {heavy!r} if any(k == m or k.startswith(m + '.') "
        "for k in sys.modules)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def plugin_fixtures() -> set[str]:
    return {
        getattr(obj, "name", None) or attr
        for attr, obj in vars(app.testing).items()
        if type(obj).__name__ == "FixtureFunctionDefinition"
        or hasattr(obj, "_pytestfixturefunction")
    }


def test_every_fixture_is_prefixed_so_none_clashes_with_a_project_fixture():
    ours = plugin_fixtures()
    assert ours >= {
        "herald_clock",
        "herald_db",
        "herald_emulator",
        "herald_engine",
        "herald_window",
    }
    assert all(name.startswith("herald_") for name in ours)


# ------------------------------------------------------------------ fixtures


def test_clock_and_emulator_move_together(herald_clock, herald_emulator):
    start = herald_clock.now()
    assert herald_emulator.now() == start
    assert advance(herald_clock, herald_emulator, 90) == start + timedelta(seconds=90)
    assert herald_emulator.now() == herald_clock.now()
    advance(herald_clock, herald_emulator, timedelta(hours=2))
    assert herald_emulator.now() == start + timedelta(hours=2, seconds=90)
    # Over the control API too, for an emulator in another process.
    advance(herald_clock, herald_emulator.base_url, 30)
    assert herald_emulator.now() == herald_clock.now()


def test_accounts_are_connected_on_the_emulator(herald_accounts, herald_emulator, herald_context):
    assert len(herald_accounts) == len(Platform)  # one per network
    assert herald_accounts["x"] is herald_accounts["TWITTER"] is herald_accounts[Platform.TWITTER]
    assert {a.platform for a in herald_accounts} == set(Platform)
    assert all(a.settings["api_base"] == herald_emulator.base_url for a in herald_accounts)
    assert {a.id for a in herald_context.accounts.list()} == set(herald_accounts.ids)
    with pytest.raises(KeyError):
        herald_accounts["myspace"]


def _schedule(context, account, text, when):
    service = PostService(context.db, context.clock, context.events)
    ws = context.workspaces.list()[0]
    return service.create(ws.id, text, [account.id], scheduled_local=when, action="schedule")


def test_fault_controls_make_a_post_retry_then_go_out(
    herald_context, herald_accounts, herald_emulator, herald_engine, herald_clock
):
    herald_emulator.add_fault("twitter", "publish", "503", count=1)
    when = herald_clock.now() + timedelta(minutes=5)
    post = _schedule(herald_context, herald_accounts["x"], "Oven's hot, doors open", when)
    advance(herald_clock, herald_emulator, 300)
    first = herald_engine.run_until_idle()
    assert first.published == 0 and herald_emulator.published() == []
    advance(herald_clock, herald_emulator, 60)  # the first retry comes after a minute
    assert herald_engine.run_until_idle().published == 1
    assert [p["text"] for p in herald_emulator.published()] == ["Oven's hot, doors open"]
    assert PostService(herald_context.db).get(post.id).status == PostStatus.PUBLISHED


def test_cleared_faults_and_revoked_tokens(
    herald_context, herald_accounts, herald_emulator, herald_engine, herald_clock
):
    herald_emulator.add_fault("linkedin", "publish", "500")
    herald_emulator.clear_faults()
    when = herald_clock.now() + timedelta(minutes=1)
    _schedule(herald_context, herald_accounts["linkedin"], "We're hiring a morning baker", when)
    advance(herald_clock, herald_emulator, 60)
    assert herald_engine.run_until_idle().published == 1
    herald_emulator.revoke_tokens("facebook")
    _schedule(
        herald_context,
        herald_accounts["facebook"],
        "Open late on Friday",
        when + timedelta(minutes=5),
    )
    advance(herald_clock, herald_emulator, 300)
    herald_engine.run_until_idle()
    facebook = herald_context.accounts.get(herald_accounts["facebook"].id)
    assert facebook.status.value == "REQUIRES_REAUTH"


# ------------------------------------------------------------------ helpers through the UI


def test_compose_post_with_own_text_per_account_and_a_picture(
    qtbot, herald_window, herald_accounts, herald_emulator, herald_engine, herald_clock, tmp_path
):
    picture = tmp_path / "loaves.jpg"
    Image.new("RGB", (1080, 1080), (200, 140, 60)).save(picture, quality=80)
    x, ig = herald_accounts["x"], herald_accounts["instagram"]
    post_id = compose_post(
        qtbot,
        herald_window,
        "Seeded rye is back",
        accounts=["x", "instagram"],
        overrides={"x": "Seeded rye is back #bakery"},
        media=[picture],
        when=datetime(2026, 1, 5, 11, 30, tzinfo=UTC),
    )
    post = PostService(herald_window.context.db).get(post_id)
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == datetime(2026, 1, 5, 11, 30, tzinfo=UTC)
    assert (post.text_for(x.id), post.text_for(ig.id)) == (
        "Seeded rye is back #bakery",
        "Seeded rye is back",
    )
    advance(herald_clock, herald_emulator, timedelta(hours=2, minutes=30))
    assert herald_engine.run_until_idle().published == 2
    published = {p["platform"]: p for p in herald_emulator.published()}
    assert published["TWITTER"]["text"] == "Seeded rye is back #bakery"
    assert published["INSTAGRAM"]["media"]


def test_compose_post_says_why_the_composer_refuses(qtbot, herald_window, herald_accounts):
    with pytest.raises(AssertionError, match="Instagram"):
        compose_post(qtbot, herald_window, "No picture", accounts=["instagram"], timeout=500)
    dialog = herald_window.findChild(QWidget, "composerDialog")
    dialog._dirty = False  # close without the unsaved-changes question
    dialog.close()
    draft = compose_post(qtbot, herald_window, "Idea: pretzel Fridays", action="draft")
    assert PostService(herald_window.context.db).get(draft).status == PostStatus.DRAFT


def test_the_window_runs_on_the_test_database_and_clock(herald_window, herald_db, herald_clock):
    assert herald_window.context.db is herald_db
    assert herald_window.context.clock is herald_clock
    assert herald_window.windowTitle() == "Herald Test"  # the desktop adds "— Herald"


# ------------------------------------------------------------------ documentation


def test_the_docs_hold_the_example_test_verbatim():
    example = EXAMPLE.read_text("utf-8")
    assert len(example.strip().splitlines()) <= 15
    assert f"```python\n{example}```" in docs_text()


def _documented(text: str) -> list[re.Pattern[str]]:
    table = text[text.index("### objectNames") :]
    names = set(re.findall(r"`([A-Za-z][A-Za-z0-9_<>]*)`", table))
    return [re.compile("^" + re.sub(r"<[^>]+>", "[A-Za-z0-9]+", n) + "$") for n in names]


def test_every_interactive_widget_of_the_window_and_composer_is_documented(
    qtbot, herald_window, herald_accounts
):
    window = herald_window
    for area in ("analytics", "accounts", "calendar"):
        window.show_area(area)
    for mode in ("week", "day", "month"):
        window.findChild(QAbstractButton, f"{mode}ViewButton").click()
    dialog = window.views["calendar"].compose()
    qtbot.waitUntil(dialog.isVisible)
    found = {
        w.objectName()
        for w in window.findChildren(QWidget)
        if isinstance(w, INTERACTIVE) and w.objectName()
    }
    found |= {a.objectName() for a in window.findChildren(QAction) if a.objectName()}
    found = {n for n in found if not n.startswith("qt_") and n not in QT_INTERNAL}
    patterns = _documented(docs_text())
    missing = sorted(n for n in found if not any(p.match(n) for p in patterns))
    assert not missing, f"add these objectNames to the table in docs/testing.md: {missing}"
    unnamed = [
        type(w).__name__
        for w in window.findChildren(QAbstractButton)
        if not w.objectName() and w.isVisible()
    ]
    assert not unnamed, f"buttons without an objectName: {unnamed}"
    dialog._dirty = False
    dialog.close()


def test_docs_name_the_fixtures_and_helpers_the_plugin_has():
    text = docs_text()
    for name in ("compose_post", "advance", *plugin_fixtures()):
        assert f"`{name}" in text, name


def test_advancing_past_the_grace_period_publishes_late_not_missed(
    qtbot, herald_window, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    """The engine runs from the start of the test (Herald is open): a post whose time passed
    during a long `advance` goes out late, it is not taken for one missed while Herald was
    closed (engine.grace_minutes, 15 by default)."""
    text = "Hot cross buns until they run out."
    post_id = compose_post(
        qtbot, herald_window, text, accounts=["x"], when=datetime(2026, 1, 5, 10, 0)
    )
    advance(herald_clock, herald_emulator, timedelta(hours=3))
    herald_engine.run_until_idle()
    assert [post["text"] for post in herald_emulator.published()] == [text]
    with herald_window.context.db.session() as s:
        from app.core.models import Post

        assert s.get(Post, post_id).status == PostStatus.PUBLISHED
