"""Issue 24, operations: a worker's one-line health (last claim, in flight, backlog, lag)."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.core import events as ev
from app.core.engine import claim
from app.core.engine.health import HealthReporter, write_atomically
from app.platforms.names import Platform
from tests.core.engine.fakes import add_post, connect

LEASE = timedelta(seconds=60)


def _fields(line: str) -> dict[str, str]:
    head, *pairs = line.split()
    assert head == "herald-worker"
    return dict(p.split("=", 1) for p in pairs)


def test_the_line_says_backlog_lag_in_flight_and_last_claim(db, clock, ws, accounts, hub):
    a = connect(accounts, ws, Platform.TWITTER, clock)
    now = clock.now()
    add_post(db, ws, [a], now - timedelta(seconds=90))
    add_post(db, ws, [a], now - timedelta(seconds=30))
    add_post(db, ws, [a], now + timedelta(minutes=5))  # not due: not backlog
    reporter = HealthReporter(db, clock, "me", hub)

    before = _fields(reporter.sample().line())
    assert before["last_claim"] == "never"
    assert (before["in_flight"], before["backlog"], before["lag_s"]) == ("0", "2", "90.0")

    clock.advance(timedelta(seconds=10))
    assert len(claim.claim_due(db, "me", clock.now(), 1, LEASE, {})) == 1
    after = _fields(reporter.sample().line())
    assert after["last_claim"] == after["at"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (after["in_flight"], after["backlog"], after["lag_s"]) == ("1", "1", "40.0")


def test_outcomes_count_and_move_the_last_claim(db, clock, hub):
    reporter = HealthReporter(db, clock, "me", hub)
    hub.publish(ev.TARGET_PUBLISHED, target_id=1)
    hub.publish(ev.TARGET_FAILED, target_id=2)
    hub.publish(ev.POSTS_CHANGED, workspace_id=None)
    fields = _fields(reporter.sample().line())
    assert (fields["published"], fields["failed"]) == ("1", "1")
    assert fields["last_claim"] != "never"


def test_the_status_file_is_replaced_whole(tmp_path):
    path = tmp_path / "status"
    write_atomically(path, "first")
    write_atomically(path, "second")
    assert path.read_text() == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["status"]  # no temporary file left


def test_a_request_logs_the_line_and_the_loop_writes_the_file(
    db, clock, hub, tmp_path, caplog, capsys
):
    path = tmp_path / "status"
    reporter = HealthReporter(db, clock, "me", hub, status_file=path, interval_s=3600)
    reporter.request()  # as SIGUSR1 does, before the loop starts
    with caplog.at_level(logging.INFO, logger="app.core.engine.health"):
        reporter.start()
        reporter.stop()
    line = path.read_text().strip()
    assert line.startswith("herald-worker owner=me ")
    assert line in caplog.text
    assert line in capsys.readouterr().out
