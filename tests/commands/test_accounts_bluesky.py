"""`main.py accounts add-bluesky` against the emulator's Bluesky (the same command against a
real PDS: tests/integration/test_bluesky_real_pds.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main as cli_main
from tests.integration.helpers import VAULT_KEY


@pytest.fixture
def emulator():
    from app.emulator import EmulatorServer

    with EmulatorServer(port=0, seed=0) as srv:
        yield srv


def add(db_url: str, service: str, password: str, handle: str = "herald-demo.bsky.social"):
    return cli_main(
        ["accounts", "add-bluesky", "--service", service, "--handle", handle]
        + ["--app-password", password, "--workspace", "Studio", "--db", db_url]
    )


def test_add_bluesky_connects_and_lists(db_url, emulator, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    assert add(db_url, f"{emulator.base_url}/bluesky", "abcd-efgh-ijkl-mnop") == 0
    out = capsys.readouterr().out
    assert out == "BLUESKY\therald-demo.bsky.social\tACTIVE\n"
    assert cli_main(["accounts", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out == out
    stored = Path(db_url.removeprefix("sqlite:///")).read_bytes()
    assert b"abcd-efgh-ijkl-mnop" not in stored  # the app password is kept nowhere
    for token in emulator.emulator.issued_tokens():
        assert token.encode() not in stored  # the session is in the vault, encrypted


def test_a_refused_app_password_is_one_line_and_changes_nothing(
    db_url, emulator, monkeypatch, capsys
):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    assert add(db_url, f"{emulator.base_url}/bluesky", "wrong-password") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "app password" in err
    assert cli_main(["accounts", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out == ""


def test_a_service_that_is_not_an_address_is_refused(db_url, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    assert add(db_url, "ftp://nowhere", "pw") == 1
    assert "not a web address" in capsys.readouterr().err
