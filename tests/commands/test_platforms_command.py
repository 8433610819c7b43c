import subprocess
import sys

from app.cli import main

EXPECTED = (
    "TWITTER\tX\t280\toauth2-pkce\n"
    "INSTAGRAM\tInstagram\t2200\tmeta-login\n"
    "LINKEDIN\tLinkedIn\t3000\toauth2\n"
    "FACEBOOK\tFacebook\t63206\tmeta-login\n"
    "BLUESKY\tBluesky\t300\tapp-password\n"
    "MASTODON\tMastodon\t500\toauth2-pkce\n"
    "THREADS\tThreads\t500\toauth2\n"
)


def test_platforms_lists_every_network(capsys):
    assert main(["platforms"]) == 0
    captured = capsys.readouterr()
    assert captured.out == EXPECTED
    assert captured.err == ""


def test_platforms_from_main_py(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HERALD_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "main.py", "platforms"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED
