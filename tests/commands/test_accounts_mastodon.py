"""`main.py accounts add-mastodon` against the emulated instance: with a pasted token, with
the browser sign-in (Herald registers itself), and one clear line when it cannot."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.adapters.oauth import loopback_browser
from app.cli import main as cli_main
from app.commands import accounts_mastodon
from tests.integration.helpers import VAULT_KEY

VERIFIER = "v" * 64


@pytest.fixture
def emulator():
    from app.emulator import EmulatorServer

    srv = EmulatorServer(port=0, mastodon_max_characters=5000).start()
    yield srv
    srv.stop()


def token_for(emulator) -> str:
    """A token as Preferences → Development would make one (here: the emulator's OAuth)."""
    redirect = "http://127.0.0.1:1/cb"
    with httpx.Client(base_url=f"{emulator.base_url}/mastodon") as c:
        app = c.post(
            "/api/v1/apps",
            json={"client_name": "dev", "redirect_uris": redirect, "scopes": "read write"},
        ).json()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest())
        r = c.get(
            "/oauth/authorize",
            params={
                "client_id": app["client_id"],
                "redirect_uri": redirect,
                "scope": "read write",
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256",
            },
        )
        code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
        return c.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "code_verifier": VERIFIER,
            },
        ).json()["access_token"]


def add(db_url, instance, *extra):
    return cli_main(
        ["accounts", "add-mastodon", "--instance", instance, "--workspace", "Cafe"]
        + ["--db", db_url, *extra]
    )


def test_with_a_token_it_connects_and_lists(db_url, emulator, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    instance = f"{emulator.base_url}/mastodon"
    assert add(db_url, instance, "--access-token", token_for(emulator)) == 0
    host = emulator.base_url.removeprefix("http://")
    expected = f"MASTODON\t@herald_demo@{host}\tACTIVE"
    assert capsys.readouterr().out.splitlines() == [expected]
    assert cli_main(["accounts", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out.splitlines() == [expected]


def test_without_a_token_herald_registers_itself_and_signs_in(
    db_url, emulator, monkeypatch, capsys
):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    monkeypatch.setattr(accounts_mastodon, "OPEN_BROWSER", loopback_browser)
    monkeypatch.setattr(accounts_mastodon, "LISTEN_PORT", 0)
    assert add(db_url, f"{emulator.base_url}/mastodon") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("MASTODON\t@herald_demo@") and out[-1].endswith("\tACTIVE")
    # connecting again reuses Herald's registration on that instance
    apps_before = len(emulator.emulator.state.mastodon_apps)
    assert add(db_url, f"{emulator.base_url}/mastodon") == 0
    assert len(emulator.emulator.state.mastodon_apps) == apps_before


def test_a_refused_token_is_one_line_and_saves_nothing(db_url, emulator, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    assert add(db_url, f"{emulator.base_url}/mastodon", "--access-token", "nope-123") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "The access token is invalid" in err
    assert "nope-123" not in err
    assert cli_main(["accounts", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out == ""


def test_not_an_address_is_one_line(db_url, monkeypatch, capsys):
    monkeypatch.setenv("HERALD_VAULT_KEY", VAULT_KEY)
    assert add(db_url, "not an address", "--access-token", "t") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "instance address" in err
