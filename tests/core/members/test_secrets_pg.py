"""Issue 23's secrets per workspace on the real PostgreSQL: a member's Herald, connecting with
the URL and the member key `members add` printed, decrypts its own workspace's account
tokens and nothing of another workspace; `members remove` cuts them off and re-keys what they
could read; the administrator and the workers (the vault key) still read everything; no
plaintext token is stored anywhere."""

from __future__ import annotations

import re

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.core import member_keys
from app.core import models as m
from app.core.accounts import AccountError, AccountService
from app.core.db import Database, open_database
from app.core.ports import ConnectedAccount, Credentials
from app.core.vault import KEYRING_SERVICE, Vault, VaultLockedError
from app.core.workspace_keys import PREFIX, VAULT_HOLDER, WorkspaceKey, WorkspaceKeyError
from app.platforms.names import Platform
from tests.core.members.test_walls_pg import pg  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres

TOKENS = {"A": "tok-A-very-secret-0001", "B": "tok-B-very-secret-0002"}


def _connect(db: Database, ws: str) -> int:
    """The administrator's Herald connects an account in workspace `ws` (vault key held)."""
    with db.session() as s:
        ws_id = s.scalar(select(m.Workspace.id).where(m.Workspace.name == ws))
        if ws_id is None:
            s.add(m.Workspace(name=ws, timezone="UTC", created_at=_now()))
            s.commit()
            ws_id = s.scalar(select(m.Workspace.id).where(m.Workspace.name == ws))
    assert ws_id is not None
    creds = Credentials(access_token=TOKENS[ws], refresh_token=f"refresh-{TOKENS[ws]}")
    return AccountService(db, Vault(db)).save_connected(
        ws_id, ConnectedAccount(Platform.MASTODON, f"ext-{ws}", f"@{ws}", creds)
    )


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _add(url: str, capsys: pytest.CaptureFixture[str], ws: str, name: str) -> tuple[str, str]:
    argv = ["members", "add", "--workspace", ws, "--name", name, "--role", "admin", "--db", url]
    assert main(argv) == 0
    out = capsys.readouterr().out
    found = re.search(r"^(postgresql\S+)$", out, re.M)
    key = re.search(r"^Member key for .*:\n(\S+)$", out, re.M)
    assert found and key, out
    return found.group(1), key.group(1)


def _rows(db: Database, ws: str) -> dict[str, bytes]:
    with db.session() as s:
        q = (
            select(WorkspaceKey.holder, WorkspaceKey.wrapped)
            .join(m.Workspace, m.Workspace.id == WorkspaceKey.workspace_id)
            .where(m.Workspace.name == ws)
        )
        return {h: bytes(w) for h, w in s.execute(q)}


def _blob(db: Database, account: int) -> bytes:
    with db.session() as s:
        return bytes(s.get(m.Account, account).credentials_encrypted)


