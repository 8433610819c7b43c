"""A member's own key (issue 23): the X25519 key pair that workspace data keys are wrapped to.

`members add` generates the pair when it creates the person's login, stores only the public
half in the database (beside each wrapped data key) and prints the private half once, with
the connection URL. The member's Herald keeps it in their OS keychain (service "Herald",
user "member-key:LOGIN"); the first time it is needed it is taken from ``HERALD_MEMBER_KEY``
(or `members key`, which asks for it) and put there. The same keychain rules as the vault
apply: a plaintext or null keyring backend is refused.

Wrapping is an ephemeral-static X25519 exchange, HKDF-SHA256 to a Fernet key, and Fernet
over the data key: the stored blob is the 32-byte ephemeral public key, then the token. The
administrator therefore never keeps a member's private key; wrapping for a member needs only
their public key, and unwrapping needs the private key that only their keychain holds.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping

import keyring
import keyring.errors
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.core.logsetup import register_secret
from app.core.vault import KEYRING_SERVICE, VaultError, VaultLockedError, _backend_problem

log = logging.getLogger(__name__)

ENV_MEMBER_KEY = "HERALD_MEMBER_KEY"
_INFO = b"herald/workspace-key/v1"
_PUB_LEN = 32


class MemberKeyError(VaultError):
    """A member key is damaged, cannot be kept, or does not open this workspace's key."""


class MemberKeyMissingError(VaultLockedError):
    """Neither the keychain nor HERALD_MEMBER_KEY has this login's member key (the desktop
    then asks for it: app/ui/member_key.py)."""

    def __init__(self, message: str, login: str) -> None:
        super().__init__(message)
        self.login = login


def keyring_username(login: str) -> str:
    return f"member-key:{login}"


def new_member_key() -> tuple[str, bytes]:
    """A fresh key pair: (the private key as printed text, the raw public key)."""
    private = X25519PrivateKey.generate()
    text = base64.urlsafe_b64encode(private.private_bytes_raw()).decode("ascii")
    return text, _public_raw(private.public_key())


def parse_member_key(text: str) -> X25519PrivateKey:
    value = (text or "").strip()
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32 or len(value) != 44:
        raise MemberKeyError(
            "That is not a Herald member key (44 characters, as `members add` printed it)."
        )
    return X25519PrivateKey.from_private_bytes(raw)


def public_of(text: str) -> bytes:
    return _public_raw(parse_member_key(text).public_key())


def _public_raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _kek(shared: bytes, eph_pub: bytes, pub: bytes) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + eph_pub + pub
    ).derive(shared)
    return Fernet(base64.urlsafe_b64encode(derived))


def wrap_for(public_key: bytes, data_key: bytes) -> bytes:
    """The data key, readable only with the private half of `public_key`."""
    eph = X25519PrivateKey.generate()
    eph_pub = _public_raw(eph.public_key())
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public_key))
    return eph_pub + _kek(shared, eph_pub, public_key).encrypt(data_key)


def unwrap_with(private: X25519PrivateKey, blob: bytes) -> bytes:
    eph_pub, token = bytes(blob[:_PUB_LEN]), bytes(blob[_PUB_LEN:])
    pub = _public_raw(private.public_key())
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        return _kek(shared, eph_pub, pub).decrypt(token)
    except (InvalidToken, ValueError):
        raise MemberKeyError(
            "Your member key does not open this workspace's key: it is not the key "
            "`members add` printed for you, or the administrator must add you again."
        ) from None


def load_member_key(login: str, environ: Mapping[str, str]) -> X25519PrivateKey:
    """The member's private key: the OS keychain first; else HERALD_MEMBER_KEY, which is then
    put in the keychain (when there is a safe one). One clear message when neither has it."""
    backend_problem = _backend_problem(keyring.get_keyring())
    stored = None
    if backend_problem is None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, keyring_username(login))
        except keyring.errors.KeyringError as exc:
            backend_problem = f"the OS keychain refused access ({type(exc).__name__})"
    if stored:
        register_secret(stored)
        return parse_member_key(stored)
    from_env = environ.get(ENV_MEMBER_KEY)
    if from_env:
        register_secret(from_env)
        key = parse_member_key(from_env)
        if backend_problem is None:
            store_member_key(login, from_env)
        return key
    where = backend_problem or "it is not in this computer's keychain"
    raise MemberKeyMissingError(
        f"Herald cannot read this workspace's secrets as {login}: your member key is "
        f"missing ({where}). Run `python main.py members key --db URL` and paste the key "
        f"`members add` printed for you, or set {ENV_MEMBER_KEY}.",
        login,
    )


def store_member_key(login: str, text: str) -> None:
    """Put the member key in the OS keychain; refuses a backend that is not a safe keychain."""
    parse_member_key(text)
    problem = _backend_problem(keyring.get_keyring())
    if problem is not None:
        raise MemberKeyError(f"Herald cannot keep your member key: {problem}.")
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_username(login), text.strip())
    except keyring.errors.KeyringError as exc:
        raise MemberKeyError(
            f"The OS keychain refused to store your member key ({type(exc).__name__})."
        ) from None
    log.info("member key for %s stored in the OS keychain", login)
