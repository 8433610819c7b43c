from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from cryptography.fernet import Fernet

from app.core import vault as vault_mod
from app.core.models import Setting
from app.core.vault import (
    CHECK_SETTING,
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    SALT_SETTING,
    DecryptionError,
    Vault,
    VaultLockedError,
    WrongPassphraseError,
    tty_passphrase_prompt,
)


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch):
    # Real parameters cost ~0.3 s per derivation; the logic under test does not depend on them.
    monkeypatch.setattr(vault_mod, "SCRYPT_N", 2**10)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _settings(db) -> dict:
    with db.session() as s:
        return {row.key: row.value for row in s.query(Setting)}


def _db_bytes(db_url: str) -> bytes:
    path = db_url.removeprefix("sqlite:///")
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as f:
                data += f.read()
        except FileNotFoundError:
            pass
    return data


def test_keyring_path_generates_key_once_and_round_trips(db, memory_keyring):
    v = Vault(db, environ={})
    token = v.encrypt("s3cret-token-value")
    assert token != b"s3cret-token-value"
    assert v.decrypt(token) == b"s3cret-token-value"
    assert v.key_source == "keyring"
    stored = memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
    assert stored and Fernet(stored.encode())  # a valid Fernet key
    assert CHECK_SETTING in _settings(db)

    # A second vault (next start) reuses the same key.
    again = Vault(db, environ={})
    assert again.decrypt(token) == b"s3cret-token-value"
    assert memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME) == stored


def test_json_round_trip(db):
    v = Vault(db, environ={})
    value = {"access_token": "abc", "n": 3, "nested": {"x": [1, 2]}}
    assert v.decrypt_json(v.encrypt_json(value)) == value


def test_wrong_key_in_keyring_is_a_clear_error(db, memory_keyring):
    Vault(db, environ={}).encrypt("x")
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, Fernet.generate_key().decode())
    before = _settings(db)
    with pytest.raises(WrongPassphraseError, match="nothing was changed"):
        Vault(db, environ={}).encrypt("y")
    assert _settings(db) == before


def test_empty_keyring_with_locked_database_does_not_make_a_new_key(db, memory_keyring):
    Vault(db, environ={"HERALD_VAULT_KEY": "a passphrase for workers"}).encrypt("x")
    with pytest.raises(VaultLockedError, match="HERALD_VAULT_KEY"):
        Vault(db, environ={}).encrypt("y")
    assert memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None


def test_no_keyring_uses_env_fernet_key(db, no_keyring):
    key = Fernet.generate_key().decode()
    v = Vault(db, environ={"HERALD_VAULT_KEY": key})
    token = v.encrypt(b"tok")
    assert v.key_source == "env-key"
    assert Fernet(key.encode()).decrypt(token) == b"tok"


def test_no_keyring_uses_env_passphrase_through_scrypt(db, no_keyring):
    v = Vault(db, environ={"HERALD_VAULT_KEY": "correct horse battery staple"})
    token = v.encrypt(b"tok")
    assert v.key_source == "env-passphrase"
    assert v.keyring_problem and "keychain" in v.keyring_problem
    assert SALT_SETTING in _settings(db)
    again = Vault(db, environ={"HERALD_VAULT_KEY": "correct horse battery staple"})
    assert again.decrypt(token) == b"tok"


def test_no_keyring_and_nothing_else_is_locked_with_advice(db, no_keyring):
    with pytest.raises(VaultLockedError, match="HERALD_VAULT_KEY"):
        Vault(db, environ={}).encrypt("x")
    assert _settings(db) == {}


def test_passphrase_callback_path_and_wrong_passphrase(db, no_keyring):
    asked: list[bool] = []

    def ask(creating: bool) -> str:
        asked.append(creating)
        return "open sesame"

    v = Vault(db, passphrase=ask, environ={})
    token = v.encrypt("secret")
    assert asked == [True]
    assert v.key_source == "passphrase"
    before = _settings(db)

    reopened = Vault(db, passphrase=lambda creating: "open sesame", environ={})
    assert reopened.decrypt(token) == b"secret"

    wrong = Vault(db, passphrase=lambda creating: "close sesame", environ={})
    with pytest.raises(WrongPassphraseError, match="wrong"):
        wrong.encrypt("other")
    assert not wrong.is_unlocked
    assert _settings(db) == before


def test_wrong_env_passphrase_is_clear_error(db, no_keyring):
    Vault(db, environ={"HERALD_VAULT_KEY": "right"}).encrypt("x")
    before = _settings(db)
    with pytest.raises(WrongPassphraseError):
        Vault(db, environ={"HERALD_VAULT_KEY": "wrong"}).unlock()
    assert _settings(db) == before


def test_empty_passphrase_is_refused(db, no_keyring):
    with pytest.raises(VaultLockedError):
        Vault(db, passphrase=lambda creating: "", environ={}).unlock()
    assert _settings(db) == {}


@pytest.mark.parametrize("backend", [keyring.backends.null.Keyring])
def test_null_backend_is_refused(db, backend):
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        v = Vault(db, environ={})
        with pytest.raises(VaultLockedError):
            v.unlock()
        assert "not a safe keychain" in (v.keyring_problem or "")
    finally:
        keyring.set_keyring(previous)


def test_plaintext_backend_is_refused(db):
    # keyrings.alt may not be installed: a stand-in with the same module/class name.
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):  # pragma: no cover - refused
            raise AssertionError("must never be asked to store the key")

        def delete_password(self, service, username):  # pragma: no cover
            pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        v = Vault(db, environ={})
        with pytest.raises(VaultLockedError):
            v.unlock()
    finally:
        keyring.set_keyring(previous)


def test_env_key_wins_over_keyring(db, memory_keyring):
    key = Fernet.generate_key().decode()
    v = Vault(db, environ={"HERALD_VAULT_KEY": key})
    v.unlock()
    assert v.key_source == "env-key"
    assert memory_keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None


def test_tampered_token_is_decryption_error(db):
    v = Vault(db, environ={})
    token = bytearray(v.encrypt("x"))
    token[-5] ^= 1
    with pytest.raises(DecryptionError):
        v.decrypt(bytes(token))


def test_without_database_still_encrypts():
    v = Vault(None, environ={})
    assert v.decrypt(v.encrypt("abc")) == b"abc"


def test_no_plaintext_in_database_file(db, db_url):
    v = Vault(db, environ={})
    secret = "plaintext-canary-4f1c2e"
    with db.session() as s:
        s.add(Setting(key="probe", value=v.encrypt(secret).decode()))
        s.commit()
    assert secret.encode() not in _db_bytes(db_url)


def test_tty_prompt_refuses_without_terminal(monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(VaultLockedError, match="HERALD_VAULT_KEY"):
        tty_passphrase_prompt(True)
