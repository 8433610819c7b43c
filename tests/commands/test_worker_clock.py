"""`main.py worker --clock-offset`: a testing aid that runs the worker as if its machine's clock
were off; leases and due times still follow the database's clock (issue 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.cli import main as cli_main
from app.commands import worker
from app.core.clock import SystemClock


class _Engine:
    """Stands in for the engine: records the clocks it was given and publishes nothing."""

    seen: dict = {}

    def __init__(self, db, clock, adapters, events, accounts, settings, db_clock=None) -> None:
        _Engine.seen = {"clock": clock, "db_clock": db_clock}
        self.owner = "test"

    def run_forever(self, stop, *, until_idle: bool = False) -> None:
        return None


def test_help_names_the_option_as_a_testing_aid(capsys):
    with pytest.raises(SystemExit):
        cli_main(["worker", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--clock-offset SECONDS" in out and "testing aid" in out


@pytest.mark.parametrize("offset", [-120.0, 300.0])
def test_the_worker_runs_on_a_skewed_clock_and_the_database_on_the_machines(
    db_url, monkeypatch, offset
):
    monkeypatch.setattr(worker, "PublishingEngine", _Engine)
    code = cli_main(["worker", "--db", db_url, "--until-idle", "--clock-offset", str(offset)])
    assert code == 0
    clock, db_clock = _Engine.seen["clock"], _Engine.seen["db_clock"]
    assert isinstance(db_clock, SystemClock)  # SQLite: this machine's clock, not skewed
    skew = clock.now() - db_clock.now()
    assert abs(skew - timedelta(seconds=offset)) < timedelta(seconds=1)
