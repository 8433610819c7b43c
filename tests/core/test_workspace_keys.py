"""Per-workspace data keys on SQLite (issue 23): the same code path as PostgreSQL, with every
key wrapped under the vault key only; secrets written before them are re-encrypted in one
transaction the first time the vault unlocks, and an interruption leaves them as they were."""

from __future__ import annotations

import keyring
import keyring.backends.null
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, select

from app.core import member_keys, workspace_keys
from app.core.accounts import AccountService, credentials_to_json
from app.core.models import Account, Setting
from app.core.ports import ConnectedAccount, Credentials
from app.core.vault import CHECK_SETTING, Vault, VaultLockedError, WrongPassphraseError
from app.core.workspace_keys import PREFIX, VAULT_HOLDER, WorkspaceKey, WorkspaceKeys
from app.core.workspaces import WorkspaceService
from app.platforms.names import Platform
from tests.integration.pg import SQLITE_AND_POSTGRES, sqlite_or_postgres

KEY = Fernet.generate_key().decode()


@pytest.fixture(params=SQLITE_AND_POSTGRES)
def anydb(request, db_url):  # type: ignore[no-untyped-def]
    yield from sqlite_or_postgres(request.param, db_url)


@pytest.fixture
def two(db):
    return [WorkspaceService(db).create(n, "UTC").id for n in ("Acme", "Brio")]


def _vault(db) -> Vault:  # type: ignore[no-untyped-def]
    return Vault(db, environ={"HERALD_VAULT_KEY": KEY})


def _connect(service: AccountService, ws: int, token: str) -> int:
    creds = Credentials(access_token=token, refresh_token="r-" + token)
    return service.save_connected(ws, ConnectedAccount(Platform.TWITTER, token, "@" + token, creds))


def _blob(db, account: int) -> bytes:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return bytes(s.get(Account, account).credentials_encrypted)


def _keys(db) -> dict[int, bytes]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        rows = s.execute(
            select(WorkspaceKey.workspace_id, WorkspaceKey.holder, WorkspaceKey.wrapped)
        )
        out = {}
        for ws, holder, wrapped in rows:
            assert holder == VAULT_HOLDER  # SQLite: no member keys
            out[ws] = Fernet(KEY.encode()).decrypt(wrapped)
        return out


def test_each_workspace_has_its_own_key_wrapped_under_the_vault(db, two):
    service = AccountService(db, _vault(db))
    a, b = _connect(service, two[0], "tok-acme-0001"), _connect(service, two[1], "tok-brio-0002")
    keys = _keys(db)
    assert set(keys) == set(two) and keys[two[0]] != keys[two[1]]
    blob_a = _blob(db, a)
    assert blob_a.startswith(PREFIX)
    assert b"tok-acme" not in blob_a
    assert Fernet(keys[two[0]]).decrypt(blob_a[len(PREFIX) :])
    with pytest.raises(InvalidToken):  # another workspace's key opens nothing here
        Fernet(keys[two[1]]).decrypt(blob_a[len(PREFIX) :])
    with pytest.raises(InvalidToken):  # nor does the vault key itself
        Fernet(KEY.encode()).decrypt(blob_a[len(PREFIX) :])
    assert service.credentials(a).access_token == "tok-acme-0001"
    assert AccountService(db, _vault(db)).credentials(b).refresh_token == "r-tok-brio-0002"


def test_rotation_changes_the_key_and_keeps_every_secret_readable(db, two):
    service = AccountService(db, _vault(db))
    a = _connect(service, two[0], "tok-acme-0001")
    old_key, old_blob = _keys(db)[two[0]], _blob(db, a)
    with db.write_session() as s:
        WorkspaceKeys(_vault(db)).rotate(s, two[0])
        s.commit()
    assert _keys(db)[two[0]] != old_key
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(_blob(db, a)[len(PREFIX) :])
    assert _blob(db, a) != old_blob
    assert service.credentials(a).access_token == "tok-acme-0001"


def _legacy(db, two) -> list[int]:  # type: ignore[no-untyped-def]
    """Accounts as a Herald before migration 0020 stored them: under the vault key itself."""
    vault = _vault(db)
    ids = []
    with db.session() as s:
        for i, ws in enumerate([two[0], two[0], two[1]]):
            creds = Credentials(access_token=f"old-token-{i:04d}")
            account = Account(
                workspace_id=ws, platform=Platform.TWITTER, handle=f"@{i}", external_id=str(i),
                credentials_encrypted=vault.encrypt_json(credentials_to_json(creds)),
                created_at=workspace_keys._now(),
            )  # fmt: skip
            s.add(account)
            s.flush()
            ids.append(account.id)
        s.commit()
    return ids


