"""Encryption at rest for tokens and client secrets (Fernet), keyed from the OS keychain.

Key sources, first that applies wins:

1. ``HERALD_VAULT_KEY`` when set: a Fernet key (urlsafe base64, 32 bytes) or any passphrase,
   which goes through scrypt. An explicit setting beats the keychain so that several
   machines sharing one PostgreSQL database (desktops and headless workers) can share a key.
2. The OS keychain via keyring (service "Herald", user "vault-key"); a key is generated on
   first use. Backends that would store it in plain text or lose it (keyrings.alt's
   PlaintextKeyring, the null backend) are refused, as is the fail backend of headless Linux.
3. A passphrase from the caller's callback (the UI asks; the CLI prompts only on a tty),
   stretched with scrypt.

The scrypt salt and a verifier (a Fernet token of a known constant) live in the settings
table ("vault.salt", "vault.check"), so a wrong key or passphrase is reported clearly before
anything is written. Herald never falls back to plaintext.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

import keyring
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.core.db import Database
from app.core.logsetup import register_secret
from app.core.models import Setting

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Herald"
KEYRING_USERNAME = "vault-key"
ENV_KEY = "HERALD_VAULT_KEY"
SALT_SETTING = "vault.salt"
CHECK_SETTING = "vault.check"
_CHECK_PLAINTEXT = b"herald-vault-check-v1"

# OWASP's scrypt floor (N=2^17, r=8, p=1: ~128 MiB, a fraction of a second). The parameters
# are stored with the salt, so raising them later keeps old databases readable.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1

# Backends that must never hold the key: plaintext on disk, or silently dropped.
_REFUSED_BACKENDS = {
    ("keyrings.alt.file", "PlaintextKeyring"),
    ("keyring.backends.null", "Keyring"),
}

#: The passphrase callback gets ``creating=True`` when no passphrase was set before (ask twice).
PassphraseCallback = Callable[[bool], "str | None"]


class VaultError(RuntimeError):
    """The vault cannot do what was asked; the message is meant for a person."""


class VaultLockedError(VaultError):
    """No key is available (no keychain, no HERALD_VAULT_KEY, no passphrase given)."""


class WrongPassphraseError(VaultError):
    """The key or passphrase does not open this database's secrets. Nothing was changed."""


class DecryptionError(VaultError):
    """A stored value could not be decrypted (damaged, or written with another key)."""


def tty_passphrase_prompt(creating: bool) -> str:
    """Passphrase callback for the command line: prompts only when stdin is a terminal."""
    if not sys.stdin or not sys.stdin.isatty():
        raise VaultLockedError(
            "No OS keychain is available and there is no terminal to ask for the vault "
            f"passphrase; set {ENV_KEY} (a Fernet key or a passphrase) for headless use."
        )
    first = getpass.getpass("Herald vault passphrase: ")
    if creating:
        again = getpass.getpass("Repeat the passphrase: ")
        if again != first:
            raise VaultLockedError("The two passphrases differ; nothing was changed.")
    return first


def _backend_problem(backend: Any) -> str | None:
    """Why this keyring backend is unusable, or None when it is a real keychain."""
    backends = getattr(backend, "backends", None)  # keyring's ChainerBackend
    for b in backends if backends is not None else [backend]:
        cls = type(b)
        if (cls.__module__, cls.__name__) in _REFUSED_BACKENDS:
            return f"the keyring backend {cls.__module__}.{cls.__name__} is not a safe keychain"
        if cls.__module__ == "keyring.backends.fail":
            return "no OS keychain is available (keyring has no backend)"
    return None


def _looks_like_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32 and len(value) == 44
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