def test_a_member_decrypts_their_workspace_only(pg, capsys, monkeypatch, memory_keyring):  # noqa: F811
    url, db = pg
    a, b = _connect(db, "A"), _connect(db, "B")
    ann_url, ann_key = _add(url, capsys, "A", "Ann")
    ann_db = open_database(ann_url)
    try:
        login = ann_db.engine.url.username
        assert login is not None
        # First use without the key anywhere: one clear message, nothing decrypted.
        environ: dict[str, str] = {}
        ann_vault = Vault(ann_db, environ=environ)
        ann = AccountService(ann_db, ann_vault)
        for step in (lambda: ann.credentials(a), ann_vault.unlock):
            with pytest.raises(VaultLockedError, match=f"as {login}: your member key is missing"):
                step()
        # Given once (HERALD_MEMBER_KEY), it goes to her OS keychain and is read from there.
        environ[member_keys.ENV_MEMBER_KEY] = ann_key
        assert ann.credentials(a).access_token == TOKENS["A"]
        stored = memory_keyring.get_password(KEYRING_SERVICE, f"member-key:{login}")
        assert stored == ann_key
        environ.clear()
        fresh = Vault(ann_db, environ={})
        assert AccountService(ann_db, fresh).credentials(a).refresh_token == (
            f"refresh-{TOKENS['A']}"
        )
        fresh.unlock()  # what the desktop does at start: the member key, not the vault's
        fresh.unlock()
        assert fresh.is_unlocked and fresh.key_source == "member-key"

        # B: its account row is walled off, and so is every wrapped key but her own.
        with pytest.raises(AccountError, match=f"No account with id {b}"):
            ann.credentials(b)
        with ann_db.session() as s:
            visible = s.execute(select(WorkspaceKey.holder, WorkspaceKey.workspace_id)).all()
            a_id = s.scalar(select(m.Workspace.id))
        assert visible == [(login, a_id)]
        # Even holding B's ciphertext (say, from a backup), A's data key does not open it.
        a_key = member_keys.unwrap_with(
            member_keys.parse_member_key(ann_key), _rows(db, "A")[login]
        )
        b_blob = _blob(db, b)
        assert b_blob.startswith(PREFIX)
        with pytest.raises(InvalidToken):
            Fernet(a_key).decrypt(b_blob[len(PREFIX) :])
        # and she cannot write the key table, even as an admin of A
        with ann_db.session() as s, pytest.raises(DBAPIError):
            s.execute(text("DELETE FROM workspace_keys"))
            s.flush()
    finally:
        ann_db.dispose()


def test_members_remove_cuts_access_and_rotates_the_workspace_key(pg, capsys, monkeypatch):  # noqa: F811
    url, db = pg
    a = _connect(db, "A")
    ann_url, ann_key = _add(url, capsys, "A", "Ann")
    bob_url, bob_key = _add(url, capsys, "A", "Bob")
    ann_login = make_url(ann_url).username
    before = _rows(db, "A")
    old_blob = _blob(db, a)
    old_key = member_keys.unwrap_with(member_keys.parse_member_key(ann_key), before[ann_login])
    assert Fernet(old_key).decrypt(old_blob[len(PREFIX) :])  # her key opened it until now

    ann = create_engine(ann_url)
    try:
        conn = ann.connect()
        assert conn.scalar(select(func.count()).select_from(WorkspaceKey)) == 1
        conn.commit()
        assert main(["members", "remove", "--workspace", "A", "--name", "Ann", "--db", url]) == 0
        with pytest.raises(DBAPIError):  # cut off at her next query
            conn.execute(select(func.count()).select_from(WorkspaceKey))
        conn.close()
    finally:
        ann.dispose()

    after = _rows(db, "A")
    assert set(after) == {VAULT_HOLDER, make_url(bob_url).username}
    assert after[VAULT_HOLDER] != before[VAULT_HOLDER]
    new_blob = _blob(db, a)
    assert new_blob != old_blob
    with pytest.raises(InvalidToken):  # the key she could unwrap opens nothing any more
        Fernet(old_key).decrypt(new_blob[len(PREFIX) :])
    # The administrator's and the workers' vault key, and Bob's own key, still open it.
    assert AccountService(db, Vault(db)).credentials(a).access_token == TOKENS["A"]
    bob_db = open_database(bob_url)
    try:
        bob_vault = Vault(bob_db, environ={member_keys.ENV_MEMBER_KEY: bob_key})
        assert AccountService(bob_db, bob_vault).credentials(a).access_token == TOKENS["A"]
    finally:
        bob_db.dispose()