def test_older_secrets_move_under_workspace_keys_when_the_vault_unlocks(anydb):
    db, two = anydb, [WorkspaceService(anydb).create(n, "UTC").id for n in ("Acme", "Brio")]
    ids = _legacy(db, two)
    service = AccountService(db, _vault(db))
    assert service.credentials(ids[2]).access_token == "old-token-0002"  # unlock adopts
    assert all(_blob(db, i).startswith(PREFIX) for i in ids)
    assert set(_keys(db)) == set(two)
    assert [AccountService(db, _vault(db)).credentials(i).access_token for i in ids] == [
        "old-token-0000", "old-token-0001", "old-token-0002"
    ]  # fmt: skip


def test_an_interrupted_adoption_changes_nothing_and_the_next_one_completes(anydb, monkeypatch):
    db, two = anydb, [WorkspaceService(anydb).create(n, "UTC").id for n in ("Acme", "Brio")]
    ids = _legacy(db, two)
    before = [_blob(db, i) for i in ids]
    real_seal = WorkspaceKeys.seal
    calls = []

    def dying_seal(self, s, ws, raw):  # type: ignore[no-untyped-def]
        calls.append(ws)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process stopped halfway through
        return real_seal(self, s, ws, raw)

    monkeypatch.setattr(WorkspaceKeys, "seal", dying_seal)
    with pytest.raises(KeyboardInterrupt):
        _vault(db).unlock()
    assert [_blob(db, i) for i in ids] == before  # nothing half-written
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WorkspaceKey)) == 0
    monkeypatch.setattr(WorkspaceKeys, "seal", real_seal)
    _vault(db).unlock()
    assert all(_blob(db, i).startswith(PREFIX) for i in ids)
    assert AccountService(db, _vault(db)).credentials(ids[0]).access_token == "old-token-0000"


def test_a_wrong_vault_key_is_caught_by_a_workspace_key_without_a_verifier(db, two):
    _connect(AccountService(db, _vault(db)), two[0], "tok-acme-0001")
    with db.session() as s:
        s.delete(s.get(Setting, CHECK_SETTING))
        s.commit()
    other = Fernet.generate_key().decode()
    with pytest.raises(WrongPassphraseError):
        Vault(db, environ={"HERALD_VAULT_KEY": other}).unlock()


def test_member_keys_wrap_to_one_key_pair_only():
    ann, ann_public = member_keys.new_member_key()
    bob, _ = member_keys.new_member_key()
    data_key = Fernet.generate_key()
    wrapped = member_keys.wrap_for(ann_public, data_key)
    assert data_key not in wrapped
    assert member_keys.unwrap_with(member_keys.parse_member_key(ann), wrapped) == data_key
    with pytest.raises(member_keys.MemberKeyError, match="does not open this workspace's key"):
        member_keys.unwrap_with(member_keys.parse_member_key(bob), wrapped)
    assert member_keys.public_of(ann) == ann_public
    with pytest.raises(member_keys.MemberKeyError, match="not a Herald member key"):
        member_keys.parse_member_key("postgresql://not-a-key")


def test_a_member_key_is_never_kept_in_an_unsafe_keyring():
    text, _ = member_keys.new_member_key()
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        with pytest.raises(member_keys.MemberKeyError, match="not a safe keychain"):
            member_keys.store_member_key("herald_ann_1", text)
        # from the environment it is still usable, just not stored
        env = {member_keys.ENV_MEMBER_KEY: text}
        assert member_keys.load_member_key("herald_ann_1", env)
        with pytest.raises(VaultLockedError, match="not a safe keychain"):
            member_keys.load_member_key("herald_ann_1", {})
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def pgdb(db_url):  # type: ignore[no-untyped-def]
    yield from sqlite_or_postgres("postgres", db_url)


@pytest.mark.postgres
def test_workers_starting_together_adopt_once_and_both_start(pgdb, monkeypatch):
    import threading

    db = pgdb
    two = [WorkspaceService(db).create(n, "UTC").id for n in ("Acme", "Brio")]
    ids = _legacy(db, two)
    errors: list[Exception] = []
    entered, both_in = [], threading.Event()
    real_adopt, real_seal = workspace_keys.adopt_legacy, WorkspaceKeys.seal

    def adopt(db_, vault):  # type: ignore[no-untyped-def]
        entered.append(1)
        if len(entered) == 2:
            both_in.set()
        return real_adopt(db_, vault)

    def seal(self, s, ws, raw):  # type: ignore[no-untyped-def]
        both_in.wait(5)  # the first to seal waits until the other one is adopting too
        return real_seal(self, s, ws, raw)

    monkeypatch.setattr(workspace_keys, "adopt_legacy", adopt)
    monkeypatch.setattr(WorkspaceKeys, "seal", seal)

    def start() -> None:
        try:
            _vault(db).unlock()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert all(_blob(db, i).startswith(PREFIX) for i in ids)
    assert set(_keys(db)) == set(two)
    assert AccountService(db, _vault(db)).credentials(ids[1]).access_token == "old-token-0001"
