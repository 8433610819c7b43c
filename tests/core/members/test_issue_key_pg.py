"""`members issue-key` (issue 23, upgrades): a person added before member keys existed
(migration 0020) holds no key; the administrator prints one for them, once, and with it their
Herald decrypts each of their workspaces' accounts. Someone who has a key keeps it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.cli import main
from app.core import member_keys
from app.core.accounts import AccountService
from app.core.db import open_database
from app.core.vault import Vault
from app.core.workspace_keys import WorkspaceKeyError
from tests.core.members.test_secrets_pg import TOKENS, _add, _connect
from tests.core.members.test_walls_pg import pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def test_a_member_from_before_keys_gets_one_that_opens_each_workspace(pg, capsys, memory_keyring):  # noqa: F811
    url, db = pg
    a, b = _connect(db, "A"), _connect(db, "B")
    ann_url, old_key = _add(url, capsys, "A", "Ann")
    assert main(["members", "add", "--workspace", "B", "--name", "Ann", "--role", "viewer",
                 "--db", url]) == 0  # fmt: skip
    capsys.readouterr()
    login = make_url(ann_url).username
    with db.session() as s:  # as members were before 0020: no key wrapped for her anywhere
        s.execute(text("DELETE FROM workspace_keys WHERE holder = :h"), {"h": login})
        s.commit()
    ann_db = open_database(ann_url)
    try:
        ann = AccountService(ann_db, Vault(ann_db, environ={member_keys.ENV_MEMBER_KEY: old_key}))
        with pytest.raises(WorkspaceKeyError):
            ann.credentials(a)

        assert main(["members", "issue-key", "--name", "ann", "--db", url]) == 0
        out = capsys.readouterr().out
        found = re.search(r"^Member key for ann .*:\n(\S+)$", out, re.M)
        assert found, out
        new_key = found.group(1)
        assert new_key != old_key
        assert "members key" in out  # how she keeps it
        memory_keyring._store.clear()  # a member from before 0020 kept no key on her computer
        ann = AccountService(ann_db, Vault(ann_db, environ={member_keys.ENV_MEMBER_KEY: new_key}))
        assert [ann.credentials(i).access_token for i in (a, b)] == [TOKENS["A"], TOKENS["B"]]
    finally:
        ann_db.dispose()

    # Once she has one, it is not replaced (one line, nothing changes); nobody: one line.
    with db.session() as s:
        before = s.execute(text("SELECT holder, wrapped FROM workspace_keys ORDER BY id")).all()
    for name, says in (("Ann", "already has a member key"), ("Zed", "not a member of any")):
        assert main(["members", "issue-key", "--name", name, "--db", url]) == 1
        err = capsys.readouterr().err
        assert err.startswith("herald members: ") and len(err.splitlines()) == 1, err
        assert says in err
    with db.session() as s:
        after = s.execute(text("SELECT holder, wrapped FROM workspace_keys ORDER BY id")).all()
    assert after == before


def test_sqlite_has_no_member_keys(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert main(["members", "issue-key", "--name", "Ann", "--db", url]) == 1
    assert capsys.readouterr().err.strip() == (
        "herald members: Member keys exist only on a shared PostgreSQL database."
    )