def test_no_plaintext_token_in_any_table(pg, capsys):  # noqa: F811
    url, db = pg
    _connect(db, "A")
    _connect(db, "B")
    _add(url, capsys, "A", "Ann")
    AccountService(db, Vault(db)).save_credentials(
        _connect(db, "B"), Credentials(access_token=TOKENS["B"], refresh_token="rot-secret-9")
    )
    dump = []
    with db.engine.connect() as conn:
        for table in inspect(db.engine).get_table_names():
            dump += [str(r[0]) for r in conn.execute(text(f'SELECT t::text FROM "{table}" t'))]
    everything = "\n".join(dump)
    assert "ext-A" in everything  # the dump reads the accounts rows
    for secret in [*TOKENS.values(), "rot-secret-9"]:
        assert secret not in everything
        assert secret.encode().hex() not in everything  # bytea is dumped as hex


def test_a_member_without_a_wrapped_key_gets_one_line(pg, capsys, monkeypatch):  # noqa: F811
    url, db = pg
    a = _connect(db, "A")
    ann_url, ann_key = _add(url, capsys, "A", "Ann")
    login = make_url(ann_url).username
    with db.session() as s:  # as after a botched restore: her wrapped key is gone
        s.execute(text("DELETE FROM workspace_keys WHERE holder = :h"), {"h": login})
        s.commit()
    ann_db = open_database(ann_url)
    try:
        ann_vault = Vault(ann_db, environ={member_keys.ENV_MEMBER_KEY: ann_key})
        with pytest.raises(WorkspaceKeyError, match="holds no key for this workspace"):
            AccountService(ann_db, ann_vault).credentials(a)
    finally:
        ann_db.dispose()


def test_a_second_workspace_reuses_the_member_key_and_a_locked_vault_blocks_removal(
    pg,  # noqa: F811
    capsys,
    memory_keyring,
):
    url, db = pg
    a, b = _connect(db, "A"), _connect(db, "B")
    ann_url, ann_key = _add(url, capsys, "A", "Ann")
    argv = ["members", "add", "--workspace", "B", "--name", "Ann", "--role", "viewer"]
    assert main([*argv, "--db", url]) == 0
    out = capsys.readouterr().out
    assert "keeps their existing connection URL" in out and "Member key" not in out
    ann_db = open_database(ann_url)
    try:
        ann = AccountService(ann_db, Vault(ann_db, environ={member_keys.ENV_MEMBER_KEY: ann_key}))
        assert [ann.credentials(i).access_token for i in (a, b)] == [TOKENS["A"], TOKENS["B"]]
    finally:
        ann_db.dispose()
    # Without the vault key the administrator's Herald cannot re-key: one line, no change.
    before = _rows(db, "A")
    memory_keyring._store.clear()
    assert main(["members", "remove", "--workspace", "A", "--name", "Ann", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("herald members: ") and len(err.splitlines()) == 1, err
    assert "vault" in err
    assert _rows(db, "A") == before
    assert main(["members", "list", "--db", url]) == 0
    assert capsys.readouterr().out.count("Ann") == 2


def test_members_key_keeps_the_pasted_key_in_the_keychain(pg, capsys, monkeypatch, memory_keyring):  # noqa: F811
    import io

    url, db = pg
    a = _connect(db, "A")
    ann_url, ann_key = _add(url, capsys, "A", "Ann")
    login = make_url(ann_url).username
    monkeypatch.setattr("sys.stdin", io.StringIO("not a key\n"))
    assert main(["members", "key", "--db", ann_url]) == 1
    assert "not a Herald member key" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(ann_key + "\n"))
    assert main(["members", "key", "--db", ann_url]) == 0
    assert capsys.readouterr().out == f"member key for {login} kept in the OS keychain\n"
    assert memory_keyring.get_password(KEYRING_SERVICE, f"member-key:{login}") == ann_key
    ann_db = open_database(ann_url)
    try:
        assert (
            AccountService(ann_db, Vault(ann_db, environ={})).credentials(a).access_token
            == (TOKENS["A"])
        )
    finally:
        ann_db.dispose()
    assert main(["members", "key", "--db", url]) == 1  # the administrator has no member key
    assert "for a member's own connection URL" in capsys.readouterr().err
