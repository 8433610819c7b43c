"""`main.py members add|list|remove` on SQLite: TSV out, one line and exit 1 on bad input."""

from __future__ import annotations

import pytest

from app.cli import main
from app.core.db import open_database
from app.core.workspaces import WorkspaceService


@pytest.fixture
def url(db_url):
    db = open_database(db_url)
    WorkspaceService(db).create("Acme", "UTC")
    WorkspaceService(db).create("Brio", "UTC")
    db.dispose()
    return db_url


def members(url: str, *args: str) -> int:
    return main(["members", *args, "--db", url])


def test_add_list_remove(url, capsys):
    assert members(url, "add", "--workspace", "Acme", "--name", "Ann", "--role", "editor") == 0
    assert members(url, "add", "--workspace", "Brio", "--name", "Ann", "--role", "viewer") == 0
    assert capsys.readouterr().out == "Ann\teditor\tAcme\nAnn\tviewer\tBrio\n"
    assert members(url, "list") == 0
    assert capsys.readouterr().out == "Ann\teditor\tAcme\nAnn\tviewer\tBrio\n"
    assert members(url, "list", "--workspace", "Brio") == 0
    assert capsys.readouterr().out == "Ann\tviewer\tBrio\n"
    assert members(url, "remove", "--workspace", "Acme", "--name", "Ann") == 0
    assert members(url, "list") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ann\tviewer\tBrio"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "--workspace", "Acme", "--name", "Bob", "--role", "boss"], "Unknown role 'boss'"),
        (["add", "--workspace", "Zed", "--name", "Bob", "--role", "viewer"], "No workspace"),
        (["remove", "--workspace", "Acme", "--name", "Bob"], "'Bob' is not a member of Acme"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(url, capsys, args, message):
    assert members(url, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith("herald members: ") and message in err
    assert len(err.splitlines()) == 1
    assert members(url, "list") == 0
    assert capsys.readouterr().out == ""
