"""The seed's storage format, read-only for the app: `salt:iv:ciphertext`, all hex.

AES-256-CBC with PKCS#7 padding; key = scrypt(passphrase, salt, N=16384, r=8, p=1,
32 bytes), matching Node's `crypto.scryptSync(passphrase, salt, 32)` defaults, where
`salt` is the 16 random bytes themselves (the hex in the token is their encoding).
The format is unauthenticated and costs one scrypt (~33 ms, 16 MiB) per call, so it
is only decrypted to import old data and re-encrypt it (see `backend.crypto.rotate`).
`encrypt_legacy` exists for tests and the benchmark only.
"""

from __future__ import annotations

import os
import re

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from backend.crypto.aead import DecryptionError

SCRYPT_N = 16384
SCRYPT_R = 8
SCRYPT_P = 1
KEY_BYTES = 32
SALT_BYTES = 16
BLOCK_BYTES = 16
_LEGACY = re.compile(r"((?:[0-9a-fA-F]{2})+):([0-9a-fA-F]{32}):((?:[0-9a-fA-F]{32})+)")


def is_legacy_token(token: str) -> bool:
    return isinstance(token, str) and _LEGACY.fullmatch(token) is not None


def derive_legacy_key(passphrase: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode())


def decrypt_legacy(token: str, passphrase: str, *, purpose: str = "legacy") -> bytes:
    """Decrypt a seed-format token. Slow (one scrypt): call via asyncio.to_thread from async code."""
    match = _LEGACY.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError(purpose, "not a legacy salt:iv:ciphertext token")
    salt, iv, ciphertext = (bytes.fromhex(part) for part in match.groups())
    decryptor = Cipher(algorithms.AES(derive_legacy_key(passphrase, salt)), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BYTES * 8).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        # Bad padding almost always means a wrong passphrase; CBC cannot tell tampering apart.
        raise DecryptionError(purpose, "legacy token did not decrypt (wrong passphrase?)") from None


def encrypt_legacy(plaintext: bytes | str, passphrase: str) -> str:
    """The seed's encryption, reproduced for interop tests and the benchmark. Not for app use."""
    data = plaintext.encode() if isinstance(plaintext, str) else bytes(plaintext)
    salt, iv = os.urandom(SALT_BYTES), os.urandom(BLOCK_BYTES)
    padder = padding.PKCS7(BLOCK_BYTES * 8).padder()
    encryptor = Cipher(algorithms.AES(derive_legacy_key(passphrase, salt)), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    return f"{salt.hex()}:{iv.hex()}:{ciphertext.hex()}"
