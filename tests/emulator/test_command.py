"""`emulator` sub-command: prints its URL, serves, stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.emulator import command
from tests.emulator.conftest import TLS

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = "import sys; from app.emulator.command import main; sys.exit(main(sys.argv[1:]))"
URL_LINE = re.compile(r"^Herald emulator listening on (http://127\.0\.0\.1:(\d+))$")


def _serve(
    args: list[str], stop: signal.Signals = signal.SIGTERM, *, argv: list[str] | None = None
) -> None:
    cmd = argv or [sys.executable, "-c", LAUNCH]
    with subprocess.Popen(
        [*cmd, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        try:
            line = proc.stdout.readline().rstrip("\n")
            match = URL_LINE.match(line)
            assert match, f"unexpected first line {line!r}"
            assert int(match[2]) > 0
            with httpx.Client(base_url=match[1], verify=TLS, timeout=5) as client:
                assert client.get("/_emulator/clock").status_code == 200
                model = client.get("/_emulator/model").json()
                assert model["audience_timezone"] == "Europe/Paris"
                rules = client.get("/_emulator/faults").json()["rules"]
                assert [(r["platform"], r["kind"], r["count"]) for r in rules] == [
                    ("twitter", "503", 1)
                ]
            proc.send_signal(stop)
            out, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""


ARGS = [
    "--port",
    "0",
    "--seed",
    "3",
    "--audience-tz",
    "Europe/Paris",
    "--faults",
    "twitter:publish:503:next=1",
]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_command_prints_url_and_stops_on_signal(stop: signal.Signals) -> None:
    _serve(ARGS, stop)


def test_main_py_emulator_subcommand() -> None:
    if not (ROOT / "main.py").exists() or not (ROOT / "app" / "cli.py").exists():
        pytest.skip("main.py / app/cli.py are not wired yet (owned by the lead)")
    _serve(["emulator", *ARGS], argv=[sys.executable, "main.py"])


@pytest.mark.parametrize(
    "args",
    [["--faults", "twitter:nope:503"], ["--audience-tz", "Nowhere/City"], ["--port", "70000"]],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, "--port", "0", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_configure_defaults() -> None:
    parser = argparse.ArgumentParser()
    command.configure(parser)
    args = parser.parse_args([])
    assert args.port == 8700
    assert args.seed == 0
    assert args.faults is None
    assert args.state_file is None
    assert args.audience_tz == "America/New_York"
