import subprocess
import sys

from app import __version__
from app.cli import main


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_argument_is_a_usage_error(capsys):
    try:
        main(["--no-such-flag"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --no-such-flag" in err
    assert "usage:" in err


def test_no_display_is_one_clear_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "main.py"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "no display" in proc.stderr
    assert "QT_QPA_PLATFORM=offscreen" in proc.stderr


def test_self_check_opens_main_window_offscreen(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "main.py", "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "self-check ok" in proc.stdout
