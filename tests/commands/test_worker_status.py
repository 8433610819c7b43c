"""Issue 24, operations: `worker --status-file PATH` and SIGUSR1, on a real worker process."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from app.cli import main as cli_main
from tests.integration.helpers import ROOT, env, wait_until

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 here")


def test_the_worker_keeps_a_status_file_and_logs_the_line_on_sigusr1(db_url, tmp_path):
    status = tmp_path / "worker.status"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "worker", "--db", db_url, "--status-file", str(status)],
        cwd=ROOT,
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Herald worker" in proc.stdout.readline()
        assert wait_until(status.exists, 20)
        line = status.read_text()
        assert line.startswith("herald-worker owner=") and line.endswith("\n")
        assert "last_claim=never in_flight=0 backlog=0 lag_s=0.0" in line
        proc.send_signal(signal.SIGUSR1)
        logged = proc.stdout.readline()  # the line is printed at once, not at the next tick
        assert logged.startswith("herald-worker owner=")
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_a_status_file_in_a_missing_folder_is_one_clear_message(db_url, tmp_path, capsys):
    missing = tmp_path / "nowhere" / "worker.status"
    code = cli_main(["worker", "--db", db_url, "--until-idle", "--status-file", str(missing)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
    assert not missing.parent.exists()