class Vault:
    """Encrypts and decrypts small secrets. Thread-safe; the key is resolved on first use."""

    def __init__(
        self,
        db: Database | None,
        *,
        passphrase: PassphraseCallback | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._db = db
        self._passphrase_cb = passphrase
        self._environ = environ if environ is not None else os.environ
        self._fernet: Fernet | None = None
        self._lock = threading.Lock()
        self._adopted = False
        #: where the key came from: "env-key", "env-passphrase", "keyring" or "passphrase"
        self.key_source: str | None = None
        #: why the keychain was not used, for the UI to show ("Herald says so")
        self.keyring_problem: str | None = None

    # ------------------------------------------------------------ public API

    def unlock(self) -> None:
        """Resolve the key now (the UI calls this to ask for a passphrase at a good moment).
        The first time, secrets still under the vault key itself move under their workspace's
        data key (issue 23, app.core.workspace_keys), in one transaction. On a member's own
        PostgreSQL login there is no vault key: their member key is looked up instead."""
        if self.key_source == "member-key":
            return
        if self._db is not None and not self.is_unlocked:
            from app.core.workspace_keys import member_unlock

            if member_unlock(self._db, self._environ):
                self.key_source = "member-key"
                return
        self._key()
        if self._db is not None and not self._adopted:
            from app.core.workspace_keys import adopt_legacy

            adopt_legacy(self._db, self)
            self._adopted = True

    @property
    def is_unlocked(self) -> bool:
        return self._fernet is not None or self.key_source == "member-key"

    @property
    def environ(self) -> Mapping[str, str]:
        """Where HERALD_VAULT_KEY (and a member's HERALD_MEMBER_KEY) are read from."""
        return self._environ

    def encrypt(self, data: bytes | str) -> bytes:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return self._key().encrypt(raw)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._key().decrypt(token)
        except InvalidToken:
            raise DecryptionError(
                "A stored secret could not be decrypted: it is damaged or was written with "
                "another vault key. Reconnect the account to store it again."
            ) from None

    def encrypt_json(self, value: Any) -> bytes:
        return self.encrypt(json.dumps(value, separators=(",", ":"), sort_keys=True))

    def decrypt_json(self, token: bytes) -> Any:
        return json.loads(self.decrypt(token))

    # ------------------------------------------------------------ key resolution

    def _key(self) -> Fernet:
        fernet = self._fernet
        if fernet is not None:
            return fernet
        with self._lock:
            if self._fernet is None:
                self._fernet = self._resolve()
            return self._fernet

    def _resolve(self) -> Fernet:
        env_value = self._environ.get(ENV_KEY)
        if env_value:
            # Still say whether a keychain exists, for the UI's vault status line.
            self.keyring_problem = _backend_problem(keyring.get_keyring())
            if _looks_like_fernet_key(env_value):
                return self._accept(Fernet(env_value.encode("ascii")), "env-key")
            return self._accept(self._from_passphrase(env_value), "env-passphrase")

        fernet = self._from_keyring()
        if fernet is not None:
            return self._accept(fernet, "keyring")

        if self._passphrase_cb is None:
            raise VaultLockedError(
                f"Herald cannot unlock its vault: {self.keyring_problem or 'no key available'}. "
                f"Set {ENV_KEY} (a Fernet key or a passphrase), or start Herald where it can ask "
                "for a passphrase."
            )
        creating = self._read_setting(CHECK_SETTING) is None
        phrase = self._passphrase_cb(creating)
        if not phrase:
            raise VaultLockedError("No vault passphrase was given; nothing was changed.")
        return self._accept(self._from_passphrase(phrase), "passphrase")

    def _from_keyring(self) -> Fernet | None:
        backend = keyring.get_keyring()
        problem = _backend_problem(backend)
        if problem is not None:
            self._note_keyring_problem(problem)
            return None
        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)
        except keyring.errors.NoKeyringError:
            self._note_keyring_problem("no OS keychain is available (keyring has no backend)")
            return None
        except keyring.errors.KeyringError as exc:
            self._note_keyring_problem(f"the OS keychain refused access ({type(exc).__name__})")
            return None
        if stored:
            try:
                return Fernet(stored.encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                raise VaultError(
                    "The vault key in the OS keychain (Herald / vault-key) is damaged; "
                    "nothing was changed."
                ) from None
        if self._read_setting(CHECK_SETTING) is not None:
            # This database was locked with a key this keychain does not have (another
            # machine, a passphrase, HERALD_VAULT_KEY): a new key would orphan its secrets.
            self._note_keyring_problem(
                "this database's secrets were encrypted with a key that is not in this "
                "computer's keychain"
            )
            return None
        key = Fernet.generate_key().decode("ascii")
        try:
            keyring.set_password(KEYRING_SERVICE, KEYRING_USERNAME, key)
        except keyring.errors.KeyringError as exc:
            self._note_keyring_problem(
                f"the OS keychain refused to store a key ({type(exc).__name__})"
            )
            return None
        log.info("generated a new vault key and stored it in the OS keychain")
        return Fernet(key.encode("ascii"))

    def _note_keyring_problem(self, problem: str) -> None:
        self.keyring_problem = problem
        log.warning("vault: %s; using %s or a passphrase instead", problem, ENV_KEY)

    def _from_passphrase(self, phrase: str) -> Fernet:
        params = self._read_setting(SALT_SETTING)
        if isinstance(params, dict) and "salt" in params:
            salt = base64.b64decode(params["salt"])
            n, r, p = (
                int(params.get("n", SCRYPT_N)),
                int(params.get("r", SCRYPT_R)),
                int(params.get("p", SCRYPT_P)),
            )
            new_params = None
        else:
            salt = os.urandom(16)
            n, r, p = SCRYPT_N, SCRYPT_R, SCRYPT_P
            new_params = {"salt": base64.b64encode(salt).decode("ascii"), "n": n, "r": r, "p": p}
        derived = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(phrase.encode("utf-8"))
        fernet = Fernet(base64.urlsafe_b64encode(derived))
        # Verify before storing anything, so a wrong passphrase changes nothing.
        self._verify(fernet)
        if new_params is not None:
            self._write_setting(SALT_SETTING, new_params)
        return fernet

    def _accept(self, fernet: Fernet, source: str) -> Fernet:
        self._verify(fernet)
        if self._db is not None and self._read_setting(CHECK_SETTING) is None:
            self._write_setting(CHECK_SETTING, fernet.encrypt(_CHECK_PLAINTEXT).decode("ascii"))
        self.key_source = source
        if source in ("env-key", "env-passphrase"):
            register_secret(self._environ.get(ENV_KEY))
        log.info("vault unlocked (key from %s)", source)
        return fernet

    def _verify(self, fernet: Fernet) -> None:
        if self._db is None:
            return
        check = self._read_setting(CHECK_SETTING)
        if isinstance(check, str):
            try:
                ok = fernet.decrypt(check.encode("ascii")) == _CHECK_PLAINTEXT
            except InvalidToken:
                ok = False
            if not ok:
                raise WrongPassphraseError(
                    "The vault key or passphrase is wrong for this database; nothing was changed."
                )
            return
        # No verifier yet: if secrets already exist (written before verifiers), test one
        # (a workspace's data key as wrapped for the vault, or a secret of the older form).
        from app.core.workspace_keys import vault_sample

        with self._db.session() as s:
            sample = vault_sample(s)
        if sample is not None:
            try:
                fernet.decrypt(sample)
            except InvalidToken:
                raise WrongPassphraseError(
                    "The vault key or passphrase does not open the stored account secrets; "
                    "nothing was changed."
                ) from None

    # ------------------------------------------------------------ settings table

    def _read_setting(self, key: str) -> Any:
        if self._db is None:
            return None
        with self._db.session() as s:
            row = s.get(Setting, key)
            return None if row is None else row.value

    def _write_setting(self, key: str, value: Any) -> None:
        if self._db is None:
            return
        with self._db.session() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value
            s.commit()
