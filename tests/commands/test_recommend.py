"""`main.py recommend`: the top 3 per platform, one tab-separated line each."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from app.cli import main
from app.core.timeutil import to_utc
from app.platforms.names import Platform
from tests.core.analytics import helpers as h

LINE_FIELDS = 6
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


def lines(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines()]


def test_prints_top_3_for_every_platform(db, db_url, capsys):
    h.workspace(db, name="Corner Bakery", zone="Europe/London")
    assert main(["recommend", "--db", db_url, "--workspace", "corner bakery"]) == 0
    rows = lines(capsys.readouterr().out)
    assert len(rows) == 3 * len(Platform)
    assert [r[0] for r in rows] == [p.value for p in Platform for _ in range(3)]
    for _platform, weekday, hour, score, confidence, samples in rows:
        assert weekday in WEEKDAYS
        assert len(hour) == 5 and hour.endswith(":00") and 0 <= int(hour[:2]) <= 23
        assert 0 < float(score) < 1
        assert confidence == "low"  # a new workspace: the cold-start profile
        assert samples == "0"


def test_uses_the_workspace_data_and_zone(db, db_url, capsys):
    ws = h.workspace(db, name="Agency", zone="America/New_York")
    x = h.account(db, ws, Platform.TWITTER)
    now = datetime.now(UTC)
    rows = []
    # Weekly for 20 weeks: Thursdays 15:00 New York are excellent, the other hours ordinary.
    start = (now - timedelta(days=150)).replace(tzinfo=None, hour=0, minute=0, second=0)
    start -= timedelta(days=start.weekday())  # a Monday
    for i in range(20):
        week = start + timedelta(days=7 * i)
        for day, hour, rate in [(1, 8, 0.03), (2, 12, 0.03), (3, 15, 0.2), (5, 19, 0.03)]:
            wall = week + timedelta(days=day, hours=hour)
            rows.append((to_utc(wall, "America/New_York"), rate))
    h.bulk_measured(db, ws, x, rows)
    assert main(["--db", db_url, "recommend", "--workspace", "Agency", "--platform", "x"]) == 0
    first = lines(capsys.readouterr().out)[0]
    assert first[:3] == ["TWITTER", "Thursday", "15:00"]
    assert first[5] == "20"
    assert first[4] in ("medium", "high")


@pytest.mark.parametrize("name", ["linkedin", "LINKEDIN", "LinkedIn"])
def test_platform_is_case_insensitive(db, db_url, capsys, name):
    h.workspace(db, name="Bakery")
    assert main(["recommend", "--db", db_url, "--workspace", "Bakery", "--platform", name]) == 0
    rows = lines(capsys.readouterr().out)
    assert len(rows) == 3 and {r[0] for r in rows} == {"LINKEDIN"}
    assert all(len(r) == LINE_FIELDS for r in rows)


def test_unknown_workspace_is_one_line_and_nonzero(db, db_url, capsys):
    assert main(["recommend", "--db", db_url, "--workspace", "Nope"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Nope" in captured.err


def test_unknown_platform_is_one_line_and_nonzero(db, db_url, capsys):
    h.workspace(db, name="Bakery")
    code = main(["recommend", "--db", db_url, "--workspace", "Bakery", "--platform", "myspace"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "myspace" in err and "LINKEDIN" in err


def test_missing_workspace_flag_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["recommend"])
    assert exc.value.code == 2
    assert "--workspace" in capsys.readouterr().err


def test_runs_as_a_process(db, db_url, tmp_path):
    h.workspace(db, name="Bakery")
    env = {"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "main.py", "recommend", "--db", db_url, "--workspace", "Bakery"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3 * len(Platform)
