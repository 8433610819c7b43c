"""A post's history (issue 23): audit entries and comments, newest first, in the
workspace's zone; and its CSV exports (the History tab's and `main.py audit --csv`)."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest

from app.cli import main
from app.core.history import HistoryError, HistoryService, write_history_csv
from tests.core.approval_world import act_as, make_world


@pytest.fixture
def world(db, clock, monkeypatch):
    return make_world(db, clock, monkeypatch)


def _flow(world, clock, monkeypatch) -> int:
    act_as(monkeypatch, "Ann")
    post = world.post("Opening at 10")
    world.flow.submit(post)
    clock.advance(timedelta(minutes=5))
    act_as(monkeypatch, "Bob")
    world.flow.request_changes(post, "It's 11. @Ann please fix")
    clock.advance(timedelta(minutes=5))
    act_as(monkeypatch, "Ann")
    world.flow.submit(post)
    return post


def test_newest_first_in_the_workspaces_zone_with_the_comment_text(db, clock, world, monkeypatch):
    post = _flow(world, clock, monkeypatch)
    items = HistoryService(db).post_history(post)
    assert [(i.who, i.what, i.detail) for i in items] == [
        ("Ann", "submitted it for review", ""),
        ("Bob", "commented", "It's 11. @Ann please fix"),
        ("Bob", "requested changes", ""),
        ("Ann", "submitted it for review", ""),
        ("Ann", "created the post", ""),
    ]
    # The fake clock starts at 09:00 UTC: 10:00 in Paris in January.
    assert items[-1].when == "Mon 05 Jan 2026 10:00"
    assert items[0].when == "Mon 05 Jan 2026 10:10"
    assert HistoryService(db).post_history(world.post("other"))[0].what == "created the post"


def test_a_post_that_does_not_exist_has_one_clear_line(db, world):
    with pytest.raises(HistoryError, match="That post no longer exists."):
        HistoryService(db).post_history(9999)


def test_history_csv_is_written_whole_and_formulas_stay_text(
    db, clock, world, monkeypatch, tmp_path
):
    post = _flow(world, clock, monkeypatch)
    act_as(monkeypatch, "Bob")
    world.flow.comment(post, "=HYPERLINK(1)")
    items = HistoryService(db).post_history(post)
    path = tmp_path / "history.csv"
    assert write_history_csv(path, items) == 6
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["when", "when_utc", "who", "what", "detail"]
    assert rows[1] == [
        "Mon 05 Jan 2026 10:10",
        "2026-01-05T09:10:00Z",
        "Bob",
        "commented",
        "'=HYPERLINK(1)",
    ]
    with pytest.raises(HistoryError, match="No folder"):
        write_history_csv(tmp_path / "missing" / "h.csv", items)
    with pytest.raises(HistoryError, match="is a folder"):
        write_history_csv(tmp_path, items)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".herald-")]


def test_audit_command_writes_csv(db, db_url, clock, world, monkeypatch, tmp_path, capsys):
    post = _flow(world, clock, monkeypatch)
    out = tmp_path / "audit.csv"
    assert main(["audit", "--workspace", "Acme", "--csv", str(out), "--db", db_url]) == 0
    assert capsys.readouterr().out == f"6 entries written to {out}\n"
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["action"] for r in rows][-4:] == ["submit", "request_changes", "comment", "submit"]
    assert rows[-1]["who"] == "Ann" and rows[-1]["object"] == f"post {post}"
    assert rows[-1]["when_utc"] == "2026-01-05T09:10:00Z" and rows[-1]["workspace"] == "Acme"
    assert main(["audit", "--post", str(post), "--csv", str(out), "--db", db_url]) == 0
    assert capsys.readouterr().out == f"5 entries written to {out}\n"
    bad = tmp_path / "nope" / "a.csv"
    assert main(["audit", "--csv", str(bad), "--db", db_url]) == 1
    assert capsys.readouterr().err.startswith("herald audit: No folder ")
    assert not bad.parent.exists()
